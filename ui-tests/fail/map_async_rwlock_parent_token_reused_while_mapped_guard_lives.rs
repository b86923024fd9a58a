// A mapped guard of the async RwLock keeps the parent token borrowed: no
// second lock through it while the mapped guard lives, read or write.
use lockladder::{lock_level, LockToken, RwLock, RwLockReadGuard, RwLockWriteGuard};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

async fn read_twice(registry: &RwLock<Registry>) {
    let mut token = LockToken::new();
    let (reading, _) = registry.read(&mut token).await;
    let accounts = RwLockReadGuard::map(reading, |registry| &registry.accounts);
    let (_again, _) = registry.read(&mut token).await;
    assert!(accounts.is_empty());
}

async fn write_then_read(registry: &RwLock<Registry>) {
    let mut token = LockToken::new();
    let (writing, _) = registry.write(&mut token).await;
    let mut accounts = RwLockWriteGuard::map(writing, |registry| &mut registry.accounts);
    let (_again, _) = registry.read(&mut token).await;
    accounts.push(1);
}

fn main() {}
