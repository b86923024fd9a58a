// Timed acquisitions in a hierarchy, each above the last; a write downgraded
// to an upgradable read (readers let in, no writer) and upgraded again, in
// time, with the write's own token; writes inside an upgradable read; a higher
// lock taken after each.
use std::time::{Duration, Instant};
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard}, LockToken, LockTimeoutError};

#[lock_level(10)]
struct Config {
    limit: usize,
}

#[lock_level(20)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(30)]
struct Stats {
    upgrades: u64,
}

fn record(
    config: &RwLock<Config>,
    registry: &RwLock<Registry>,
    stats: &Mutex<Stats>,
) -> Result<(), LockTimeoutError> {
    let timeout = Duration::from_millis(50);
    let mut token = LockToken::new();
    let (config, mut at_config) = config.try_read_for(&mut token, timeout)?;
    let deadline = Instant::now() + timeout;
    let (mut writing, mut at_registry) = registry.try_write_until(&mut at_config, deadline)?;
    writing.accounts.push(1);
    let checking = RwLockWriteGuard::downgrade_to_upgradable(writing, registry);
    if checking.accounts.len() < config.limit {
        let upgraded = RwLockUpgradableReadGuard::try_upgrade_for(checking, &mut at_registry, timeout);
        let Ok(mut writing) = upgraded else { return Ok(()) };
        writing.accounts.push(2);
        let (mut stats, _) = stats.try_lock_until(&mut at_registry, deadline)?;
        stats.upgrades += 1;
    }
    Ok(())
}

fn main() {
    let config = RwLock::new(Config { limit: 3 });
    let registry = RwLock::new(Registry { accounts: Vec::new() });
    let stats = Mutex::new(Stats { upgrades: 0 });
    record(&config, &registry, &stats).unwrap();

    let mut token = LockToken::new();
    let (mut checking, mut at_registry) = registry.try_upgradable_read_for(&mut token, Duration::from_millis(50)).unwrap();
    // A write inside the upgradable read, then a higher lock through the same token.
    RwLockUpgradableReadGuard::with_upgraded(&mut checking, &mut at_registry, |r| r.accounts.clear());
    let timeout = Duration::from_millis(50);
    let pushed = RwLockUpgradableReadGuard::try_with_upgraded_for(&mut checking, &mut at_registry, timeout, |r| r.accounts.push(3));
    assert!(pushed.is_some());
    let (_stats, _) = stats.try_lock_for(&mut at_registry, Duration::ZERO).unwrap();
    let _reading = RwLockUpgradableReadGuard::downgrade(checking);
}
