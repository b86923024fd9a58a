//! [`PgLock`]: an advisory lock key at a level of the hierarchy.

use core::fmt;
use core::marker::PhantomData;
use core::panic::Location;
use std::time::Duration;

use lockladder_runtime::extend;
use lockladder_runtime::{Level, LockBefore, LockToken};

use crate::acquire::{Acquire, Ask};
use crate::guard::PgLockFuture;
use crate::key::{PgLockKey, name_key};
use crate::session::PgSession;
use crate::statement::{Mode, Scope, Wait};
use crate::xact::PgXactLockFuture;

/// A PostgreSQL advisory lock at level `L` of the lock hierarchy.
///
/// It is taken with a token like every lockladder lock, so the order check is
/// the same: a `Mutex` below a held `PgLock`'s level, or a `PgLock` below a
/// held `Mutex`'s level, does not compile. That closes the cycle PostgreSQL's
/// deadlock detector cannot see, between a lock in the process and a lock in
/// the database.
///
/// A `PgLock` is only a key and a level (`Copy`, `const`-constructible); the
/// session to hold it on is given to each `lock` call, by value, and lives in
/// the guard for the whole hold.
///
/// ```no_run
/// use lockladder::{lock_level, LockToken, Mutex};
/// use lockladder_postgres::{PgLock, PgSession};
///
/// #[lock_level(10)]
/// enum JobQueue {}
/// #[lock_level(20)]
/// struct Stats {
///     claimed: u64,
/// }
///
/// static QUEUE: PgLock<JobQueue> = PgLock::named("jobs.queue");
///
/// async fn claim(session: PgSession, stats: &Mutex<Stats>) -> Result<PgSession, Box<dyn std::error::Error>> {
///     let mut token = LockToken::new();
///     let (queue, mut token) = QUEUE.lock(&mut token, session).await?; // level 10
///     let (mut stats, _token) = stats.lock(&mut token).await; // 10 -> 20: fine
///     queue.client().execute("UPDATE jobs SET owner = pg_backend_pid() WHERE owner IS NULL", &[]).await?;
///     stats.claimed += 1;
///     drop(stats);
///     Ok(queue.unlock().await?)
/// }
/// ```
///
/// The inverted order does not compile:
///
/// ```compile_fail,E0277
/// use lockladder::{lock_level, LockToken, Mutex};
/// use lockladder_postgres::{PgLock, PgSession};
///
/// #[lock_level(10)]
/// enum JobQueue {}
/// #[lock_level(20)]
/// struct Stats;
///
/// async fn inverted(session: PgSession, stats: &Mutex<Stats>) {
///     let queue: PgLock<JobQueue> = PgLock::named("jobs.queue");
///     let mut token = LockToken::new();
///     let (_stats, mut token) = stats.lock(&mut token).await;
///     // error: lock order violation: cannot acquire `JobQueue` while holding `Stats`
///     let _queue = queue.lock(&mut token, session).await;
/// }
/// ```
pub struct PgLock<L> {
    key: PgLockKey,
    level: PhantomData<fn(L) -> L>,
}

impl<L: Level> PgLock<L> {
    /// The lock of a `bigint` key.
    ///
    /// ```
    /// use lockladder::lock_level;
    /// use lockladder_postgres::{PgLock, PgLockKey};
    ///
    /// #[lock_level(10)]
    /// enum Migrations {}
    ///
    /// let lock: PgLock<Migrations> = PgLock::new(42);
    /// assert_eq!(lock.key(), PgLockKey::Single(42));
    /// ```
    pub const fn new(key: i64) -> Self {
        PgLock { key: PgLockKey::Single(key), level: PhantomData }
    }

