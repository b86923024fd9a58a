// The timed acquisitions follow the token rules of their untimed twins: a
// lower level after a higher one is the same order error.
use std::time::{Duration, Instant};
use lockladder::{lock_level, sync::{Mutex, RwLock}, LockToken};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

fn inverted(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (_coins, mut token) = coins.try_lock_for(&mut token, Duration::from_millis(10)).unwrap();
    let deadline = Instant::now() + Duration::from_millis(10);
    let _registry = registry.try_upgradable_read_until(&mut token, deadline);
}

fn main() {}
