//! [`PgLockError`]: why an advisory lock was not taken or not released.

use core::fmt;

use tokio_postgres::error::SqlState;

use crate::key::PgLockKey;
use crate::process_holds::HeldHere;
use crate::session::PgSession;

/// What went wrong, in the terms a caller decides on.
///
/// ```
/// use lockladder_postgres::PgLockErrorKind;
///
/// assert_eq!(PgLockErrorKind::TimedOut.to_string(), "timed out waiting");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PgLockErrorKind {
    /// `try_lock`: another session holds the key.
    WouldBlock,
    /// The bounded wait ended (`55P03 lock_not_available`, from `lock_timeout`).
    TimedOut,
    /// PostgreSQL broke a deadlock by failing this wait (`40P01 deadlock_detected`).
    Deadlock,
    /// The wait was cancelled on the server (`57014 query_canceled`, e.g. by
    /// `statement_timeout` or `pg_cancel_backend`).
    Cancelled,
    /// `unlock`: the session did not hold the key any more (it was released
    /// by hand through `client()`).
    NotHeld,
    /// This process already holds the key (through another session, at any
    /// level, with any `PgLock` of the same key, in either scope) in a way
    /// the acquisition would have to wait for: exclusively, or shared when
    /// exclusive is asked. Waiting would never end if the same task holds
    /// it, and PostgreSQL's deadlock detector would not see it (the holding
    /// session is idle), so every acquisition, waiting or not, is refused at
    /// once, with the session back. [`PgLockError::held_here`] names the hold:
    /// its level and the call that took it. Shared with shared is allowed.
    HeldByThisProcess,
    /// The connection failed or was closed; the server has released (or will
    /// release, when it notices) every lock of the session.
    SessionLost,
    /// Any other error reported by PostgreSQL or the client.
    Database,
}

impl fmt::Display for PgLockErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PgLockErrorKind::WouldBlock => "held by another session",
            PgLockErrorKind::TimedOut => "timed out waiting",
            PgLockErrorKind::Deadlock => "deadlock detected by PostgreSQL",
            PgLockErrorKind::Cancelled => "wait cancelled on the server",
            PgLockErrorKind::NotHeld => "not held by this session",
            PgLockErrorKind::HeldByThisProcess => "already held in this process",
            PgLockErrorKind::SessionLost => "session lost",
            PgLockErrorKind::Database => "database error",
        })
    }
}

/// An advisory lock was not taken (or not released): which key, at which
/// level, why, and the backend pid holding the key where PostgreSQL could
/// tell.
///
/// When the session is still usable it travels back inside the error:
/// [`into_session`](PgLockError::into_session) returns it.
///
/// ```no_run
/// use lockladder::{lock_level, LockToken};
/// use lockladder_postgres::{PgLock, PgLockErrorKind, PgSession};
///
/// #[lock_level(10)]
/// enum Migrations {}
///
/// async fn once(session: PgSession) -> Option<PgSession> {
///     let lock: PgLock<Migrations> = PgLock::named("migrations");
///     let mut token = LockToken::new();
///     match lock.try_lock(&mut token, session).await {
///         Ok((guard, _token)) => guard.unlock().await.ok(),
///         Err(error) if error.kind() == PgLockErrorKind::WouldBlock => {
///             // "advisory lock 4735831730983038941 at level `Migrations` (10):
///             //  held by another session (backend pid 4242)"
///             eprintln!("{error}");
///             error.into_session()
///         }
///         Err(error) => panic!("{error}"),
///     }
/// }
/// ```
pub struct PgLockError {
    kind: PgLockErrorKind,
    key: PgLockKey,
    level_name: &'static str,
    level: u32,
    holder_pid: Option<i32>,
    held_here: Option<HeldHere>,
    source: Option<tokio_postgres::Error>,
    session: Option<PgSession>,
}

