// Guards and lock futures are `Send`: spawned tasks hold them across `.await`.
use std::sync::Arc;

use lockladder::{lock_level, LockToken, Mutex, RwLock};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct CoinManager {
    balance: u64,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    runtime.block_on(async {
        let registry = Arc::new(RwLock::new(Registry { accounts: vec![5] }));
        let coins = Arc::new(Mutex::new(CoinManager { balance: 0 }));
        let task = tokio::spawn({
            let (registry, coins) = (registry.clone(), coins.clone());
            async move {
                let mut token = LockToken::new();
                let (registry, mut token) = registry.read(&mut token).await;
                tokio::task::yield_now().await;
                let (mut coins, _token) = coins.lock(&mut token).await;
                tokio::task::yield_now().await;
                coins.balance += registry.accounts[0];
            }
        });
        task.await.unwrap();
        let mut token = LockToken::new();
        let (coins, _token) = coins.lock(&mut token).await;
        assert_eq!(coins.balance, 5);
    });
}
