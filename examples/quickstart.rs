//! The CoinManager / Registry incident, done right.
//!
//! A payout job reads the registry of accounts and credits the coin manager.
//! The hierarchy says `Registry` (10) comes before `CoinManager` (20), so every
//! task takes them in that order, and the order is checked when it compiles:
//! taking `Registry` while holding `CoinManager` is a compile error.
//!
//! Run it with `cargo run --example quickstart`.

use std::sync::Arc;

use lockladder::{LockBefore, LockToken, Mutex, RwLock, lock_level};

/// Who gets paid.
#[lock_level(10)]
struct Registry {
    accounts: Vec<(String, u64)>,
}

/// What has been paid.
#[lock_level(20)]
struct CoinManager {
    paid_out: u64,
    payouts: u64,
}

/// Pays every registered account its due, in one hold of both locks, so no other
/// task can change the registry between the read and the payment.
async fn pay_everyone(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>) -> u64 {
    let mut token = LockToken::new();
    let (registry, mut token) = registry.read(&mut token).await; // level 0 -> 10
    credit(&mut token, coins, &registry.accounts).await // 10 -> 20 inside
}

/// Usable from any level below `CoinManager`: the bound says so.
async fn credit<H: LockBefore<CoinManager>>(
    token: &mut LockToken<'_, H>,
    coins: &Mutex<CoinManager>,
    accounts: &[(String, u64)],
) -> u64 {
    let (mut coins, _token) = coins.lock(token).await;
    let due: u64 = accounts.iter().map(|(_, amount)| amount).sum();
    coins.paid_out += due;
    coins.payouts += 1;
    due
}

#[tokio::main]
async fn main() {
    let registry =
        Arc::new(RwLock::new(Registry { accounts: vec![("ana".into(), 30), ("bo".into(), 12)] }));
    let coins = Arc::new(Mutex::new(CoinManager { paid_out: 0, payouts: 0 }));

    // Eight tasks pay out concurrently while a ninth registers a new account.
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (registry, coins) = (registry.clone(), coins.clone());
        tasks.push(tokio::spawn(async move { pay_everyone(&registry, &coins).await }));
    }
    let signup = tokio::spawn({
        let registry = registry.clone();
        async move {
            let mut token = LockToken::new();
            let (mut registry, _token) = registry.write(&mut token).await;
            registry.accounts.push(("cy".into(), 8));
        }
    });

    let mut total = 0;
    for task in tasks {
        total += task.await.expect("payout task panicked");
    }
    signup.await.expect("signup task panicked");

    let mut token = LockToken::new();
    let (registry, mut token) = registry.read(&mut token).await;
    let (coins, _token) = coins.lock(&mut token).await;
    println!("registry (level 10) -> coin manager (level 20), in that order everywhere");
    println!("accounts now: {}", registry.accounts.len());
    println!("payout runs: {}, paid out: {} coins", coins.payouts, coins.paid_out);
    assert_eq!(coins.paid_out, total);
    println!(
        "every payout saw one consistent registry; taking them in the other order would not compile:"
    );
    println!(
        "  error[E0277]: lock order violation: cannot acquire `Registry` while holding `CoinManager`"
    );
}
