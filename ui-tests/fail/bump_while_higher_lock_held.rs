// `bump` may hand the lock to a waiting thread and wait to re-take it: with a
// higher lock taken through the lock's token still held, that thread could be
// waiting for it, so `bump` takes that token mutably too.
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockWriteGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct Stats {
    bumps: u64,
}

fn bump_above(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (mut writing, mut at_registry) = registry.write(&mut token);
    let (mut stats, _at_stats) = stats.lock(&mut at_registry);
    RwLockWriteGuard::bump(&mut writing, registry, &mut at_registry);
    writing.accounts.push(1);
    stats.bumps += 1;
}

fn main() {}
