//! # The lockladder guide
//!
//! The long form of the crate's documentation, one page per concern. Every code
//! block on these pages is a doc test, so what you read here compiles (or, where
//! a misuse is the point, fails to compile with the error code named) on every
//! release.
//!
//! 1. [Getting started](getting_started): the dependency, a first hierarchy,
//!    one token per task, the error you get.
//! 2. [Levels](levels): literals, constants, levels relative to another type's
//!    (and another crate's), the pattern for a library.
//! 3. [Porting an existing codebase](porting): data you do not own, locks in
//!    struct fields, generic helpers, foreign traits and entry points, what
//!    replaces owned guards, running the tests with `lockdep`.
//! 4. [Several locks at once](several_locks): `lock_all`, `lock_many`,
//!    `LockGroup`, blocking sets, sets from untrusted input.
//! 5. [Across processes and around teardown](processes): `FileLock` and `Gate`.
//! 6. [PostgreSQL advisory locks](postgres): the `postgres` feature.
//! 7. [The runtime net](runtime_net): `lockdep`, statistics, long holds, the
//!    declared and the observed hierarchy pictures.
//! 8. [Coming from `tokio::sync` and `parking_lot`](migration): every method,
//!    its equivalent here, upgradable reads, `Condvar`.
//! 9. [What the types cannot see](limits), and what covers it.
//! 10. [Cost](cost): time against the locks they replace, and `cargo check` time.
//!
//! The [cookbook] shows the runnable programs of `examples/`, one
//! page each.
//!
//! Start at [Getting started](getting_started).

pub mod cookbook;
pub mod cost;
pub mod getting_started;
pub mod levels;
pub mod limits;
pub mod migration;
pub mod porting;
pub mod postgres;
pub mod processes;
pub mod runtime_net;
pub mod several_locks;
