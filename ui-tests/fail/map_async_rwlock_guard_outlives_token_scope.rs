// A mapped guard of the async RwLock keeps the lock's lifetime: it cannot
// leave the scope of the token that took the lock, any more than the guard it
// came from, whether it reads or writes.
use lockladder::{
    lock_level, LockToken, MappedRwLockReadGuard, MappedRwLockWriteGuard, RwLock,
    RwLockReadGuard, RwLockWriteGuard,
};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

async fn smuggle_read(registry: &RwLock<Registry>) -> MappedRwLockReadGuard<'_, Vec<u64>> {
    let mut token = LockToken::new();
    let (reading, _token) = registry.read(&mut token).await;
    RwLockReadGuard::map(reading, |registry| &registry.accounts)
}

async fn smuggle_write(registry: &RwLock<Registry>) -> MappedRwLockWriteGuard<'_, Vec<u64>> {
    let mut token = LockToken::new();
    let (writing, _token) = registry.write(&mut token).await;
    RwLockWriteGuard::map(writing, |registry| &mut registry.accounts)
}

fn main() {}
