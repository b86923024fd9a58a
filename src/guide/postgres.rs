//! # PostgreSQL advisory locks (the `postgres` feature)
//!
//! [Contents](super) · Previous: [Across processes and around teardown](super::processes) ·
//! Next: [The runtime net](super::runtime_net)
//!
//! Replicas coordinate through their database with advisory locks (migrations,
//! job runners, leader election). The worst deadlock mixes both worlds: a task
//! holds an in-process mutex and waits for an advisory lock, while another
//! replica holds that advisory lock and waits for something the first task
//! holds. PostgreSQL's deadlock detector sees only the database half, so that
//! cycle hangs forever. With `features = ["postgres"]`,
//! `lockladder::postgres::PgLock<L>` is an advisory lock key at a level of the
//! same hierarchy, taken with the same token, so the cycle does not compile.
//! The API reference is the `lockladder-postgres` crate, re-exported as
//! `lockladder::postgres`.
//!
//! The examples on this page are compiled with the `postgres` feature on (and
//! not run: they need a server).
//!
#![cfg_attr(feature = "postgres", doc = "```no_run")]
#![cfg_attr(not(feature = "postgres"), doc = "```ignore")]
//! use lockladder::postgres::{PgLock, PgSession};
//! use lockladder::{lock_level, LockToken, Mutex};
//!
//! #[lock_level(10)]
//! struct Stats {
//!     claimed: u32,
//! }
//! #[lock_level(20)]
//! enum JobTable {}
//!
//! static JOBS: PgLock<JobTable> = PgLock::named("jobs");
//!
//! async fn claim(stats: &Mutex<Stats>, session: PgSession) -> Result<PgSession, Box<dyn std::error::Error>> {
//!     let mut token = LockToken::new();
//!     let (mut stats, mut token) = stats.lock(&mut token).await; // level 10
//!     let (jobs, _token) = JOBS.lock(&mut token, session).await?; // 10 -> 20: fine
//!     jobs.client().execute("UPDATE jobs SET owner = pg_backend_pid() WHERE owner IS NULL", &[]).await?;
//!     stats.claimed += 1;
//!     drop(stats);
//!     Ok(jobs.unlock().await?) // the session comes back for the next lock
//! }
//! # let _ = claim;
//! ```
//!
//! `JOBS` first and `stats` second does not compile: "lock order violation:
//! cannot acquire `Stats` while holding `JobTable`".
//!
//! | | |
//! |---|---|
//! | `PgLock::new(i64)`, `PgLock::pair(i32, i32)`, `PgLock::named(&str)` | the key; a name is hashed by `name_key` (64-bit FNV-1a of the UTF-8 bytes as `i64`, specified so any language computes the same key; the tests check it against the same hash written in SQL) |
//! | `PgSession::connect(url, tls)`, `PgSession::new(client, connection)` | one connection, on `tokio-postgres`; it drives its connection and knows when it ended |
//! | `lock`, `try_lock`, `lock_within(timeout)`, and `_shared` forms | `(PgLockGuard, LockToken<'_, L>)`; the guard owns the session: `guard.client()` runs the critical section, `guard.unlock().await` gives the session back |
//! | `lock_xact`, `try_lock_xact`, `lock_xact_within` | begins a transaction and takes `pg_advisory_xact_lock`; the guard is the transaction (`client()`, `commit()`, `rollback()`), so it cannot outlive it |
//! | `PgSession::from_pool(object)` (feature `postgres-deadpool`) | a deadpool-postgres connection; it returns to its pool only holding no advisory lock (after `unlock`, `commit`, a refused `try_lock`), and is closed otherwise (a dropped guard, a grant that won the race with a cancellation); `lost()` looks at it every 50 ms |
//! | `guard.lost().await` | resolves when the session ends while the lock is held |
//! | errors | `PgLockError`: the key, the level, the holder's backend pid where `pg_locks` (or the deadlock report) tells it, `WouldBlock` / `TimedOut` (`55P03`) / `Deadlock` (`40P01`) / `Cancelled` / `NotHeld` / `SessionLost`; a still usable session comes back inside the error |
//!
//! ## Connecting over TLS, and what is bounded
//!
//! `PgSession::connect(url, tls)` takes any `tokio-postgres` TLS connector
//! (`MakeTlsConnect`): `NoTls`, `tokio_postgres_rustls::MakeRustlsConnect` with
//! your CA for `sslmode=verify-full`, or one from `postgres-native-tls`; put
//! `sslmode=require` (or `verify-full`) in the connection string. The session
//! keeps that connector and sends its cancel requests (a dropped waiting
//! `lock()`) over the same TLS, so managed servers and TLS-only proxies see
//! them. A session made elsewhere (`PgSession::new`, `PgSession::from_pool`)
//! gets its connector for cancels with `.with_cancel_tls(tls)`. The crate adds
//! no TLS dependency of its own: your stack, your features.
//!
//! | wait | bounded by |
//! |---|---|
//! | the whole connect: TCP, TLS handshake, startup | `connect_timeout` per host of the connection string, 10 s when unset (`DEFAULT_CONNECT_TIMEOUT`); a server that accepts and never answers fails with `PgConnectError` |
//! | `lock_within`, `lock_xact_within` | their timeout, rounded up to whole milliseconds |
//! | `lock`, `lock_xact` | nothing: until granted, or until you drop the future, which cancels the wait on the server |
//! | a key this process already holds (another session, any level, form or scope) | refused at once, `HeldByThisProcess`, naming the key, both levels and where the first hold was taken (shared + shared is allowed); as with `FileLock`, tasks of one process that take turns on a key take turns on a `Mutex` first |
//!
//! A connection a cancel request was sent to is never handed to another caller:
//! a pooled one is closed instead of going back to its pool, since the server
//! acts on a cancel whenever it gets to it and would otherwise cancel the next
//! user's statement. Connection errors say where and why (`PgConnectError`:
//! the host, the server's message and SQLSTATE, such as a role that may not log
//! in), not a bare "db error".
//!
//! ## What it promises
//!
//! Each checked against a real PostgreSQL (`postgres/tests/server.rs` starts a
//! throwaway cluster on loopback):
//!
//! * **Cancellation.** Dropping a waiting `lock` future asks the server to cancel
//!   the wait (again until it answers, since a cancel can overtake the request)
//!   and closes the session: a grant already on its way is released with the
//!   connection, and the session is never reused. Checked from a second session
//!   through `pg_locks`, also with the drop racing the holder's release at random
//!   points.
//! * **Late grants.** PostgreSQL can grant a session-level lock and still fail
//!   the statement (a cancel or `lock_timeout` landing at that moment). A session
//!   handed back in an error, or returned to a pool, is first cleared of such a
//!   grant; one that cannot be checked is closed instead.
//! * **Drop, panic, cancelled task.** Dropping a guard closes its connection; the
//!   server releases the lock at once, with no later statement needed.
//!   `unlock().await` is the path that keeps the connection.
//! * **One session per hold.** The guard owns the session, so a second lock of
//!   the same key through it (PostgreSQL would grant it re-entrantly, and two
//!   tasks sharing the connection would both "hold" it) does not compile.
//! * **Processes.** Contending OS processes never overlap (exact counts over many
//!   rounds); SIGKILL of an idle holder process frees the key.
//! * **Loss.** `pg_terminate_backend` of the holder or a server restart resolves
//!   `lost()`, `unlock` reports `SessionLost`, and other sessions acquire.
//!
//! ## What it does not promise
//!
//! * **No fencing token.** A holder that stalls can lose its session while it
//!   still believes it holds the lock; nothing here rejects its later writes
//!   elsewhere. Write through the guard's own `client()` (which fails once the
//!   session is gone), or check a version column.
//! * **No PgBouncer transaction pooling.** Session locks need one server session
//!   from lock to unlock; use session pooling, a direct connection, or
//!   `lock_xact`.
//! * **A partition is seen only when the connection fails.** Bound that with TCP
//!   keepalives on the client (`keepalives_idle`, `keepalives_interval`,
//!   `keepalives_retries` in the connection string) and on the server
//!   (`tcp_keepalives_idle`, `tcp_keepalives_interval`, `tcp_keepalives_count`,
//!   so it drops the dead session and frees its locks), plus `tcp_user_timeout`
//!   on both.
//!
//! ## Running it
//!
//! `cargo run --example postgres_jobs --features postgres` runs three replica
//! processes claiming jobs under an in-process lock and the advisory lock (it
//! starts a throwaway cluster when no connection string is given; `initdb` from
//! `/usr/lib/postgresql/*/bin`, or `$LOCKLADDER_PG_BIN`). The crate's tests do
//! the same: without PostgreSQL's server binaries each prints one `skipped:`
//! line, and under `CI=true` a missing server is a failure instead.
//!
//! The cost: lock + unlock through `PgLock` is 0.96× the same two statements
//! sent by hand as prepared statements (median of five runs on a loaded
//! machine, where the loopback round trip dominates; `PgLock` prepares its
//! statements once per connection; `BENCHMARKS.md`, "PostgreSQL advisory locks").
//!
//! [Contents](super) · Previous: [Across processes and around teardown](super::processes) ·
//! Next: [The runtime net](super::runtime_net)
