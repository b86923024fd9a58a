// A FileLock below an in-process Mutex, held across `.await` in a spawned task.
use lockladder::{lock_level, FileLock, LockToken, Mutex};
use std::sync::Arc;

#[lock_level(10)]
enum StoreLevel {}

#[lock_level(20)]
struct Cache {
    entries: u64,
}

async fn update(store: Arc<FileLock<StoreLevel>>, cache: Arc<Mutex<Cache>>) {
    let mut token = LockToken::new();
    let (_store, mut token) = store.lock(&mut token).await.unwrap();
    tokio::task::yield_now().await;
    let (mut cache, _token) = cache.lock(&mut token).await;
    cache.entries += 1;
}

fn main() {
    let path = std::env::temp_dir().join(format!("lockladder-ui-{}.lock", std::process::id()));
    let store = Arc::new(FileLock::open(&path).unwrap());
    let cache = Arc::new(Mutex::new(Cache { entries: 0 }));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_time().build().unwrap();
    runtime.block_on(runtime.spawn(update(store, cache))).unwrap();
    std::fs::remove_file(&path).unwrap();
}
