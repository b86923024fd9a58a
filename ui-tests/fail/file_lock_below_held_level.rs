// The store's FileLock (level 10) taken while the cache's Mutex (level 20) is held.
use lockladder::{lock_level, FileLock, LockToken, Mutex};

#[lock_level(10)]
enum StoreLevel {}

#[lock_level(20)]
struct Cache {
    entries: u64,
}

async fn flush(store: &FileLock<StoreLevel>, cache: &Mutex<Cache>) {
    let mut token = LockToken::new();
    let (cache, mut token) = cache.lock(&mut token).await;
    let (_store, _token) = store.lock(&mut token).await.unwrap();
    let _ = cache.entries;
}

fn main() {}
