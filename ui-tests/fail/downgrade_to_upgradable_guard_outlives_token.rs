// The upgradable guard from `downgrade_to_upgradable` keeps the borrow of the
// token that took the write: it cannot leave the token's scope.
use lockladder::{lock_level, sync::{RwLock, RwLockUpgradableReadGuard, RwLockWriteGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

fn checked(registry: &RwLock<Registry>) -> RwLockUpgradableReadGuard<'_, Registry, Registry> {
    let mut token = LockToken::new();
    let (mut writing, _) = registry.write(&mut token);
    writing.accounts.push(1);
    RwLockWriteGuard::downgrade_to_upgradable(writing, registry)
}

fn main() {}
