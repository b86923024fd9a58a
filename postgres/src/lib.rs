//! PostgreSQL advisory locks at levels of the
//! [lockladder](https://docs.rs/lockladder) lock hierarchy.
//!
//! Use it through `lockladder` with the `postgres` feature, as
//! `lockladder::postgres`.
//!
//! Services coordinate through their database with advisory locks
//! (migrations, job runners, leader election). The worst deadlocks mix both
//! worlds: a task holds an in-process mutex and waits for an advisory lock,
//! while another replica holds that advisory lock and waits for something the
//! first task holds. PostgreSQL's deadlock detector sees only the database
//! half, so that cycle hangs forever. A [`PgLock`] has a level like every
//! lockladder lock and is taken with the same token, so the cycle does not
//! compile:
//!
//! ```no_run
//! use lockladder::{lock_level, LockToken, Mutex};
//! use lockladder_postgres::{PgLock, PgSession};
//!
//! #[lock_level(10)]
//! struct Cache {
//!     jobs: Vec<i32>,
//! }
//! #[lock_level(20)]
//! enum JobTable {}
//!
//! static JOBS: PgLock<JobTable> = PgLock::named("jobs");
//!
//! async fn refresh(cache: &Mutex<Cache>, session: PgSession) -> Result<PgSession, Box<dyn std::error::Error>> {
//!     let mut token = LockToken::new();
//!     let (mut cache, mut token) = cache.lock(&mut token).await; // level 10
//!     let (jobs, _token) = JOBS.lock(&mut token, session).await?; // 10 -> 20: fine
//!     for row in jobs.client().query("SELECT id FROM jobs", &[]).await? {
//!         cache.jobs.push(row.get(0));
//!     }
//!     Ok(jobs.unlock().await?)
//! }
//! # let _ = refresh;
//! ```
//!
//! # What is promised
//!
//! * **One session per hold.** A lock takes a [`PgSession`] (one connection)
//!   by value and its guard owns it until [`unlock`](PgLockGuard::unlock)
//!   gives it back: lock and unlock run on one connection, nothing else runs
//!   a statement on it meanwhile, and the same key cannot be taken twice
//!   through it (PostgreSQL would grant that re-entrantly, so two tasks
//!   sharing a connection would both "hold" it).
//! * **This process never waits for itself.** A key this process holds
//!   (through any session, at any level, with any `PgLock` form or scope)
//!   is refused at once to an acquisition that would wait for it, as
//!   [`HeldByThisProcess`](PgLockErrorKind::HeldByThisProcess) naming the
//!   key, both levels and the call that took the first hold: PostgreSQL's
//!   deadlock detector cannot see that wait (the holding session is idle).
//!   Shared with shared is allowed; the same key in another database is
//!   another lock. Tasks of one process that must take turns on a key take
//!   turns on a `Mutex` below it first. Keys taken by hand through
//!   `client()` are not seen.
//! * **Cancellation.** Dropping a waiting `lock` future cancels the wait on
//!   the server and closes the session once the server has answered: a grant
//!   that was on its way is released with the connection, and the session is
//!   never reused, pooled or not: neither a late grant nor a late cancel
//!   (the server acts on a cancel request whenever it gets to it) can reach
//!   the next user of the connection.
//! * **Late grants.** PostgreSQL can grant a session-level lock and still
//!   fail the statement (a cancel or `lock_timeout` landing at that moment);
//!   a session handed back in an error, or returned to a pool, is first
//!   cleared of such a grant, and one that cannot be checked is closed.
//! * **Drop, panic, cancelled task.** Dropping a guard closes its connection;
//!   the server releases the lock at once, without waiting for a later
//!   statement.
//! * **Pools.** With the `deadpool` feature, `PgSession::from_pool` takes a
//!   deadpool-postgres connection; it goes back to its pool only when it
//!   holds no advisory lock and no cancel request was sent for it, and is
//!   closed otherwise (a dropped guard, an abandoned wait).
//! * **Loss.** [`PgLockGuard::lost`] resolves when the session ends while the
//!   lock is held (backend terminated, server restart, connection failure).
//! * **Errors** name the key, the level and, where `pg_locks` can tell, the
//!   pid holding the key; `40P01` and `55P03` are the typed
//!   [`Deadlock`](PgLockErrorKind::Deadlock) and
//!   [`TimedOut`](PgLockErrorKind::TimedOut). A connection that fails says
//!   where and why ([`PgConnectError`]: the server's message and SQLSTATE,
//!   a timeout, a certificate that does not verify).
//!
//! # Connecting over TLS
//!
//! [`PgSession::connect`] takes any tokio-postgres TLS connector
//! (`MakeTlsConnect`); the crate picks no TLS stack for you. With rustls,
//! through `tokio-postgres-rustls` (what the tests use: rustls 0.23 with the
//! `ring` provider, pure Rust but for ring's own C and assembly):
//!
//! ```no_run
//! # async fn demo(ca: rustls::pki_types::CertificateDer<'static>) -> Result<(), Box<dyn std::error::Error>> {
//! use lockladder_postgres::PgSession;
//!
//! // verify-full: the certificate must chain to `ca` and name the host.
//! let mut roots = rustls::RootCertStore::empty();
//! roots.add(ca)?;
//! let config = rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
//! let tls = tokio_postgres_rustls::MakeRustlsConnect::new(config);
//! let session = PgSession::connect("host=db.internal user=jobs sslmode=require connect_timeout=5", tls).await?;
//! # Ok(()) }
//! ```
//!
//! `sslmode=require` makes tokio-postgres refuse a server without TLS; what
//! is checked of the certificate is the connector's business (the rustls
//! one above checks chain and host name, libpq's `verify-full`). The session
//! keeps the connector and sends its cancel requests (a dropped waiting
//! `lock`) over the same TLS: a server or proxy that takes only TLS never
//! sees a cancel sent in the clear. A session made with [`PgSession::new`]
//! or `PgSession::from_pool` does not know the connector: give it with
//! [`PgSession::with_cancel_tls`].
//!
//! # What is bounded, by what
//!
//! | Wait | Bounded by | Default |
//! |---|---|---|
//! | `PgSession::connect` (TCP, TLS, startup, authentication) | `connect_timeout` of the connection string, per host | [`DEFAULT_CONNECT_TIMEOUT`], 10 s |
//! | `lock`, `lock_shared`, `lock_xact` | the caller: drop the future (it cancels on the server), or the session's `lock_timeout` / `statement_timeout` | none: waits for the key |
//! | `lock_within` and siblings | the given timeout, rounded up to whole milliseconds, as `lock_timeout` | |
//! | a cancel request (after a drop) | `DEFAULT_CONNECT_TIMEOUT` per attempt; re-sent after 200 ms, 400 ms, ... at most every 5 s until the server answers the abandoned statement | |
//! | `unlock`, `commit`, statements on `client()` | the session's `statement_timeout`; TCP keepalives and `tcp_user_timeout` for a dead peer | none |
//! | `PgSession::from_pool` | the pool's own timeouts (deadpool's `wait`/`create`) | the pool's |
//!
//! # What is not promised
//!
//! * **No fencing token.** A holder that stalls (a long GC pause, a
//!   partition) can lose its session while it still believes it holds the
//!   lock; writes it then makes are not rejected by anything here. Do the
//!   protected writes on the guard's own [`client`](PgLockGuard::client),
//!   which fails once the session is gone, or check a version column.
//! * **No PgBouncer transaction pooling.** Session-level locks need the same
//!   server session from lock to unlock; a transaction-pooling proxy
//!   hands each statement a different one. Use session pooling, a direct
//!   connection, or [`PgLock::lock_xact`] (which lives inside one transaction).
//! * **Partitions are seen late.** The holder learns that its session is
//!   gone only when the connection fails. Bound that with TCP keepalives on
//!   the client (`keepalives_idle`, `keepalives_interval`,
//!   `keepalives_retries` in the connection string) and on the server
//!   (`tcp_keepalives_idle`, `tcp_keepalives_interval`,
//!   `tcp_keepalives_count`, so the server drops the dead session and frees
//!   its locks), and `tcp_user_timeout` on both for unacknowledged writes.
//!
//! # The name hash
//!
//! [`PgLock::named`] keys a lock by [`name_key`], 64-bit FNV-1a of the UTF-8
//! name read as a signed integer, specified there so any language computes
//! the same key.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod acquire;
mod cancel;
mod connect;
mod error;
mod guard;
mod key;
mod lock;
mod process_holds;
mod request;
mod session;
mod statement;
mod xact;

