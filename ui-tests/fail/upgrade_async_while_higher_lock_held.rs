// An async `upgrade` waits for the readers to leave; with a higher lock taken
// through the upgradable guard's token still held, a reader waiting for that
// lock would deadlock with it.
use lockladder::{lock_level, LockToken, Mutex, RwLock, RwLockUpgradableReadGuard};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct Stats {
    upgrades: u64,
}

async fn upgrade_above(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (checking, mut at_registry) = registry.upgradable_read(&mut token).await;
    let (mut stats, _at_stats) = stats.lock(&mut at_registry).await;
    let mut writing = RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry).await;
    writing.accounts.push(1);
    stats.upgrades += 1;
}

fn main() {}
