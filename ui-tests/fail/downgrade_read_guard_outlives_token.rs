// A downgraded guard keeps the borrow of the token that took the write: the
// parent token stays frozen while it lives.
use lockladder::{lock_level, sync::{RwLock, RwLockWriteGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

fn read_twice(registry: &RwLock<Registry>) {
    let mut token = LockToken::new();
    let (writing, _) = registry.write(&mut token);
    let reading = RwLockWriteGuard::downgrade(writing);
    let (again, _) = registry.read(&mut token);
    assert_eq!(reading.accounts, again.accounts);
}

fn main() {}