pub use connect::{DEFAULT_CONNECT_TIMEOUT, PgConnectError, PgConnectErrorKind};
pub use error::{PgLockError, PgLockErrorKind};
pub use guard::{PgLockFuture, PgLockGuard};
pub use key::{PgLockKey, name_key};
pub use lock::PgLock;
pub use process_holds::HeldHere;
pub use session::{PgSession, SessionLost};
pub use xact::{PgXactLockFuture, PgXactLockGuard};

/// The PostgreSQL client this crate is built on, re-exported so its types
/// (`NoTls`, `Config`, `Row`) match the ones [`PgSession`] uses.
///
/// ```
/// use lockladder_postgres::tokio_postgres::NoTls;
/// # let _ = NoTls;
/// ```
pub use tokio_postgres;

/// The pool crate behind [`PgSession::from_pool`], re-exported so its
/// `Pool` and `Object` match the ones this crate takes.
///
/// ```no_run
/// # async fn demo(pool: lockladder_postgres::deadpool_postgres::Pool) -> Result<(), Box<dyn std::error::Error>> {
/// let session = lockladder_postgres::PgSession::from_pool(pool.get().await?);
/// # Ok(()) }
/// ```
#[cfg(feature = "deadpool")]
#[cfg_attr(docsrs, doc(cfg(feature = "deadpool")))]
pub use deadpool_postgres;
