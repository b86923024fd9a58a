// Upgradable reads above a held lower lock, an upgrade with the guard's own
// token, a higher lock taken after it, and downgrades of both kinds.
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard}, LockToken};

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

fn main() {
    let config = RwLock::new(Config { limit: 3 });
    let registry = RwLock::new(Registry { accounts: Vec::new() });
    let stats = Mutex::new(Stats { upgrades: 0 });

    let mut token = LockToken::new();
    let (config, mut at_config) = config.read(&mut token);
    let (checking, mut at_registry) = registry.upgradable_read(&mut at_config);
    if checking.accounts.len() < config.limit {
        let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
        writing.accounts.push(1);
        let (mut stats, _) = stats.lock(&mut at_registry);
        stats.upgrades += 1;
        let reading = RwLockWriteGuard::downgrade(writing);
        assert_eq!(reading.accounts, [1]);
    } else {
        let _reading = RwLockUpgradableReadGuard::downgrade(checking);
    }
}