    /// The lock of a pair of `int` keys (PostgreSQL's second key space,
    /// apart from every `bigint` key).
    ///
    /// ```
    /// use lockladder::lock_level;
    /// use lockladder_postgres::{PgLock, PgLockKey};
    ///
    /// #[lock_level(10)]
    /// enum Tenant {}
    ///
    /// let lock: PgLock<Tenant> = PgLock::pair(7, 1001);
    /// assert_eq!(lock.key(), PgLockKey::Pair(7, 1001));
    /// ```
    pub const fn pair(class: i32, object: i32) -> Self {
        PgLock { key: PgLockKey::Pair(class, object), level: PhantomData }
    }

    /// The lock of a name, keyed by [`name_key`] (64-bit FNV-1a of its UTF-8
    /// bytes), which every replica and every language computes the same.
    ///
    /// ```
    /// use lockladder::lock_level;
    /// use lockladder_postgres::{PgLock, PgLockKey};
    ///
    /// #[lock_level(10)]
    /// enum Migrations {}
    ///
    /// static MIGRATIONS: PgLock<Migrations> = PgLock::named("jobs");
    /// assert_eq!(MIGRATIONS.key(), PgLockKey::Single(4_735_831_730_983_038_941));
    /// ```
    pub const fn named(name: &str) -> Self {
        PgLock::new(name_key(name))
    }

    /// The key of this lock.
    ///
    /// ```
    /// # use lockladder_postgres::{PgLock, PgLockKey};
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// let lock: PgLock<Jobs> = PgLock::new(1);
    /// assert_eq!(lock.key(), PgLockKey::Single(1));
    /// ```
    pub const fn key(&self) -> PgLockKey {
        self.key
    }
}

