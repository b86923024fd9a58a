// `blocking_lock` follows the token rules of `lock`: a lower level after a higher one.
use lockladder::{lock_level, LockToken, Mutex, RwLock};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

fn inverted(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (_coins, mut token) = coins.blocking_lock(&mut token);
    let (_registry, _token) = registry.blocking_read(&mut token);
}

fn main() {}
