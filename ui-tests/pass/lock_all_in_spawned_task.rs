// `lock_all` and `lock_many` futures and their guards are `Send`: a spawned task
// awaits them and holds the guards across `.await`.
use std::sync::Arc;

use lockladder::{lock_level, LockToken, Mutex, Read, RwLock};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct Account {
    balance: u64,
}

#[lock_level(30)]
struct CoinManager {
    paid: u64,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    runtime.block_on(async {
        let registry = Arc::new(RwLock::new(Registry { accounts: vec![7] }));
        let accounts = Arc::new([Mutex::new(Account { balance: 1 }), Mutex::new(Account { balance: 2 })]);
        let coins = Arc::new(Mutex::new(CoinManager { paid: 0 }));
        let task = tokio::spawn({
            let (registry, accounts, coins) = (registry.clone(), accounts.clone(), coins.clone());
            async move {
                let mut token = LockToken::new();
                let ((mut coins, registry), _token) =
                    token.lock_all((&*coins, Read(&*registry))).await;
                tokio::task::yield_now().await;
                coins.paid += registry.accounts[0];
                drop((coins, registry));

                let (mut pair, _token) = token.lock_many([&accounts[1], &accounts[0]]).await;
                tokio::task::yield_now().await;
                pair[0].balance -= 1;
                pair[1].balance += 1;
            }
        });
        task.await.unwrap();
        let mut token = LockToken::new();
        let ((coins, first, second), _token) =
            token.lock_all((&*coins, &accounts[0], &accounts[1])).await;
        assert_eq!((coins.paid, first.balance, second.balance), (7, 2, 1));
    });
}
