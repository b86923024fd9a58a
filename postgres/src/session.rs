//! [`PgSession`]: one PostgreSQL connection whose end can be awaited.

use core::fmt;
use std::sync::Arc;

use tokio::sync::watch;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{CancelToken, Client, Config, Connection, Socket, Transaction};

/// One PostgreSQL connection (one server session), as advisory locks need it.
///
/// Session-level advisory locks belong to a connection, so a lock takes the
/// session by value and its guard owns it for the whole hold: nothing else
/// can run a statement on it, lock the same key through it again (PostgreSQL
/// would grant that re-entrantly), or hand it back to a pool while it holds
/// a lock. `unlock` gives it back.
///
/// The session drives its connection on a task of its own and remembers how
/// the connection ended, which is what a guard's `lost()` waits for.
///
/// ```no_run
/// use lockladder_postgres::PgSession;
///
/// # async fn demo() -> Result<(), tokio_postgres::Error> {
/// let session = PgSession::connect("host=127.0.0.1 user=postgres", tokio_postgres::NoTls).await?;
/// let rows = session.client().query("SELECT 1", &[]).await?;
/// # Ok(()) }
/// ```
pub struct PgSession {
    client: Client,
    ended: watch::Receiver<Option<SessionLost>>,
}

impl PgSession {
    /// Connects with a libpq-style or URL connection string and starts the
    /// connection's task.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime (the connection runs on a spawned task).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), tokio_postgres::Error> {
    /// let session = lockladder_postgres::PgSession::connect(
    ///     "postgresql://postgres@127.0.0.1:5432/postgres?keepalives_idle=10",
    ///     tokio_postgres::NoTls,
    /// )
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect<T>(config: &str, tls: T) -> Result<Self, tokio_postgres::Error>
    where
        T: MakeTlsConnect<Socket>,
        T::Stream: Send + 'static,
    {
        let config: Config = config.parse()?;
        let (client, connection) = config.connect(tls).await?;
        Ok(PgSession::new(client, connection))
    }

    /// Wraps a client and its connection (from `tokio_postgres::connect` or
    /// `Config::connect`), spawning the connection on the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), tokio_postgres::Error> {
    /// let (client, connection) =
    ///     tokio_postgres::connect("host=127.0.0.1 user=postgres", tokio_postgres::NoTls).await?;
    /// let session = lockladder_postgres::PgSession::new(client, connection);
    /// # Ok(()) }
    /// ```
    pub fn new<S, T>(client: Client, connection: Connection<S, T>) -> Self
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
        T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (ended_tx, ended) = watch::channel(None);
        tokio::spawn(async move {
            let reason = match connection.await {
                Ok(()) => "the connection was closed".to_owned(),
                Err(error) => error.to_string(),
            };
            let _ = ended_tx.send(Some(SessionLost { reason: reason.into() }));
        });
        PgSession { client, ended }
    }

    /// The client, to run statements on this session.
    ///
    /// ```no_run
    /// # async fn demo(session: lockladder_postgres::PgSession) -> Result<(), tokio_postgres::Error> {
    /// session.client().batch_execute("SET application_name = 'jobs'").await?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Begins a transaction on this session, e.g. to take a
    /// transaction-scoped lock with `PgLock::lock_xact`.
    ///
    /// ```no_run
    /// # async fn demo(mut session: lockladder_postgres::PgSession) -> Result<(), tokio_postgres::Error> {
    /// let transaction = session.transaction().await?;
    /// transaction.commit().await?;
    /// # Ok(()) }
    /// ```
    pub async fn transaction(&mut self) -> Result<Transaction<'_>, tokio_postgres::Error> {
        self.client.transaction().await
    }

    /// Whether the connection has ended (the server closed it, or it failed).
    ///
    /// ```no_run
    /// # fn demo(session: lockladder_postgres::PgSession) {
    /// if session.is_closed() {
    ///     // connect again
    /// }
    /// # }
    /// ```
    pub fn is_closed(&self) -> bool {
        self.client.is_closed() || self.ended.borrow().is_some()
    }

    /// Resolves when the connection ends, with how it ended.
    ///
    /// ```no_run
    /// # async fn demo(session: lockladder_postgres::PgSession) {
    /// let lost = session.lost().await;
    /// eprintln!("{lost}");
    /// # }
    /// ```
    pub async fn lost(&self) -> SessionLost {
        let mut ended = self.ended.clone();
        match ended.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().unwrap_or_else(SessionLost::task_gone),
            // The connection's task was dropped (its runtime shut down).
            Err(_) => SessionLost::task_gone(),
        }
    }

    pub(crate) fn cancel_token(&self) -> CancelToken {
        self.client.cancel_token()
    }
}

impl fmt::Debug for PgSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgSession").field("closed", &self.is_closed()).finish()
    }
}

/// How a session's connection ended: resolved by `lost()` on a session or a
/// guard. Once it has, the server no longer holds (or, for a network
/// partition, will soon release) that session's advisory locks.
///
/// ```no_run
/// # async fn demo(session: lockladder_postgres::PgSession) {
/// let lost: lockladder_postgres::SessionLost = session.lost().await;
/// assert!(!lost.reason().is_empty());
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLost {
    reason: Arc<str>,
}

impl SessionLost {
    fn task_gone() -> Self {
        SessionLost { reason: "the connection's task was dropped".into() }
    }

    /// Why the connection ended, as the client reported it.
    ///
    /// ```no_run
    /// # async fn demo(session: lockladder_postgres::PgSession) {
    /// println!("{}", session.lost().await.reason());
    /// # }
    /// ```
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for SessionLost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgreSQL session lost: {}", self.reason)
    }
}

impl std::error::Error for SessionLost {}
