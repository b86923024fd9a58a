// `lock_all_blocking` takes `lockladder::sync` locks only: blocking a thread on
// an async lock would stall every task of the executor running on it.
use lockladder::{lock_level, sync, LockToken, Mutex};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

fn settle(registry: &Mutex<Registry>, coins: &sync::Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (_guards, _token) = token.lock_all_blocking((coins, registry));
}

fn main() {}
