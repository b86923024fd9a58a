// An async upgradable read, upgraded with its own token in a spawned task, a
// higher lock taken after the upgrade, and a downgrade.
use std::sync::Arc;

use lockladder::{lock_level, LockToken, Mutex, RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard};

#[lock_level(10)]
struct Cache {
    entries: Vec<u32>,
}

#[lock_level(20)]
struct Stats {
    misses: u64,
}

async fn get_or_insert(cache: &RwLock<Cache>, stats: &Mutex<Stats>, key: u32) -> usize {
    let mut token = LockToken::new();
    let (checking, mut at_cache) = cache.upgradable_read(&mut token).await;
    if checking.entries.contains(&key) {
        let reading = RwLockUpgradableReadGuard::downgrade(checking);
        return reading.entries.len();
    }
    let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_cache).await;
    writing.entries.push(key);
    let (mut stats, _) = stats.lock(&mut at_cache).await;
    stats.misses += 1;
    RwLockWriteGuard::downgrade(writing).entries.len()
}

fn main() {
    let cache = Arc::new(RwLock::new(Cache { entries: Vec::new() }));
    let stats = Arc::new(Mutex::new(Stats { misses: 0 }));
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    runtime.block_on(async move {
        let len = tokio::spawn(async move { get_or_insert(&cache, &stats, 3).await }).await.unwrap();
        assert_eq!(len, 1);
    });
}
