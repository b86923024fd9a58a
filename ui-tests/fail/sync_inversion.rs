// Blocking and async locks share one hierarchy: a blocking `Registry` (10) taken
// while the async `CoinManager` (20) is held is the same inversion.
use lockladder::{lock_level, sync, LockToken, Mutex};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct CoinManager {
    balance: u64,
}

async fn pay_out(registry: &sync::RwLock<Registry>, coins: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (mut coins, mut token) = coins.lock(&mut token).await;
    let (registry, _token) = registry.read(&mut token);
    coins.balance += registry.accounts.len() as u64;
}

fn main() {}
