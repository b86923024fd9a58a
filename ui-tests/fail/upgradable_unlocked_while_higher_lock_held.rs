// The upgradable guard carries its level, so its `unlocked` takes only the
// guard's own token: with a higher lock taken through it held, re-taking the
// upgradable read would invert the order.
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard}, LockToken};

#[lock_level(10)]
struct Cache {
    entries: Vec<u32>,
}

#[lock_level(20)]
struct Stats {
    misses: u64,
}

fn release_above(cache: &RwLock<Cache>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    let (mut stats, _at_stats) = stats.lock(&mut at_cache);
    RwLockUpgradableReadGuard::unlocked(&mut checking, &mut at_cache, || ());
    stats.misses += checking.entries.len() as u64;
}

fn main() {}
