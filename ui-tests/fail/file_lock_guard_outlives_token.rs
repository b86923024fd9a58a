// A FileLock guard keeps its token borrowed: the parent cannot take the store
// again while the guard lives, even after the child token is dropped.
use lockladder::{lock_level, FileLock, LockToken};

#[lock_level(10)]
enum StoreLevel {}

async fn twice(store: &FileLock<StoreLevel>) {
    let mut token = LockToken::new();
    let (guard, child) = store.lock(&mut token).await.unwrap();
    drop(child);
    let (_again, _) = store.lock(&mut token).await.unwrap();
    drop(guard);
}

fn main() {}