impl PgLockError {
    pub(crate) fn new(kind: PgLockErrorKind, key: PgLockKey, level: (&'static str, u32)) -> Self {
        PgLockError {
            kind,
            key,
            level_name: level.0,
            level: level.1,
            holder_pid: None,
            held_here: None,
            source: None,
            session: None,
        }
    }

    /// The error of a failed statement, classified by its SQLSTATE.
    pub(crate) fn from_postgres(
        error: tokio_postgres::Error,
        key: PgLockKey,
        level: (&'static str, u32),
    ) -> Self {
        let kind = match error.code() {
            Some(code) if *code == SqlState::LOCK_NOT_AVAILABLE => PgLockErrorKind::TimedOut,
            Some(code) if *code == SqlState::T_R_DEADLOCK_DETECTED => PgLockErrorKind::Deadlock,
            Some(code) if *code == SqlState::QUERY_CANCELED => PgLockErrorKind::Cancelled,
            Some(code) if code.code().starts_with("08") || code.code().starts_with("57P") => {
                PgLockErrorKind::SessionLost
            }
            _ if error.is_closed() || error.code().is_none() => PgLockErrorKind::SessionLost,
            _ => PgLockErrorKind::Database,
        };
        PgLockError { source: Some(error), ..PgLockError::new(kind, key, level) }
    }

    pub(crate) fn with_session(mut self, session: PgSession) -> Self {
        self.session = Some(session);
        self
    }

    pub(crate) fn session_mut(&mut self) -> Option<&mut PgSession> {
        self.session.as_mut()
    }

    pub(crate) fn with_held_here(mut self, held: HeldHere) -> Self {
        self.held_here = Some(held);
        self
    }

    pub(crate) fn with_holder_pid(mut self, pid: Option<i32>) -> Self {
        self.holder_pid = pid;
        self
    }

    /// Why the lock was not taken.
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgLockError) {
    /// use lockladder_postgres::PgLockErrorKind;
    /// let retry = matches!(error.kind(), PgLockErrorKind::TimedOut | PgLockErrorKind::Deadlock);
    /// # }
    /// ```
    pub fn kind(&self) -> PgLockErrorKind {
        self.kind
    }

    /// The key of the lock.
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgLockError) {
    /// println!("lock {} failed", error.key());
    /// # }
    /// ```
    pub fn key(&self) -> PgLockKey {
        self.key
    }

    /// The name of the lock's level (its type), e.g. `"Migrations"`.
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgLockError) {
    /// println!("at level {} ({})", error.level_name(), error.level());
    /// # }
    /// ```
    pub fn level_name(&self) -> &'static str {
        self.level_name
    }

    /// The lock's level number.
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgLockError) {
    /// assert!(error.level() > 0);
    /// # }
    /// ```
    pub fn level(&self) -> u32 {
        self.level
    }

    /// The backend pid of a session holding the key when the lock failed, as
    /// `pg_locks` showed it (`None` when it could not be asked, or the holder
    /// had gone).
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgLockError) {
    /// if let Some(pid) = error.holder_pid() {
    ///     println!("SELECT pg_terminate_backend({pid}) would free it");
    /// }
    /// # }
    /// ```
    pub fn holder_pid(&self) -> Option<i32> {
        self.holder_pid
    }

    /// For [`HeldByThisProcess`](PgLockErrorKind::HeldByThisProcess): the
    /// hold of this process the acquisition would have waited for, with its
    /// level and the call that took it.
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgLockError) {
    /// if let Some(held) = error.held_here() {
    ///     eprintln!("release the hold taken at {} first", held.taken_at());
    /// }
    /// # }
    /// ```
    pub fn held_here(&self) -> Option<HeldHere> {
        self.held_here
    }

    /// The PostgreSQL error behind this one, if any (also [`source`](std::error::Error::source)).
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgLockError) {
    /// let sqlstate = error.postgres_error().and_then(|e| e.code()).map(|c| c.code());
    /// # }
    /// ```
    pub fn postgres_error(&self) -> Option<&tokio_postgres::Error> {
        self.source.as_ref()
    }

    /// The session the lock was asked through, when it is known to be usable
    /// and to hold nothing: after a refused `try_lock`, a timeout, a deadlock,
    /// or an error of the lock statement. `None` after a lost connection, a
    /// failed `unlock`, or a failure that could not be cleaned up (inside an
    /// aborted transaction of the caller's); such a session was closed.
    ///
    /// ```
    /// # fn check(error: lockladder_postgres::PgLockError) {
    /// if let Some(session) = error.into_session() {
    ///     // try again later with the same connection
    /// #   drop(session);
    /// }
    /// # }
    /// ```
    pub fn into_session(self) -> Option<PgSession> {
        self.session
    }
}

/// What a client error says, in full: the server's severity, message and
/// SQLSTATE for a server error (tokio-postgres's own `Display` says only
/// "db error"), else the client's message followed by its causes.
pub(crate) fn describe(error: &tokio_postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        return format!("{}: {} (SQLSTATE {})", db.severity(), db.message(), db.code().code());
    }
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(error) = cause {
        text.push_str(": ");
        text.push_str(&error.to_string());
        cause = error.source();
    }
    text
}

impl fmt::Display for PgLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "advisory lock {} at level `{}` ({}): {}",
            self.key, self.level_name, self.level, self.kind
        )?;
        if let Some(pid) = self.holder_pid {
            write!(f, " (backend pid {pid} holds it)")?;
        }
        if let Some(held) = &self.held_here {
            write!(
                f,
                ": {held}; waiting for it would never end if this task holds it: release that \
                 hold first, or let the tasks of this process take turns on a `Mutex` below the lock"
            )?;
        }
        match self.source.as_ref().map(|source| (source, source.as_db_error())) {
            Some((_, Some(db))) => write!(f, ": {} (SQLSTATE {})", db.message(), db.code().code())?,
            Some((source, None)) => write!(f, ": {}", describe(source))?,
            None => {}
        }
        Ok(())
    }
}

impl fmt::Debug for PgLockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgLockError")
            .field("kind", &self.kind)
            .field("key", &self.key)
            .field("level_name", &self.level_name)
            .field("level", &self.level)
            .field("holder_pid", &self.holder_pid)
            .field("held_here", &self.held_here)
            .field("source", &self.source)
            .field("session_returned", &self.session.is_some())
            .finish()
    }
}

impl std::error::Error for PgLockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}
