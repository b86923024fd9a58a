// An async `try_upgrade` takes the upgradable guard's own token, as `upgrade`
// does: with a higher lock taken through that token still held, a write at
// the lower level must not begin.
use lockladder::{lock_level, LockToken, Mutex, RwLock, RwLockUpgradableReadGuard};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct Stats {
    upgrades: u64,
}

async fn try_upgrade_above(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (checking, mut at_registry) = registry.upgradable_read(&mut token).await;
    let (mut stats, _at_stats) = stats.lock(&mut at_registry).await;
    if let Ok(mut writing) = RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry) {
        writing.accounts.push(1);
    }
    stats.upgrades += 1;
}

fn main() {}
