// An `RwLock` in `lock_all` must say how it is taken: `Read(&lock)` or `Write(&lock)`.
use lockladder::{lock_level, LockToken, Mutex, RwLock};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

async fn pay_out(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (_guards, _token) = token.lock_all((registry, coins)).await;
}

fn main() {}
