// `try_upgrade_for` waits for the readers as `upgrade` does: with a higher
// lock taken through the upgradable guard's token still held, a reader
// waiting for that lock would stall it, so it takes that token too.
use std::time::Duration;
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct Stats {
    upgrades: u64,
}

fn upgrade_above(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (checking, mut at_registry) = registry.upgradable_read(&mut token);
    let (mut stats, _at_stats) = stats.lock(&mut at_registry);
    let timeout = Duration::from_millis(10);
    if let Ok(mut writing) =
        RwLockUpgradableReadGuard::try_upgrade_for(checking, &mut at_registry, timeout)
    {
        writing.accounts.push(1);
    }
    stats.upgrades += 1;
}

fn main() {}
