// Levels relative to another type's: `above(T)`, `above(T, N)`, `below(T)`,
// `below(T, N)`, `between(A, B)`; on structs, generic types and marker enums.
use lockladder::{lock_level, Level, LockBefore, LockToken, Mutex};

mod db {
    use lockladder::lock_level;

    #[lock_level(10)]
    pub struct Pool;

    #[lock_level(20)]
    pub struct Conn;
}

#[lock_level(below(db::Pool))]
struct Config;

#[lock_level(below(db::Pool, 5))]
struct Settings;

#[lock_level(between(db::Pool, db::Conn))]
struct Cache;

#[lock_level(above(db::Conn))]
struct Journal;

#[lock_level(above(db::Conn, 10))]
struct Outbox<T> {
    items: Vec<T>,
}

#[lock_level(above(Outbox<u8>))]
enum MetricsLevel {}

// Relative to a computed level.
#[lock_level(above(Journal))]
struct Audit;

async fn record<H: LockBefore<Journal>>(token: &mut LockToken<'_, H>, journal: &Mutex<Journal>) {
    let (_journal, _token) = journal.lock(token).await;
}

async fn between_library_levels(
    config: &Mutex<Config>,
    pool: &Mutex<db::Pool>,
    cache: &Mutex<Cache>,
    conn: &Mutex<db::Conn>,
    journal: &Mutex<Journal>,
    metrics: &Mutex<u64, MetricsLevel>,
) {
    let mut token = LockToken::new();
    let (_config, mut token) = config.lock(&mut token).await; // 9
    let (_pool, mut token) = pool.lock(&mut token).await; // 10
    let (_cache, mut token) = cache.lock(&mut token).await; // 15
    let (_conn, mut token) = conn.lock(&mut token).await; // 20
    record(&mut token, journal).await; // 21
    let (_metrics, _token) = metrics.lock(&mut token).await; // 31
}

fn main() {
    const _: () = assert!(<Config as Level>::LEVEL == 9);
    const _: () = assert!(<Settings as Level>::LEVEL == 5);
    const _: () = assert!(<Cache as Level>::LEVEL == 15);
    const _: () = assert!(<Journal as Level>::LEVEL == 21);
    const _: () = assert!(<Outbox<String> as Level>::LEVEL == 30);
    const _: () = assert!(<MetricsLevel as Level>::LEVEL == 31);
    const _: () = assert!(<Audit as Level>::LEVEL == 22);
    let _ = (Settings, Audit, Outbox::<u8> { items: Vec::new() }.items);
    let metrics: Mutex<u64, MetricsLevel> = Mutex::with_level(0);
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(
        between_library_levels(
            &Mutex::new(Config),
            &Mutex::new(db::Pool),
            &Mutex::new(Cache),
            &Mutex::new(db::Conn),
            &Mutex::new(Journal),
            &metrics,
        ),
    );
}
