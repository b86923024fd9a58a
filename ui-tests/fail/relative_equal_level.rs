// Two types at one computed level cannot be held together.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(10)]
struct Pool;

#[lock_level(above(Pool))]
struct Cache;

#[lock_level(Cache::LEVEL_OF_SHARD)]
struct Shard;

impl Cache {
    const LEVEL_OF_SHARD: u32 = 11;
}

async fn same(cache: &Mutex<Cache>, shard: &Mutex<Shard>) {
    let mut token = LockToken::new();
    let (_cache, mut token) = cache.lock(&mut token).await;
    let (_shard, _token) = shard.lock(&mut token).await;
}

fn main() {}
