//! [`PgSession`]: one PostgreSQL connection whose end can be awaited.

use core::fmt;
use std::sync::Arc;

use tokio::sync::watch;
use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::{
    CancelToken, Client, Config, Connection, Row, Socket, Statement, Transaction,
};

use crate::cancel::Canceller;
use crate::connect::{self, PgConnectError};
use crate::key::PgLockKey;
use crate::statement::Prepared;

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
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let session = PgSession::connect("host=127.0.0.1 user=postgres", tokio_postgres::NoTls).await?;
/// let rows = session.client().query("SELECT 1", &[]).await?;
/// # Ok(()) }
/// ```
pub struct PgSession {
    connection: Link,
    /// Sends cancel requests with the session's own TLS.
    canceller: Canceller,
    /// The statements of the hot path, prepared on first use (an owned
    /// connection's; a pooled one keeps them in the pool's statement cache).
    prepared: [Option<Statement>; Prepared::COUNT],
    /// Set from the moment a lock is asked for until it is known not to be
    /// held: a pooled connection dropped in that state is closed, never
    /// returned to its pool.
    #[cfg_attr(
        not(feature = "deadpool"),
        allow(dead_code, reason = "only pooled sessions read it")
    )]
    pub(crate) may_hold_lock: bool,
    /// Set once a cancel request was sent for a statement on this session:
    /// the server acts on it at a time nobody is told (the client's cancel
    /// returns once the request is written), so it could still land on a
    /// later statement. A pooled connection dropped in that state is closed.
    #[cfg_attr(
        not(feature = "deadpool"),
        allow(dead_code, reason = "only pooled sessions read it")
    )]
    pub(crate) cancel_sent: bool,
    /// The server process of this session, as its last lock reported it
    /// (0 before any): what the process's register of holds records.
    pub(crate) backend_pid: i32,
}

/// How the session reaches its connection.
enum Link {
    /// Ours: we drive the connection and see it end.
    Owned { client: Client, ended: watch::Receiver<Option<SessionLost>> },
    /// Borrowed from a deadpool pool (`None` only once given back).
    #[cfg(feature = "deadpool")]
    Pooled(Option<deadpool_postgres::Object>),
}

/// How often `lost()` looks at a pooled connection, whose end is not signalled.
#[cfg(feature = "deadpool")]
const POOLED_LOST_CHECK: std::time::Duration = std::time::Duration::from_millis(50);

impl PgSession {
    /// Connects with a libpq-style or URL connection string and starts the
    /// connection's task.
    ///
    /// The whole connect (TCP connect, TLS handshake, startup and
    /// authentication) is bounded by the string's `connect_timeout` for each
    /// host, or [`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT)
    /// (10 s) if it sets none, and fails with
    /// [`TimedOut`](crate::PgConnectErrorKind::TimedOut) past it.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime (the connection runs on a spawned task).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), lockladder_postgres::PgConnectError> {
    /// let session = lockladder_postgres::PgSession::connect(
    ///     "postgresql://postgres@127.0.0.1:5432/postgres?connect_timeout=5&keepalives_idle=10",
    ///     tokio_postgres::NoTls,
    /// )
    /// .await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect<T>(config: &str, tls: T) -> Result<Self, PgConnectError>
    where
        T: MakeTlsConnect<Socket> + Clone + Send + Sync + 'static,
        T::Stream: Send,
        T::TlsConnect: Send,
        <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
    {
        let config: Config = config.parse().map_err(PgConnectError::invalid_config)?;
        connect::connect(&config, tls).await
    }