impl<L: Level> PgLock<L> {
    /// Takes the lock exclusively on `session` (`pg_advisory_lock`), waiting
    /// as long as it takes, and returns the guard (which owns the session)
    /// and a token at level `L`.
    ///
    /// The wait can still end with an error: a deadlock PostgreSQL detects
    /// ([`Deadlock`](crate::PgLockErrorKind::Deadlock)), the session's own
    /// `lock_timeout` or `statement_timeout`, a lost connection. A usable
    /// session comes back inside the error.
    ///
    /// # Cancellation
    ///
    /// Dropping the future while it waits cancels the wait on the server and
    /// gives up the session: once the server has answered, it is closed
    /// (pooled: detached from its pool), so the key is not held afterwards,
    /// not even by a grant that was already on its way, and the cancel
    /// cannot land on a later statement.
    ///
    /// ```no_run
    /// use lockladder::{lock_level, LockToken};
    /// use lockladder_postgres::{PgLock, PgSession};
    ///
    /// #[lock_level(10)]
    /// enum Leader {}
    ///
    /// async fn lead(session: PgSession) -> Result<(), lockladder_postgres::PgLockError> {
    ///     let mut token = LockToken::new();
    ///     let (leader, _token) = PgLock::<Leader>::named("leader").lock(&mut token, session).await?;
    ///     let lost = leader.lost().await; // lead until the session ends
    ///     eprintln!("{lost}");
    ///     Ok(())
    /// }
    /// ```
    #[track_caller]
    pub fn lock<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
    ) -> PgLockFuture<'a, L> {
        self.session_lock(token, session, Mode::Exclusive, Wait::Forever)
    }

    /// Takes the lock exclusively if no other session holds it
    /// (`pg_try_advisory_lock`), failing at once with
    /// [`WouldBlock`](crate::PgLockErrorKind::WouldBlock) (and the holder's
    /// pid, and the session back) otherwise.
    ///
    /// ```no_run
    /// use lockladder::{lock_level, LockToken};
    /// use lockladder_postgres::{PgLock, PgSession};
    ///
    /// #[lock_level(10)]
    /// enum Cron {}
    ///
    /// async fn tick(session: PgSession) -> Option<PgSession> {
    ///     let mut token = LockToken::new();
    ///     match PgLock::<Cron>::named("cron").try_lock(&mut token, session).await {
    ///         Ok((cron, _token)) => cron.unlock().await.ok(), // ran this tick
    ///         Err(busy) => busy.into_session(), // another replica runs it
    ///     }
    /// }
    /// ```
    #[track_caller]
    pub fn try_lock<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
    ) -> PgLockFuture<'a, L> {
        self.session_lock(token, session, Mode::Exclusive, Wait::Try)
    }

    /// Takes the lock exclusively, waiting at most `timeout` (rounded up to
    /// whole milliseconds and enforced by the server's `lock_timeout` for
    /// this one statement), failing with
    /// [`TimedOut`](crate::PgLockErrorKind::TimedOut) otherwise.
    ///
    /// The limit is set transaction-locally; on a session left inside an
    /// explicit transaction (`BEGIN` without `COMMIT`) it would last until
    /// that transaction ends.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use lockladder::{lock_level, LockToken};
    /// use lockladder_postgres::{PgLock, PgSession};
    ///
    /// #[lock_level(10)]
    /// enum Report {}
    ///
    /// async fn report(session: PgSession) -> Result<PgSession, lockladder_postgres::PgLockError> {
    ///     let mut token = LockToken::new();
    ///     let lock = PgLock::<Report>::named("report");
    ///     let (report, _token) = lock.lock_within(&mut token, session, Duration::from_secs(2)).await?;
    ///     report.unlock().await
    /// }
    /// ```
    #[track_caller]
    pub fn lock_within<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
        timeout: Duration,
    ) -> PgLockFuture<'a, L> {
        self.session_lock(token, session, Mode::Exclusive, Wait::Within(timeout))
    }

    /// Takes the lock shared (`pg_advisory_lock_shared`): any number of
    /// sessions hold it shared together, none while one holds it exclusive.
    /// Otherwise as [`lock`](PgLock::lock).
    ///
    /// ```no_run
    /// use lockladder::{lock_level, LockToken};
    /// use lockladder_postgres::{PgLock, PgSession};
    ///
    /// #[lock_level(10)]
    /// enum Schema {}
    ///
    /// async fn read(session: PgSession) -> Result<PgSession, lockladder_postgres::PgLockError> {
    ///     let mut token = LockToken::new();
    ///     let (schema, _token) = PgLock::<Schema>::new(1).lock_shared(&mut token, session).await?;
    ///     assert!(schema.is_shared());
    ///     schema.unlock().await
    /// }
    /// ```
    #[track_caller]
    pub fn lock_shared<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
    ) -> PgLockFuture<'a, L> {
        self.session_lock(token, session, Mode::Shared, Wait::Forever)
    }

    /// [`try_lock`](PgLock::try_lock), shared.
    ///
    /// ```no_run
    /// # use lockladder::{lock_level, LockToken};
    /// # use lockladder_postgres::{PgLock, PgSession};
    /// # #[lock_level(10)] enum Schema {}
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(session: PgSession) {
    /// let mut token = LockToken::new();
    /// let result = PgLock::<Schema>::new(1).try_lock_shared(&mut token, session).await;
    /// # }
    /// ```
    #[track_caller]
    pub fn try_lock_shared<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
    ) -> PgLockFuture<'a, L> {
        self.session_lock(token, session, Mode::Shared, Wait::Try)
    }

    /// [`lock_within`](PgLock::lock_within), shared.
    ///
    /// ```no_run
    /// # use lockladder::{lock_level, LockToken};
    /// # use lockladder_postgres::{PgLock, PgSession};
    /// # #[lock_level(10)] enum Schema {}
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(session: PgSession) {
    /// let mut token = LockToken::new();
    /// let timeout = std::time::Duration::from_millis(500);
    /// let result = PgLock::<Schema>::new(1).lock_shared_within(&mut token, session, timeout).await;
    /// # }
    /// ```
    #[track_caller]
    pub fn lock_shared_within<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
        timeout: Duration,
    ) -> PgLockFuture<'a, L> {
        self.session_lock(token, session, Mode::Shared, Wait::Within(timeout))
    }

    /// Begins a transaction on `session` and takes the lock exclusively for
    /// it (`pg_advisory_xact_lock`); the returned guard is the transaction,
    /// and the lock ends with it. Cancellation as for [`lock`](PgLock::lock).
    ///
    /// ```no_run
    /// use lockladder::{lock_level, LockToken};
    /// use lockladder_postgres::{PgLock, PgSession};
    ///
    /// #[lock_level(10)]
    /// enum Ledger {}
    ///
    /// async fn post(session: PgSession) -> Result<PgSession, lockladder_postgres::PgLockError> {
    ///     let mut token = LockToken::new();
    ///     let (tx, _token) = PgLock::<Ledger>::named("ledger").lock_xact(&mut token, session).await?;
    ///     tx.commit().await
    /// }
    /// ```
    #[track_caller]
    pub fn lock_xact<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
    ) -> PgXactLockFuture<'a, L> {
        self.xact_lock(token, session, Wait::Forever)
    }

    /// [`lock_xact`](PgLock::lock_xact) if no other session holds the key;
    /// otherwise fails at once with
    /// [`WouldBlock`](crate::PgLockErrorKind::WouldBlock), the transaction
    /// rolled back and the session returned inside the error.
    ///
    /// ```no_run
    /// # use lockladder::{lock_level, LockToken};
    /// # use lockladder_postgres::{PgLock, PgSession};
    /// # #[lock_level(10)] enum Ledger {}
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(session: PgSession) {
    /// let mut token = LockToken::new();
    /// let result = PgLock::<Ledger>::named("ledger").try_lock_xact(&mut token, session).await;
    /// # }
    /// ```
    #[track_caller]
    pub fn try_lock_xact<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
    ) -> PgXactLockFuture<'a, L> {
        self.xact_lock(token, session, Wait::Try)
    }

    /// [`lock_xact`](PgLock::lock_xact), waiting at most `timeout` (`SET
    /// LOCAL lock_timeout` around the lock, then back to the session's value).
    ///
    /// ```no_run
    /// # use lockladder::{lock_level, LockToken};
    /// # use lockladder_postgres::{PgLock, PgSession};
    /// # #[lock_level(10)] enum Ledger {}
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(session: PgSession) {
    /// let mut token = LockToken::new();
    /// let timeout = std::time::Duration::from_secs(1);
    /// let result = PgLock::<Ledger>::named("ledger").lock_xact_within(&mut token, session, timeout).await;
    /// # }
    /// ```
    #[track_caller]
    pub fn lock_xact_within<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
        timeout: Duration,
    ) -> PgXactLockFuture<'a, L> {
        self.xact_lock(token, session, Wait::Within(timeout))
    }

    #[track_caller]
    fn session_lock<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
        mode: Mode,
        wait: Wait,
    ) -> PgLockFuture<'a, L> {
        let ask = self.ask(mode, wait, Scope::Session);
        PgLockFuture::new(Acquire::start(extend::begin::<L>(token), session, ask), ask)
    }

    #[track_caller]
    fn xact_lock<'a>(
        &self,
        token: &'a mut LockToken<'_, impl LockBefore<L>>,
        session: PgSession,
        wait: Wait,
    ) -> PgXactLockFuture<'a, L> {
        let ask = self.ask(Mode::Exclusive, wait, Scope::Transaction);
        PgXactLockFuture::new(Acquire::start(extend::begin::<L>(token), session, ask), ask)
    }

    #[track_caller]
    fn ask(&self, mode: Mode, wait: Wait, scope: Scope) -> Ask {
        let (key, level, caller) = (self.key, (L::NAME, L::LEVEL), Location::caller());
        Ask { key, mode, wait, scope, level, caller }
    }
}

impl<L> Clone for PgLock<L> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<L> Copy for PgLock<L> {}

impl<L: Level> fmt::Debug for PgLock<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PgLock<{} (level {})>({})", L::NAME, L::LEVEL, self.key)
    }
}
