// Empty enums as markers give plain data a level through `with_level`.
use lockladder::{lock_level, Level, LockToken, Mutex, RwLock};

#[lock_level(5)]
enum CacheLevel {}

#[lock_level(6)]
enum ConfigLevel {}

async fn warm(cache: &Mutex<Vec<u8>, CacheLevel>, config: &RwLock<String, ConfigLevel>) {
    let mut token = LockToken::new();
    let (mut cache, mut token) = cache.lock(&mut token).await;
    let (config, _token) = config.read(&mut token).await;
    cache.extend_from_slice(config.as_bytes());
}

fn main() {
    const _: () = assert!(<CacheLevel as Level>::LEVEL == 5);
    let cache: Mutex<Vec<u8>, CacheLevel> = Mutex::with_level(Vec::new());
    let config: RwLock<String, ConfigLevel> = RwLock::with_level(String::from("v1"));
    let defaulted: Mutex<Vec<u8>, CacheLevel> = Mutex::default();
    assert!(defaulted.into_inner().is_empty());
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(warm(&cache, &config));
    assert_eq!(cache.into_inner(), b"v1");
}
