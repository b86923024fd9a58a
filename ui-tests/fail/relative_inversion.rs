// Between relative levels, the usual violation names both types.
use lockladder::{lock_level, LockToken, Mutex};

mod db {
    #[lockladder::lock_level(10)]
    pub struct Pool;
}

#[lock_level(above(db::Pool))]
struct Cache;

#[lock_level(above(Cache, 5))]
struct Journal;

async fn inverted(pool: &Mutex<db::Pool>, cache: &Mutex<Cache>, journal: &Mutex<Journal>) {
    let mut token = LockToken::new();
    let (_journal, mut token) = journal.lock(&mut token).await;
    let (_cache, mut token) = cache.lock(&mut token).await;
    let (_pool, _token) = pool.lock(&mut token).await;
}

fn main() {}
