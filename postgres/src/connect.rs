//! Opening a session: the whole connect (TCP, TLS, startup) under one time
//! limit, and [`PgConnectError`], which says what went wrong.

use core::fmt;
use std::time::Duration;

use tokio_postgres::config::Host;
use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::{Config, Socket};

use crate::error::describe;
use crate::session::PgSession;

/// The time limit of each host's connection attempt (TCP connect, TLS
/// handshake and startup together) when the connection string sets no
/// `connect_timeout`: 10 seconds.
///
/// libpq waits forever by default; a frozen server or a stuck proxy that
/// accepts TCP and never answers would hang `PgSession::connect` with it.
///
/// ```
/// assert_eq!(lockladder_postgres::DEFAULT_CONNECT_TIMEOUT.as_secs(), 10);
/// ```
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects under the limit: `connect_timeout` (or the default) for each
/// host, so the whole connect takes at most that times the number of hosts.
pub(crate) async fn connect<T>(config: &Config, tls: T) -> Result<PgSession, PgConnectError>
where
    T: MakeTlsConnect<Socket> + Clone + Send + Sync + 'static,
    T::Stream: Send,
    T::TlsConnect: Send,
    <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
{
    let mut config = config.clone();
    // Zero is libpq's "no limit", which is the hang this bounds.
    let per_host = match config.get_connect_timeout() {
        Some(&timeout) if !timeout.is_zero() => timeout,
        _ => DEFAULT_CONNECT_TIMEOUT,
    };
    // Also bounds each host's TCP connect, so the next host gets its turn.
    config.connect_timeout(per_host);
    let hosts = u32::try_from(config.get_hosts().len().max(1)).unwrap_or(u32::MAX);
    let limit = per_host.saturating_mul(hosts);
    let target = Target(&config).to_string();
    match tokio::time::timeout(limit, config.connect(tls.clone())).await {
        Ok(Ok((client, connection))) => Ok(PgSession::new(client, connection).with_cancel_tls(tls)),
        Ok(Err(source)) => {
            let kind = match source.as_db_error() {
                Some(_) => PgConnectErrorKind::Rejected,
                None => PgConnectErrorKind::Unreachable,
            };
            Err(PgConnectError { kind, target, limit, source: Some(source) })
        }
        Err(_) => {
            Err(PgConnectError { kind: PgConnectErrorKind::TimedOut, target, limit, source: None })
        }
    }
}

/// The hosts and ports of a configuration, as `host:port, /socket/dir:port`.
struct Target<'a>(&'a Config);

impl fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (hosts, ports) = (self.0.get_hosts(), self.0.get_ports());
        if hosts.is_empty() {
            return f.write_str("the default host");
        }
        for (i, host) in hosts.iter().enumerate() {
            // libpq: one port for all hosts, or one each; 5432 when none.
            let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
            let separator = if i == 0 { "" } else { ", " };
            match host {
                Host::Tcp(name) => write!(f, "{separator}{name}:{port}")?,
                #[cfg(unix)]
                Host::Unix(dir) => write!(f, "{separator}{}:{port}", dir.display())?,
            }
        }
        Ok(())
    }
}

/// Why a connection could not be opened; see [`PgConnectError::kind`].
///
/// ```
/// use lockladder_postgres::PgConnectErrorKind;
///
/// assert_eq!(PgConnectErrorKind::TimedOut.to_string(), "no answer in time");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PgConnectErrorKind {
    /// The connection string could not be parsed.
    InvalidConfig,
    /// The connect (TCP, TLS and startup together) did not finish within
    /// the limit: `connect_timeout`, or [`DEFAULT_CONNECT_TIMEOUT`], for each
    /// host.
    TimedOut,
    /// The server answered and refused: wrong password, a role that may not
    /// log in, a database that does not exist, too many connections
    /// ([`PgConnectError::sqlstate`] tells which).
    Rejected,
    /// No server could be reached, or the TLS handshake failed (no server
    /// listening, a name that does not resolve, a certificate that does not
    /// verify, a server without TLS under `sslmode=require`).
    Unreachable,
}

