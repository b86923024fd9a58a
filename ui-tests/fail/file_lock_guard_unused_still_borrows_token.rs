// A FileLock guard that is never used again still holds the lock until it
// drops, so it keeps its token borrowed until then: the parent token cannot
// take the store again in the meantime.
use lockladder::{lock_level, sync, LockToken};

#[lock_level(10)]
enum StoreLevel {}

fn twice(store: &sync::FileLock<StoreLevel>) {
    let mut token = LockToken::new();
    let (_guard, child) = store.lock(&mut token).unwrap();
    drop(child);
    let (_again, _) = store.lock(&mut token).unwrap();
}

fn main() {}
