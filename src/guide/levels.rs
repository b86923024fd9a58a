//! # Levels
//!
//! [Contents](super) · Previous: [Getting started](super::getting_started) ·
//! Next: [Porting an existing codebase](super::porting)
//!
//! A level is a number in `1..=65535` given to a type by
//! [`#[lock_level(..)]`](crate::lock_level), on a struct or an enum, generic or
//! not. `0` is [`Unlocked`](crate::Unlocked), what a root token holds, never a
//! lock's level. Leave gaps (10, 20, 30) so a new lock can go in between later.
//!
//! ## Spellings
//!
//! | spelling | level |
//! |---|---|
//! | `20`, `0x14`, `1_000`, `20u16` | an integer literal (an integer suffix must hold the value: `300u8`, `10f32` are errors) |
//! | `BASE + 10`, `db::POOL_LEVEL * 2`, `tier(3)` | any constant expression of an integer type |
//! | `<db::Pool as Level>::LEVEL + 5` | another type's level, in an expression |
//! | `above(db::Pool)`, `above(db::Pool, 5)` | one (or 5) above `db::Pool`'s level |
//! | `below(db::Pool)`, `below(db::Pool, 5)` | one (or 5) below it |
//! | `between(db::Pool, db::Conn)` | the middle of the levels strictly between the two |
//! | `.., crate = ll` | with any of the above: where `lockladder` is, for a renamed dependency or a re-export |
//!
//! ## Literals and constants
//!
//! ```
//! use lockladder::{lock_level, Level};
//!
//! const STORAGE: u32 = 100;
//! const fn tier(n: u32) -> u32 {
//!     STORAGE + 10 * n
//! }
//!
//! #[lock_level(10)]
//! struct Registry;
//!
//! #[lock_level(STORAGE + 5)]
//! struct Journal;
//!
//! #[lock_level(tier(3))]
//! struct Segment;
//!
//! #[lock_level(<Journal as Level>::LEVEL + 1)]
//! struct JournalIndex;
//!
//! assert_eq!(<Registry as Level>::LEVEL, 10);
//! assert_eq!(<Journal as Level>::LEVEL, 105);
//! assert_eq!(<Segment as Level>::LEVEL, 130);
//! assert_eq!(<JournalIndex as Level>::NAME, "JournalIndex");
//! ```
//!
//! A level out of range fails `cargo check` at the attribute, in these words:
//! ``lock level `BASE * 10_000` is out of range: it is above 65535, the highest
//! level``, or for `above(Top)` at 65535, `lock level out of range: this level
//! would be above 65535, the highest level`:
//!
//! ```compile_fail,E0080
//! const BASE: u32 = 10;
//! #[lockladder::lock_level(BASE * 10_000)]
//! struct TooHigh;
//! ```
//!
//! A float, a bool or a string is ``a lock level is an integer, not `f64` ``; a
//! level given through `macro_rules!` (`$level:literal`, `$level:expr`) works as
//! if written inline.
//!
//! ## Marker levels
//!
//! An empty enum is a pure level: it gives plain data (a `Vec`, a `String`, a
//! type of another crate) a level through `with_level`, which takes the level
//! from the expected type. See [porting](super::porting#data-you-do-not-own) for
//! the pattern on real code.
//!
//! ```
//! use lockladder::{lock_level, Mutex};
//!
//! #[lock_level(30)]
//! enum CacheLevel {}
//!
//! let cache: Mutex<Vec<u8>, CacheLevel> = Mutex::with_level(vec![]);
//! # drop(cache);
//! ```
//!
//! ## Relative levels: hierarchies that compose
//!
//! A library's lock types carry their levels as part of its API, and an
//! application places its own locks below, between and above them by naming
//! those types, never copying their numbers: when the library renumbers, the
//! application's locks move with it. Two modules stand for the two crates:
//!
//! ```
//! mod db {
//!     use lockladder::lock_level;
//!
//!     #[lock_level(10)]
//!     pub struct Pool;
//!     #[lock_level(20)]
//!     pub struct Conn;
//! }
//!
//! use lockladder::{lock_level, Level};
//!
//! #[lock_level(below(db::Pool))] // read before the database
//! struct Config;
//!
//! #[lock_level(between(db::Pool, db::Conn))] // under the pool, before a connection
//! struct Cache;
//!
//! #[lock_level(above(db::Conn))] // a marker above every database lock
//! enum AuditLevel {}
//!
//! assert_eq!(<Config as Level>::LEVEL, 9);
//! assert_eq!(<Cache as Level>::LEVEL, 15);
//! assert_eq!(<AuditLevel as Level>::LEVEL, 21);
//! ```
//!
//! The order between relative levels is checked like any other, and the error
//! names both types. A relative level naming a type without a level is an error
//! (`` `String` has no lock level ``):
//!
//! ```compile_fail,E0277
//! #[lockladder::lock_level(above(String))]
//! struct Cache;
//! ```
//!
//! With the `hierarchy` feature the picture shows each computed level with what
//! it is relative to (`15  Cache (between(db::Pool, db::Conn))`).
//!
//! ## The library pattern
//!
//! A library that holds locks publishes its lock types (or markers) with their
//! levels, documented: `#[lock_level]` adds the level to the type's docs. Leave
//! room for the applications that use it: gaps between its own levels (10, 20,
//! 30) let an application fit `between` them, and a lowest level well above 1
//! lets it go `below`. Functions of the library that lock on the caller's behalf
//! take the caller's token, bounded by [`LockBefore`](crate::LockBefore), so the
//! application's order check covers the library's locks too:
//!
//! ```
//! mod db {
//!     use lockladder::{lock_level, LockBefore, LockToken, Mutex};
//!
//!     /// The connection pool. Lock it before a connection.
//!     #[lock_level(100)]
//!     pub struct Pool {
//!         idle: usize,
//!     }
//!
//!     impl Pool {
//!         pub const fn new(idle: usize) -> Mutex<Pool> {
//!             Mutex::new(Pool { idle })
//!         }
//!     }
//!
//!     /// How many connections are idle; callable holding anything below the pool.
//!     pub async fn idle<H: LockBefore<Pool>>(token: &mut LockToken<'_, H>, pool: &Mutex<Pool>) -> usize {
//!         let (pool, _token) = pool.lock(token).await;
//!         pool.idle
//!     }
//! }
//!
//! use lockladder::{lock_level, LockToken, Mutex};
//!
//! #[lock_level(below(db::Pool, 10))]
//! struct Config {
//!     max_idle: usize,
//! }
//!
//! async fn report(config: &Mutex<Config>, pool: &Mutex<db::Pool>) -> String {
//!     let mut token = LockToken::new();
//!     let (config, mut token) = config.lock(&mut token).await;
//!     let idle = db::idle(&mut token, pool).await; // 90 -> 100: allowed
//!     format!("{idle} idle of {}", config.max_idle)
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! # let report = report(&Mutex::new(Config { max_idle: 8 }), &db::Pool::new(3)).await;
//! # assert_eq!(report, "3 idle of 8");
//! # });
//! ```
//!
//! ## A renamed dependency
//!
//! A crate that depends on lockladder under another name
//! (`ll = { package = "lockladder" }`) writes `#[lock_level(10, crate = ll)]`;
//! without `crate = ll`, the attribute reads the renamed dependency from
//! `Cargo.toml` and says so in its error, instead of rustc's "unresolved crate
//! `lockladder`".
//!
//! ```
//! use lockladder as ll;
//!
//! #[ll::lock_level(10, crate = ll)]
//! struct Registry;
//! ```
//!
//! ## Levels cannot lie
//!
//! [`Level`](crate::Level) comes only from `#[lock_level]` (a hand-written
//! `impl Level` does not compile), and its `LEVEL` is read off the same
//! type-level rank the compile-time check compares, so the runtime order
//! (`lock_all`, `lock_many`, `lockdep`) and the compile-time order cannot
//! disagree. Only the crate's own digit types make a rank; the level parameter
//! of tokens and locks is invariant (no subtype coercion between levels); a root
//! token comes only from a `LockToken::new()` call (no `Default`, not `const`);
//! and `Unlocked` is what a root token holds, never a lock's level.
//!
//! ```compile_fail,E0277
//! struct Forged;
//! impl lockladder::Level for Forged {
//!     const LEVEL: u32 = 5;
//!     const NAME: &'static str = "Forged";
//! }
//! ```
//!
//! ## What a level costs `cargo check`
//!
//! A literal is expanded straight into its rank; `above`/`below` with a literal
//! distance add to the base's rank digit by digit in trait resolution (+0.2 ms of
//! `cargo check` per type); any other level is one non-generic constant per type
//! that rustc evaluates (~1.4 ms more, as is `between`). With half of 500 levels
//! written `above(..)`, `cargo check` took 1.35× plain tokio's time, against
//! 1.31× with every level a literal, in the same run on a shared machine. For
//! many levels, prefer literals or `above`/`below` with a literal distance. The
//! [cost](super::cost) page has the rest.
//!
//! [Contents](super) · Previous: [Getting started](super::getting_started) ·
//! Next: [Porting an existing codebase](super::porting)
