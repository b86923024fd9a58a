//! [`PgLockKey`]: which advisory lock, and the stable hash of a lock name.

use core::fmt;

/// The key of a PostgreSQL advisory lock: one of the two key spaces of
/// `pg_advisory_lock`.
///
/// PostgreSQL keeps them apart: `Single(1)` and `Pair(0, 1)` are different
/// locks, so every replica (and every program in another language) must use
/// the same form for one lock.
///
/// ```
/// use lockladder_postgres::PgLockKey;
///
/// assert_eq!(PgLockKey::Single(42).to_string(), "42");
/// assert_eq!(PgLockKey::Pair(7, -1).to_string(), "(7, -1)");
/// assert_eq!(PgLockKey::named("jobs"), PgLockKey::Single(4_735_831_730_983_038_941));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PgLockKey {
    /// `pg_advisory_lock(bigint)`.
    Single(i64),
    /// `pg_advisory_lock(int, int)`.
    Pair(i32, i32),
}

impl PgLockKey {
    /// The `Single` key of a lock name: [`name_key`] of its UTF-8 bytes.
    ///
    /// ```
    /// use lockladder_postgres::PgLockKey;
    ///
    /// assert_eq!(PgLockKey::named(""), PgLockKey::Single(-3_750_763_034_362_895_579));
    /// ```
    pub const fn named(name: &str) -> Self {
        PgLockKey::Single(name_key(name))
    }

    /// The SQL arguments of the advisory lock functions, e.g. `42` or `7, -1`.
    pub(crate) fn sql_arguments(self) -> String {
        match self {
            PgLockKey::Single(key) => key.to_string(),
            PgLockKey::Pair(class, object) => format!("{class}, {object}"),
        }
    }

    /// The condition on `pg_locks` that selects this key's rows: a `bigint`
    /// key is stored as its high and low 32 bits in `classid`/`objid` with
    /// `objsubid = 1`, a pair as its two halves with `objsubid = 2`.
    pub(crate) fn pg_locks_condition(self) -> String {
        let (class, object, sub) = self.lock_tag();
        format!(
            "locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             AND classid = '{class}'::oid AND objid = '{object}'::oid AND objsubid = {sub}"
        )
    }
}

impl PgLockKey {
    /// The key as PostgreSQL's lock tag stores it, after the database:
    /// `classid`, `objid`, `objsubid`.
    pub(crate) fn lock_tag(self) -> (u32, u32, u8) {
        match self {
            PgLockKey::Single(key) => ((key >> 32) as u32, key as u32, 1),
            PgLockKey::Pair(class, object) => (class as u32, object as u32, 2),
        }
    }
}

impl fmt::Display for PgLockKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PgLockKey::Single(key) => write!(f, "{key}"),
            PgLockKey::Pair(class, object) => write!(f, "({class}, {object})"),
        }
    }
}

/// The advisory lock key of a name: 64-bit FNV-1a of its UTF-8 bytes, read
/// as a two's-complement `i64`.
///
/// Stable forever (changing it would let two versions of a service hold "the
/// same" lock at once), and simple to compute anywhere: start from
/// `h = 0xcbf29ce484222325`; for each byte `b`, `h = (h XOR b) * 0x100000001b3`
/// modulo 2^64; the key is `h` as a signed 64-bit integer. The same in
/// PostgreSQL itself (the tests check that both agree):
///
/// ```sql
/// WITH RECURSIVE input(b) AS (SELECT convert_to('jobs', 'UTF8')),
/// fnv(i, h) AS (
///   SELECT 0, 14695981039346656037::numeric
///   UNION ALL
///   SELECT i + 1, ((h - mod(h, 256) + (mod(h, 256)::int # get_byte(b, i)))
///                  * 1099511628211) % 18446744073709551616
///   FROM fnv, input WHERE i < length(b)
/// )
/// SELECT (CASE WHEN h >= 9223372036854775808 THEN h - 18446744073709551616 ELSE h END)::bigint
/// FROM fnv, input WHERE i = length(b);  -- 4735831730983038941
/// ```
///
/// ```
/// use lockladder_postgres::name_key;
///
/// assert_eq!(name_key(""), 0xcbf29ce484222325_u64 as i64);
/// assert_eq!(name_key("a"), 0xaf63dc4c8601ec8c_u64 as i64);
/// assert_eq!(name_key("jobs"), 4_735_831_730_983_038_941);
/// ```
pub const fn name_key(name: &str) -> i64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let bytes = name.as_bytes();
    let mut hash = OFFSET;
    let mut i = 0;
    while i < bytes.len() {
        hash = (hash ^ bytes[i] as u64).wrapping_mul(PRIME);
        i += 1;
    }
    hash as i64
}
