// The token `lock_all` returns is at the highest level of the set: a lock below
// it cannot be taken next.
use lockladder::{lock_level, LockToken, Mutex, Read, RwLock};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

#[lock_level(15)]
struct Audit;

async fn pay_out(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>, audit: &Mutex<Audit>) {
    let mut token = LockToken::new();
    let (_guards, mut token) = token.lock_all((coins, Read(registry))).await;
    let (_audit, _token) = audit.lock(&mut token).await;
}

fn main() {}
