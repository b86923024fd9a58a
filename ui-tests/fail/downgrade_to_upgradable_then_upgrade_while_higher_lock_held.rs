// After `downgrade_to_upgradable`, `upgrade` still takes the write's own
// token: with a higher lock taken through it held, a reader waiting for that
// lock would deadlock with the upgrade.
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard}, LockToken};

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
    let (writing, mut at_registry) = registry.write(&mut token);
    let checking = RwLockWriteGuard::downgrade_to_upgradable(writing, registry);
    let (mut stats, _at_stats) = stats.lock(&mut at_registry);
    let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry);
    writing.accounts.push(1);
    stats.upgrades += 1;
}

fn main() {}
