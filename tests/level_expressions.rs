//! Computed and relative levels at run time: `LEVEL` is what the expression
//! says, and the runtime order (`lock_all`'s ascending sort) agrees with the
//! type-level order the compiler checked. Also compiled by clippy with
//! `-D warnings` in CI: the expansion adds no lint to the user's code,
//! whatever the expression's integer type.

use lockladder::{Level, LockToken, Mutex, lock_level};

const BASE_U8: u8 = 10;
const BASE_I128: i128 = 100;
const STEP_USIZE: usize = 5;
const LIBRARY_OFFSET: u32 = 1;

mod db {
    use lockladder::lock_level;

    /// A library's lock type.
    #[lock_level(super::BASE_U8 * 2)]
    #[derive(Debug)]
    pub struct Pool {
        pub idle: u32,
    }

    /// Another one, ten above.
    #[lock_level(above(Pool, 10))]
    #[derive(Debug)]
    pub struct Conn {
        pub queries: u64,
    }
}

#[lock_level(below(db::Pool))]
#[derive(Debug)]
struct Config {
    limit: u32,
}

#[lock_level(between(db::Pool, db::Conn))]
#[derive(Debug)]
struct Cache {
    hits: u64,
}

#[lock_level(BASE_I128)]
#[derive(Debug)]
struct Journal {
    lines: Vec<&'static str>,
}

#[lock_level(<db::Conn as Level>::LEVEL + LIBRARY_OFFSET)]
enum AuditLevel {}

#[lock_level(BASE_I128 as u32 + STEP_USIZE as u32)]
enum MetricsLevel {}

#[test]
fn computed_levels_have_the_values_their_expressions_say() {
    let levels = [
        (<Config as Level>::NAME, <Config as Level>::LEVEL),
        (<db::Pool as Level>::NAME, <db::Pool as Level>::LEVEL),
        (<Cache as Level>::NAME, <Cache as Level>::LEVEL),
        (<db::Conn as Level>::NAME, <db::Conn as Level>::LEVEL),
        (<AuditLevel as Level>::NAME, <AuditLevel as Level>::LEVEL),
        (<Journal as Level>::NAME, <Journal as Level>::LEVEL),
        (<MetricsLevel as Level>::NAME, <MetricsLevel as Level>::LEVEL),
    ];
    assert_eq!(
        levels,
        [
            ("Config", 19),
            ("Pool", 20),
            ("Cache", 25),
            ("Conn", 30),
            ("AuditLevel", 31),
            ("Journal", 100),
            ("MetricsLevel", 105),
        ]
    );
}

#[test]
fn lock_all_takes_relative_levels_in_the_order_the_types_were_checked_in() {
    let config = Mutex::new(Config { limit: 4 });
    let pool = Mutex::new(db::Pool { idle: 2 });
    let cache = Mutex::new(Cache { hits: 0 });
    let conn = Mutex::new(db::Conn { queries: 0 });
    let audit: Mutex<Vec<u32>, AuditLevel> = Mutex::with_level(Vec::new());
    let journal = Mutex::new(Journal { lines: Vec::new() });
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
        let mut token = LockToken::new();
        // Given in reverse; taken ascending, and the token ends at the highest.
        let ((mut journal, mut audit, mut conn, mut cache, pool, config), mut top) =
            token.lock_all((&journal, &audit, &conn, &cache, &pool, &config)).await;
        cache.hits += 1;
        conn.queries += u64::from(pool.idle);
        audit.push(config.limit);
        journal.lines.push("audited");
        drop((journal, audit, conn, cache, pool, config));
        // The token is at `Journal` (100): only `MetricsLevel` (105) is above it.
        let metrics: Mutex<u64, MetricsLevel> = Mutex::with_level(0);
        let (mut metrics, _token) = metrics.lock(&mut top).await;
        *metrics += 1;
    });
    assert_eq!(conn.into_inner().queries, 2);
    assert_eq!(audit.into_inner(), [4]);
}
