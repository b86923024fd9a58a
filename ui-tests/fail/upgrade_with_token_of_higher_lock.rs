// Only the token at the lock's own level proves nothing above it is held.
use lockladder::{lock_level, sync::{Mutex, RwLock, RwLockUpgradableReadGuard}, LockToken};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct Stats;

fn upgrade_above(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (checking, mut at_registry) = registry.upgradable_read(&mut token);
    let (_stats, mut at_stats) = stats.lock(&mut at_registry);
    let _writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_stats);
}

fn main() {}
