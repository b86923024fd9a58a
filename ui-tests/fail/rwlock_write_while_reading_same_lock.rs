// Upgrading by taking the write lock while holding the read lock would wait forever.
use lockladder::{lock_level, LockToken, RwLock};

#[lock_level(10)]
struct Config {
    limit: usize,
}

async fn bump(config: &RwLock<Config>) {
    let mut token = LockToken::new();
    let (current, mut token) = config.read(&mut token).await;
    let (mut config, _token) = config.write(&mut token).await;
    config.limit = current.limit + 1;
}

fn main() {}
