// `with_upgraded` waits for the readers to leave, as `upgrade` does: with a
// higher lock taken through the upgradable guard's token still held, a reader
// waiting for that lock would deadlock with it.
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard}, LockToken};

#[lock_level(10)]
struct Cache {
    entries: Vec<u32>,
}

#[lock_level(20)]
struct Stats {
    inserts: u64,
}

fn insert_above(cache: &RwLock<Cache>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (mut checking, mut at_cache) = cache.upgradable_read(&mut token);
    let (mut stats, _at_stats) = stats.lock(&mut at_cache);
    RwLockUpgradableReadGuard::with_upgraded(&mut checking, &mut at_cache, |cache| cache.entries.push(1));
    stats.inserts += 1;
}

fn main() {}
