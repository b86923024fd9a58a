// A level may be any constant expression of an integer type: a named constant,
// arithmetic, a `const fn`, another type's level. The rank follows the value.
use lockladder::{lock_level, Level, LockToken, Mutex};

const BASE: u16 = 100;
const STEP: usize = 10;

mod db {
    pub const POOL_LEVEL: u8 = 10;

    #[lockladder::lock_level(POOL_LEVEL)]
    pub struct Pool;
}

const fn tier(n: u32) -> u32 {
    1000 * n
}

#[lock_level(BASE)]
struct Registry;

#[lock_level(BASE + 10)]
struct Accounts;

#[lock_level(db::POOL_LEVEL + 5)]
struct Connection;

#[lock_level(<db::Pool as Level>::LEVEL * 2)]
struct Statement;

#[lock_level(STEP * 3 + 0x100)]
struct Journal;

#[lock_level(tier(4) - 1i64 as u32)]
struct Archive;

/// A generic type at a computed level.
#[lock_level(BASE + 50)]
struct Shard<K, V: Clone> {
    entries: Vec<(K, V)>,
}

/// A marker at a computed level.
#[lock_level(65_000 + 535)]
enum Top {}

async fn in_order(pool: &Mutex<db::Pool>, registry: &Mutex<Registry>, top: &Mutex<Vec<u8>, Top>) {
    let mut token = LockToken::new();
    let (_pool, mut token) = pool.lock(&mut token).await; // 10
    let (_registry, mut token) = registry.lock(&mut token).await; // 100
    let (_top, _token) = top.lock(&mut token).await; // 65535
}

fn main() {
    const _: () = assert!(<db::Pool as Level>::LEVEL == 10);
    const _: () = assert!(<Registry as Level>::LEVEL == 100);
    const _: () = assert!(<Accounts as Level>::LEVEL == 110);
    const _: () = assert!(<Connection as Level>::LEVEL == 15);
    const _: () = assert!(<Statement as Level>::LEVEL == 20);
    const _: () = assert!(<Journal as Level>::LEVEL == 286);
    const _: () = assert!(<Archive as Level>::LEVEL == 3999);
    const _: () = assert!(<Shard<String, u8> as Level>::LEVEL == 150);
    const _: () = assert!(<Top as Level>::LEVEL == 65535);
    assert_eq!(<Shard<u8, u8> as Level>::NAME, "Shard");
    let _ = Shard::<u8, u8> { entries: Vec::new() }.entries;
    let _ = (Accounts, Connection, Statement, Journal, Archive);
    let top: Mutex<Vec<u8>, Top> = Mutex::with_level(Vec::new());
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(in_order(
        &Mutex::new(db::Pool),
        &Mutex::new(Registry),
        &top,
    ));
}
