//! [`PgLockGuard`]: a session-level advisory lock, held with its session.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use lockladder_runtime::{Level, LockToken};
use tokio_postgres::Client;

use crate::acquire::{Acquire, Ask, Holds};
use crate::error::{PgLockError, PgLockErrorKind};
use crate::key::PgLockKey;
use crate::session::{PgSession, SessionLost};
use crate::statement::{Mode, Prepared};

/// A held session-level advisory lock, with the session that holds it.
///
/// Made by `PgLock::lock` and its siblings. Run the statements of the
/// critical section on [`client`](PgLockGuard::client), release with
/// [`unlock`](PgLockGuard::unlock), which gives the session back.
///
/// # Dropping
///
/// Dropping the guard (a panic, a cancelled task, an early return) closes the
/// session's connection, and PostgreSQL releases every lock of a session that
/// ends, at once: no later statement is needed, and the session can never
/// be reused, still holding the key, by anything else. The cost is a new
/// connection for the next lock; `unlock` keeps the connection.
///
/// ```no_run
/// use lockladder::{lock_level, LockToken};
/// use lockladder_postgres::{PgLock, PgSession};
///
/// #[lock_level(10)]
/// enum Migrations {}
///
/// async fn migrate(session: PgSession) -> Result<PgSession, Box<dyn std::error::Error>> {
///     let lock: PgLock<Migrations> = PgLock::named("migrations");
///     let mut token = LockToken::new();
///     let (guard, _token) = lock.lock(&mut token, session).await?;
///     guard.client().batch_execute("CREATE TABLE IF NOT EXISTS jobs (id int)").await?;
///     Ok(guard.unlock().await?)
/// }
/// ```
#[must_use = "dropping the guard at once releases the lock (and closes its session)"]
pub struct PgLockGuard<'a, L> {
    session: PgSession,
    key: PgLockKey,
    mode: Mode,
    hold: Holds<'a>,
    level: PhantomData<fn(L) -> L>,
}

impl<L: Level> PgLockGuard<'_, L> {
    /// The client of the session holding the lock.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(guard: lockladder_postgres::PgLockGuard<'_, Jobs>) -> Result<(), tokio_postgres::Error> {
    /// guard.client().execute("UPDATE jobs SET taken = true WHERE id = $1", &[&7_i32]).await?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client {
        self.session.client()
    }

    /// The key held.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # fn demo(guard: lockladder_postgres::PgLockGuard<'_, Jobs>) {
    /// println!("holding advisory lock {}", guard.key());
    /// # }
    /// ```
    pub fn key(&self) -> PgLockKey {
        self.key
    }

    /// Whether the key is held shared (`lock_shared`) rather than exclusive.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # fn demo(guard: lockladder_postgres::PgLockGuard<'_, Jobs>) {
    /// let exclusive = !guard.is_shared();
    /// # }
    /// ```
    pub fn is_shared(&self) -> bool {
        self.mode == Mode::Shared
    }

    /// Resolves if the session ends while the lock is held (backend
    /// terminated, server restarted, connection failed): from then on another
    /// session may hold the key, so stop the critical work.
    ///
    /// A network partition is only seen when the connection fails, which
    /// TCP keepalives bound; see the crate docs.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(guard: lockladder_postgres::PgLockGuard<'_, Jobs>, work: impl std::future::Future<Output = ()>) {
    /// tokio::select! {
    ///     () = work => {}
    ///     lost = guard.lost() => eprintln!("stopping: {lost}"),
    /// }
    /// # }
    /// ```
    pub async fn lost(&self) -> SessionLost {
        self.session.lost().await
    }

    /// Releases the lock and gives the session back.
    ///
    /// Fails with [`PgLockErrorKind::NotHeld`] (session returned inside the
    /// error) if the key was released by hand meanwhile. Any other failure
    /// ([`PgLockErrorKind::SessionLost`] if the connection ended) closes the
    /// session, which releases the key on the server. Dropping this
    /// future before it completes gives up the session, as dropping the guard does.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(guard: lockladder_postgres::PgLockGuard<'_, Jobs>) -> Result<(), lockladder_postgres::PgLockError> {
    /// let session = guard.unlock().await?;
    /// // `session` may take the next lock
    /// # Ok(()) }
    /// ```
    pub async fn unlock(self) -> Result<PgSession, PgLockError> {
        // The hold ends when this function returns, after the answer.
        let PgLockGuard { mut session, key, mode, hold: _hold, .. } = self;
        let level = (L::NAME, L::LEVEL);
        let released = session.query_key(Prepared::unlock(mode, key), key).await;
        match released.and_then(|row| row.try_get::<_, bool>(0)) {
            Ok(true) => {
                session.may_hold_lock = false;
                Ok(session)
            }
            // Not held any more (released by hand): not held either way.
            Ok(false) => {
                session.may_hold_lock = false;
                Err(PgLockError::new(PgLockErrorKind::NotHeld, key, level).with_session(session))
            }
            // The key may still be held: the session is dropped, which
            // closes it (and so releases the key), never handed back.
            Err(error) => Err(PgLockError::from_postgres(error, key, level)),
        }
    }
}

impl<L: Level> fmt::Debug for PgLockGuard<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgLockGuard")
            .field("key", &self.key)
            .field("level", &L::NAME)
            .field("shared", &self.is_shared())
            .finish_non_exhaustive()
    }
}

/// The future of `PgLock::lock`, `try_lock`, `lock_within` and their shared
/// forms.
///
/// Dropping it while it waits gives up the session it was given: the server
/// is asked to cancel the wait, and once it has answered, the connection is
/// closed (a pooled one is detached from its pool), so no lock stays held
/// and neither a late grant nor a late cancel can reach anyone.
///
/// ```no_run
/// use std::time::Duration;
/// use lockladder::{lock_level, LockToken};
/// use lockladder_postgres::{PgLock, PgLockFuture, PgSession};
///
/// #[lock_level(10)]
/// enum Leader {}
///
/// # async fn demo(session: PgSession) {
/// let mut token = LockToken::new();
/// let waiting: PgLockFuture<'_, Leader> = PgLock::named("leader").lock(&mut token, session);
/// // Give up after a while: the wait is cancelled on the server too.
/// let _ = tokio::time::timeout(Duration::from_secs(5), waiting).await;
/// # }
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct PgLockFuture<'a, L> {
    acquire: Acquire<'a, L>,
    ask: Ask,
}

impl<'a, L: Level> PgLockFuture<'a, L> {
    pub(crate) fn new(acquire: Acquire<'a, L>, ask: Ask) -> Self {
        PgLockFuture { acquire, ask }
    }
}

impl<'a, L: Level> Future for PgLockFuture<'a, L> {
    type Output = Result<(PgLockGuard<'a, L>, LockToken<'a, L>), PgLockError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let (key, mode) = (this.ask.key, this.ask.mode);
        this.acquire.poll_acquire(cx).map_ok(|(session, hold, token)| {
            (PgLockGuard { session, key, mode, hold, level: PhantomData }, token)
        })
    }
}

impl<L> fmt::Debug for PgLockFuture<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgLockFuture").field("key", &self.ask.key).finish_non_exhaustive()
    }
}
