// The incident: `Registry` locked inside the `CoinManager` hold.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct CoinManager {
    balance: u64,
}

async fn pay_out(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (mut coins, mut token) = coins.lock(&mut token).await;
    let (registry, _token) = registry.lock(&mut token).await;
    coins.balance += registry.accounts.len() as u64;
}

fn main() {}
