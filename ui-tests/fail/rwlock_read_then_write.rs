// Read then write of locks in the wrong order: `Config` is below `Sessions`.
use lockladder::{lock_level, LockToken, RwLock};

#[lock_level(10)]
struct Config {
    limit: usize,
}

#[lock_level(20)]
struct Sessions {
    open: Vec<u32>,
}

async fn trim(config: &RwLock<Config>, sessions: &RwLock<Sessions>) {
    let mut token = LockToken::new();
    let (sessions, mut token) = sessions.read(&mut token).await;
    let (mut config, _token) = config.write(&mut token).await;
    config.limit = sessions.open.len();
}

fn main() {}
