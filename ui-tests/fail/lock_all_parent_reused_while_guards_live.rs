// The guards of `lock_all` borrow the parent token, like a single lock's guard:
// dropping the returned token does not free the parent while they live.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

async fn sneak(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (guards, child) = token.lock_all((registry, coins)).await;
    drop(child);
    let (_again, _token) = registry.lock(&mut token).await;
    drop(guards);
}

fn main() {}