impl fmt::Display for PgConnectErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PgConnectErrorKind::InvalidConfig => "invalid connection string",
            PgConnectErrorKind::TimedOut => "no answer in time",
            PgConnectErrorKind::Rejected => "refused by the server",
            PgConnectErrorKind::Unreachable => "server not reached",
        })
    }
}

/// A session could not be opened: the message says where and why (the
/// server's own message and SQLSTATE when it refused), and
/// [`source`](std::error::Error::source) gives the client's error.
///
/// ```no_run
/// use lockladder_postgres::{PgConnectErrorKind, PgSession};
/// use lockladder_postgres::tokio_postgres::NoTls;
///
/// # async fn demo() {
/// match PgSession::connect("host=127.0.0.1 user=nobody connect_timeout=3", NoTls).await {
///     Ok(_session) => {}
///     // "PostgreSQL at 127.0.0.1:5432 refused the connection: FATAL: role "nobody" does not exist (SQLSTATE 28000)"
///     Err(error) if error.kind() == PgConnectErrorKind::Rejected => eprintln!("{error}"),
///     Err(error) => eprintln!("retrying later: {error}"),
/// }
/// # }
/// ```
pub struct PgConnectError {
    kind: PgConnectErrorKind,
    target: String,
    limit: Duration,
    source: Option<tokio_postgres::Error>,
}

impl PgConnectError {
    pub(crate) fn invalid_config(source: tokio_postgres::Error) -> Self {
        PgConnectError {
            kind: PgConnectErrorKind::InvalidConfig,
            target: String::new(),
            limit: Duration::ZERO,
            source: Some(source),
        }
    }

    /// Why the connection was not opened.
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgConnectError) {
    /// use lockladder_postgres::PgConnectErrorKind;
    /// let worth_a_retry = matches!(error.kind(), PgConnectErrorKind::TimedOut | PgConnectErrorKind::Unreachable);
    /// # }
    /// ```
    pub fn kind(&self) -> PgConnectErrorKind {
        self.kind
    }

    /// The server's SQLSTATE when it refused (e.g. `28P01` wrong password,
    /// `28000` a role that may not log in, `3D000` no such database).
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgConnectError) {
    /// if error.sqlstate() == Some("28P01") {
    ///     eprintln!("check the password");
    /// }
    /// # }
    /// ```
    pub fn sqlstate(&self) -> Option<&str> {
        Some(self.source.as_ref()?.code()?.code())
    }

    /// The client's error behind this one, if any (also
    /// [`source`](std::error::Error::source)).
    ///
    /// ```
    /// # fn check(error: &lockladder_postgres::PgConnectError) {
    /// let closed = error.postgres_error().is_some_and(|e| e.is_closed());
    /// # }
    /// ```
    pub fn postgres_error(&self) -> Option<&tokio_postgres::Error> {
        self.source.as_ref()
    }
}

impl fmt::Display for PgConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (target, cause) = (&self.target, self.source.as_ref().map(describe));
        match self.kind {
            PgConnectErrorKind::InvalidConfig => {
                write!(f, "invalid PostgreSQL connection string: {}", cause.unwrap_or_default())
            }
            PgConnectErrorKind::TimedOut => write!(
                f,
                "no answer from PostgreSQL at {target} within {:?} (TCP connect, TLS handshake and \
                 startup together; `connect_timeout` in the connection string sets the limit per host)",
                self.limit
            ),
            PgConnectErrorKind::Rejected => write!(
                f,
                "PostgreSQL at {target} refused the connection: {}",
                cause.unwrap_or_default()
            ),
            PgConnectErrorKind::Unreachable => {
                write!(f, "cannot connect to PostgreSQL at {target}: {}", cause.unwrap_or_default())
            }
        }
    }
}

impl fmt::Debug for PgConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgConnectError")
            .field("kind", &self.kind)
            .field("target", &self.target)
            .field("limit", &self.limit)
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for PgConnectError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|source| source as _)
    }
}
