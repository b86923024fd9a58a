// A write downgraded to an upgradable read (readers let in, no writer) and
// upgraded again with the write's own token, in a hierarchy: a lower lock
// held below it, a higher lock taken after the upgrade.
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
    let (mut writing, mut at_registry) = registry.write(&mut at_config);
    writing.accounts.push(1);
    let checking = RwLockWriteGuard::downgrade_to_upgradable(writing, &registry);
    if checking.accounts.len() < config.limit {
        let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
        writing.accounts.push(2);
        let (mut stats, _) = stats.lock(&mut at_registry);
        stats.upgrades += 1;
    }
}