    /// [`connect`](PgSession::connect) with a parsed or built
    /// [`Config`](tokio_postgres::Config), under the same time limit.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), lockladder_postgres::PgConnectError> {
    /// use std::time::Duration;
    /// let mut config = tokio_postgres::Config::new();
    /// config.host("127.0.0.1").user("postgres").connect_timeout(Duration::from_secs(3));
    /// let session = lockladder_postgres::PgSession::connect_config(&config, tokio_postgres::NoTls).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_config<T>(config: &Config, tls: T) -> Result<Self, PgConnectError>
    where
        T: MakeTlsConnect<Socket> + Clone + Send + Sync + 'static,
        T::Stream: Send,
        T::TlsConnect: Send,
        <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
    {
        connect::connect(config, tls).await
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
                Err(error) => crate::error::describe(&error),
            };
            let _ = ended_tx.send(Some(SessionLost { reason: reason.into() }));
        });
        PgSession {
            connection: Link::Owned { client, ended },
            may_hold_lock: false,
            cancel_sent: false,
            backend_pid: 0,
            canceller: Canceller::plain(),
            prepared: Default::default(),
        }
    }

    /// A session on a connection from a deadpool-postgres pool.
    ///
    /// The connection goes back to its pool when the session is dropped
    /// holding no lock (after `unlock`, `commit`, a refused `try_lock`). If it
    /// may hold one (a guard dropped, an unlock that failed), or a cancel
    /// request was sent for one of its statements (a waiting lock
    /// abandoned), it is detached from the pool and closed instead, so the
    /// pool never hands out a connection holding an advisory lock, nor one
    /// that a late cancel could still hit.
    ///
    /// [`lost`](PgSession::lost) cannot be told when a pooled connection ends;
    /// it looks every 50 ms. If the pool's connections use TLS, give the
    /// session the pool's connector with
    /// [`with_cancel_tls`](PgSession::with_cancel_tls), or its cancel
    /// requests go in the clear.
    ///
    /// ```no_run
    /// # async fn demo(pool: deadpool_postgres::Pool) -> Result<(), Box<dyn std::error::Error>> {
    /// let session = lockladder_postgres::PgSession::from_pool(pool.get().await?);
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "deadpool")]
    #[cfg_attr(docsrs, doc(cfg(feature = "deadpool")))]
    pub fn from_pool(object: deadpool_postgres::Object) -> Self {
        PgSession {
            connection: Link::Pooled(Some(object)),
            may_hold_lock: false,
            cancel_sent: false,
            backend_pid: 0,
            canceller: Canceller::plain(),
            prepared: Default::default(),
        }
    }

    /// The pooled connection back, to return it to its pool by hand (dropping
    /// the session does the same); `None` for a session that is not pooled.
    ///
    /// ```no_run
    /// # async fn demo(pool: deadpool_postgres::Pool) -> Result<(), Box<dyn std::error::Error>> {
    /// let session = lockladder_postgres::PgSession::from_pool(pool.get().await?);
    /// let object: Option<deadpool_postgres::Object> = session.into_pooled();
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "deadpool")]
    #[cfg_attr(docsrs, doc(cfg(feature = "deadpool")))]
    pub fn into_pooled(mut self) -> Option<deadpool_postgres::Object> {
        match &mut self.connection {
            // Only a session holding no lock is ever outside a guard.
            Link::Pooled(object) => object.take(),
            Link::Owned { .. } => None,
        }
    }

    /// The client, to run statements on this session.
    ///
    /// `lock`, `try_lock` and `unlock` prepare their statements on the
    /// connection once and reuse them; a `DISCARD ALL` or `DEALLOCATE ALL`
    /// sent here drops them, and the next lock on this session fails.
    ///
    /// ```no_run
    /// # async fn demo(session: lockladder_postgres::PgSession) -> Result<(), tokio_postgres::Error> {
    /// session.client().batch_execute("SET application_name = 'jobs'").await?;
    /// # Ok(()) }
    /// ```
    pub fn client(&self) -> &Client {
        match &self.connection {
            Link::Owned { client, .. } => client,
            #[cfg(feature = "deadpool")]
            Link::Pooled(object) => match object {
                Some(object) => object,
                // Given back only by `into_pooled`, which consumes the session.
                None => unreachable!("a pooled session is used after giving its connection back"),
            },
        }
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
        match &mut self.connection {
            Link::Owned { client, .. } => client.transaction().await,
            #[cfg(feature = "deadpool")]
            Link::Pooled(object) => match object {
                Some(object) => tokio_postgres::Client::transaction(object).await,
                None => unreachable!("a pooled session is used after giving its connection back"),
            },
        }
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
        match &self.connection {
            Link::Owned { client, ended } => client.is_closed() || ended.borrow().is_some(),
            #[cfg(feature = "deadpool")]
            Link::Pooled(_) => self.client().is_closed(),
        }
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
        let mut ended = match &self.connection {
            Link::Owned { ended, .. } => ended.clone(),
            #[cfg(feature = "deadpool")]
            Link::Pooled(_) => {
                while !self.client().is_closed() {
                    tokio::time::sleep(POOLED_LOST_CHECK).await;
                }
                return SessionLost { reason: "the pooled connection was closed".into() };
            }
        };
        match ended.wait_for(Option::is_some).await {
            Ok(reason) => reason.clone().unwrap_or_else(SessionLost::task_gone),
            // The connection's task was dropped (its runtime shut down).
            Err(_) => SessionLost::task_gone(),
        }
    }

    pub(crate) fn cancel_token(&self) -> CancelToken {
        self.client().cancel_token()
    }

    /// Runs a prepared statement of the hot path with `key` as its
    /// parameters, preparing it first on this connection if it is new.
    pub(crate) async fn query_key(
        &mut self,
        prepared: Prepared,
        key: PgLockKey,
    ) -> Result<Row, tokio_postgres::Error> {
        let statement = self.prepared(prepared).await?;
        let client = self.client();
        match key {
            PgLockKey::Single(key) => client.query_one(&statement, &[&key]).await,
            PgLockKey::Pair(class, object) => {
                client.query_one(&statement, &[&class, &object]).await
            }
        }
    }

    async fn prepared(&mut self, prepared: Prepared) -> Result<Statement, tokio_postgres::Error> {
        match &self.connection {
            Link::Owned { client, .. } => {
                let cached = &mut self.prepared[prepared.index()];
                if let Some(statement) = cached {
                    return Ok(statement.clone());
                }
                let statement = client.prepare(prepared.sql()).await?;
                Ok(cached.insert(statement).clone())
            }
            #[cfg(feature = "deadpool")]
            Link::Pooled(Some(object)) => object.prepare_cached(prepared.sql()).await,
            #[cfg(feature = "deadpool")]
            Link::Pooled(None) => {
                unreachable!("a pooled session is used after giving its connection back")
            }
        }
    }

    pub(crate) fn canceller(&self) -> Canceller {
        self.canceller.clone()
    }

    /// Sends this session's cancel requests (a dropped waiting `lock` asks
    /// the server to stop the wait) over `tls`: for a session made with
    /// [`new`](PgSession::new) or `from_pool` whose connection uses TLS.
    /// Sessions made with [`connect`](PgSession::connect) already use the
    /// connector they were given. A cancel sent without TLS to a server or
    /// proxy that takes only TLS never arrives, and an abandoned wait would
    /// stay queued for the key until it is granted.
    ///
    /// ```no_run
    /// # async fn demo(tls: tokio_postgres::NoTls) -> Result<(), tokio_postgres::Error> {
    /// // `tls`: the connector the connection was made with, e.g. a
    /// // `tokio_postgres_rustls::MakeRustlsConnect`.
    /// let (client, connection) = tokio_postgres::connect("host=db.internal user=jobs sslmode=require", tls).await?;
    /// let session = lockladder_postgres::PgSession::new(client, connection).with_cancel_tls(tls);
    /// # Ok(()) }
    /// ```
    pub fn with_cancel_tls<T>(mut self, tls: T) -> Self
    where
        T: MakeTlsConnect<Socket> + Clone + Send + Sync + 'static,
        T::Stream: Send,
        T::TlsConnect: Send,
        <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
    {
        self.canceller = Canceller::new(tls);
        self
    }
}

impl Drop for PgSession {
    fn drop(&mut self) {
        // An owned connection closes when its client drops, which releases
        // whatever it held. A pooled one would go back to its pool instead.
        #[cfg(feature = "deadpool")]
        if let Link::Pooled(object) = &mut self.connection
            && (self.may_hold_lock || self.cancel_sent)
            && let Some(object) = object.take()
        {
            // Detached from the pool; dropping it closes the connection.
            drop(deadpool_postgres::Object::take(object));
        }
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
