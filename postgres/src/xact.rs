//! [`PgXactLockGuard`]: a transaction-level advisory lock, held with its
//! transaction.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use lockladder_runtime::{Level, LockToken};
use tokio_postgres::Client;

use crate::acquire::{Acquire, Ask, Holds};
use crate::error::PgLockError;
use crate::key::PgLockKey;
use crate::session::{PgSession, SessionLost};
use crate::statement;

/// A transaction holding a transaction-level advisory lock
/// (`pg_advisory_xact_lock`); the lock ends with the transaction.
///
/// Made by `PgLock::lock_xact`, which begins the transaction on the session
/// it is given. The guard *is* the transaction: statements on
/// [`client`](PgXactLockGuard::client) run inside it, and
/// [`commit`](PgXactLockGuard::commit) or
/// [`rollback`](PgXactLockGuard::rollback) end both and give the session
/// back. The guard cannot outlive the transaction, nor the transaction the
/// guard. Dropping the guard closes the session's connection, which rolls
/// the transaction back and releases the lock at once.
///
/// ```no_run
/// use lockladder::{lock_level, LockToken};
/// use lockladder_postgres::{PgLock, PgSession};
///
/// #[lock_level(10)]
/// enum Ledger {}
///
/// async fn post(session: PgSession) -> Result<PgSession, Box<dyn std::error::Error>> {
///     let lock: PgLock<Ledger> = PgLock::named("ledger");
///     let mut token = LockToken::new();
///     let (transaction, _token) = lock.lock_xact(&mut token, session).await?;
///     transaction.client().execute("INSERT INTO ledger VALUES (1)", &[]).await?;
///     Ok(transaction.commit().await?)
/// }
/// ```
#[must_use = "dropping the guard at once rolls back and releases the lock (and closes its session)"]
pub struct PgXactLockGuard<'a, L> {
    session: PgSession,
    key: PgLockKey,
    hold: Holds<'a>,
    level: PhantomData<fn(L) -> L>,
}

impl<L: Level> PgXactLockGuard<'_, L> {
    /// The client of the session, inside the transaction.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(tx: lockladder_postgres::PgXactLockGuard<'_, Jobs>) -> Result<(), tokio_postgres::Error> {
    /// tx.client().execute("DELETE FROM jobs WHERE done", &[]).await?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client {
        self.session.client()
    }

    /// The key held.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # fn demo(tx: lockladder_postgres::PgXactLockGuard<'_, Jobs>) {
    /// println!("holding advisory lock {}", tx.key());
    /// # }
    /// ```
    pub fn key(&self) -> PgLockKey {
        self.key
    }

    /// Resolves if the session ends while the transaction is open (it was
    /// rolled back and the lock released by the server).
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(tx: lockladder_postgres::PgXactLockGuard<'_, Jobs>) {
    /// eprintln!("{}", tx.lost().await);
    /// # }
    /// ```
    pub async fn lost(&self) -> SessionLost {
        self.session.lost().await
    }

    /// Commits the transaction, which releases the lock, and gives the
    /// session back. Fails (after rolling back) if a statement of the
    /// transaction failed, where PostgreSQL itself would report a silent
    /// rollback.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(tx: lockladder_postgres::PgXactLockGuard<'_, Jobs>) -> Result<(), lockladder_postgres::PgLockError> {
    /// let session = tx.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn commit(self) -> Result<PgSession, PgLockError> {
        self.end(statement::COMMIT).await
    }

    /// Rolls the transaction back, which releases the lock, and gives the
    /// session back.
    ///
    /// ```no_run
    /// # #[lockladder::lock_level(10)] enum Jobs {}
    /// # async fn demo(tx: lockladder_postgres::PgXactLockGuard<'_, Jobs>) -> Result<(), lockladder_postgres::PgLockError> {
    /// let session = tx.rollback().await?;
    /// # Ok(()) }
    /// ```
    pub async fn rollback(self) -> Result<PgSession, PgLockError> {
        self.end(statement::ROLLBACK).await
    }

    async fn end(self, sql: &str) -> Result<PgSession, PgLockError> {
        // The hold ends when this function returns, after the answer.
        let PgXactLockGuard { mut session, key, hold: _hold, .. } = self;
        let level = (L::NAME, L::LEVEL);
        let outcome = session.client().batch_execute(sql).await;
        let Err(error) = outcome else {
            session.may_hold_lock = false;
            return Ok(session);
        };
        let error = PgLockError::from_postgres(error, key, level);
        // A failed COMMIT can leave the aborted transaction open; a session
        // that cannot even roll back is dropped, which closes it.
        if session.client().batch_execute(statement::ROLLBACK).await.is_ok() {
            session.may_hold_lock = false;
            Err(error.with_session(session))
        } else {
            Err(error)
        }
    }
}

impl<L: Level> fmt::Debug for PgXactLockGuard<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgXactLockGuard")
            .field("key", &self.key)
            .field("level", &L::NAME)
            .finish_non_exhaustive()
    }
}

/// The future of `PgLock::lock_xact` and its siblings; dropping it while it
/// waits gives up the session, as for [`PgLockFuture`](crate::PgLockFuture).
///
/// ```no_run
/// use lockladder::{lock_level, LockToken};
/// use lockladder_postgres::{PgLock, PgSession, PgXactLockFuture};
///
/// #[lock_level(10)]
/// enum Ledger {}
///
/// # async fn demo(session: PgSession) -> Result<(), lockladder_postgres::PgLockError> {
/// let mut token = LockToken::new();
/// let waiting: PgXactLockFuture<'_, Ledger> = PgLock::named("ledger").lock_xact(&mut token, session);
/// let (transaction, _token) = waiting.await?;
/// transaction.rollback().await?;
/// # Ok(()) }
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct PgXactLockFuture<'a, L> {
    acquire: Acquire<'a, L>,
    ask: Ask,
}

impl<'a, L: Level> PgXactLockFuture<'a, L> {
    pub(crate) fn new(acquire: Acquire<'a, L>, ask: Ask) -> Self {
        PgXactLockFuture { acquire, ask }
    }
}

impl<'a, L: Level> Future for PgXactLockFuture<'a, L> {
    type Output = Result<(PgXactLockGuard<'a, L>, LockToken<'a, L>), PgLockError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let key = this.ask.key;
        this.acquire.poll_acquire(cx).map_ok(|(session, hold, token)| {
            (PgXactLockGuard { session, key, hold, level: PhantomData }, token)
        })
    }
}

impl<L> fmt::Debug for PgXactLockFuture<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgXactLockFuture").field("key", &self.ask.key).finish_non_exhaustive()
    }
}
