// `lock_all` takes a tuple of locks, even for one lock.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(20)]
struct CoinManager;

async fn pay_out(coins: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let _all = token.lock_all(coins).await;
}

fn main() {}
