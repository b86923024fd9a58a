// A mapped write guard of the async RwLock has no `downgrade` (the part it
// points to cannot become a read of the whole data): `downgrade_map` narrows
// and downgrades with no gap instead.
use lockladder::{lock_level, LockToken, MappedRwLockWriteGuard, RwLock, RwLockWriteGuard};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

async fn narrow_then_downgrade(registry: &RwLock<Registry>) {
    let mut token = LockToken::new();
    let (writing, _) = registry.write(&mut token).await;
    let mut accounts = RwLockWriteGuard::map(writing, |registry| &mut registry.accounts);
    accounts.push(1);
    let _reading = MappedRwLockWriteGuard::downgrade(accounts);
}

fn main() {}
