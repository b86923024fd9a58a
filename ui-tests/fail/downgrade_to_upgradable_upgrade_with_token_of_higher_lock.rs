// The upgradable guard takes its level from the lock given to
// `downgrade_to_upgradable`, so only the token at that level can upgrade it:
// the token of a higher lock held meanwhile is no proof.
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard}, LockToken};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct Stats;

fn upgrade_above(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (writing, mut at_registry) = registry.write(&mut token);
    let (_stats, mut at_stats) = stats.lock(&mut at_registry);
    let checking = RwLockWriteGuard::downgrade_to_upgradable(writing, registry);
    let _writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_stats);
}

fn main() {}
