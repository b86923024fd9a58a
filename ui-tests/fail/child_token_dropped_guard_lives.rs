// Dropping the child token early does not free the parent while the guard lives.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

async fn sneaky(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (registry_guard, child) = registry.lock(&mut token).await;
    drop(child);
    let (coins_guard, _) = coins.lock(&mut token).await;
    drop((registry_guard, coins_guard));
}

fn main() {}
