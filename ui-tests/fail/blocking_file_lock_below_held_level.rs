// The blocking FileLock follows the same order: level 10 after level 20.
use lockladder::{lock_level, sync, LockToken, Mutex};

#[lock_level(10)]
enum StoreLevel {}

#[lock_level(20)]
struct Cache {
    entries: u64,
}

async fn flush(store: &sync::FileLock<StoreLevel>, cache: &Mutex<Cache>) {
    let mut token = LockToken::new();
    let (cache, mut token) = cache.lock(&mut token).await;
    let (_store, _token) = store.try_lock_shared(&mut token).unwrap();
    let _ = cache.entries;
}

fn main() {}
