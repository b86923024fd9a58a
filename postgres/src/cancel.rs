//! [`Canceller`]: how a statement running on a session is cancelled, with a
//! cancel request sent over the session's own TLS (or none).
//!
//! A cancel request is a new connection to the server, so it needs the same
//! TLS as the session: a server (or proxy) that takes TLS only never sees a
//! cancel sent without it, and a waiting `pg_advisory_lock` abandoned by its
//! caller would stay queued for the key.

use core::future::Future;
use core::pin::Pin;
use std::sync::Arc;

use tokio_postgres::tls::{MakeTlsConnect, TlsConnect};
use tokio_postgres::{CancelToken, NoTls, Socket};

type CancelFuture = Pin<Box<dyn Future<Output = Result<(), tokio_postgres::Error>> + Send>>;

/// Sends cancel requests with one TLS connector; cheap to clone.
#[derive(Clone)]
pub(crate) struct Canceller(Arc<dyn Fn(CancelToken) -> CancelFuture + Send + Sync>);

impl Canceller {
    /// Cancel requests over `tls`, the connector the session was made with.
    pub(crate) fn new<T>(tls: T) -> Self
    where
        T: MakeTlsConnect<Socket> + Clone + Send + Sync + 'static,
        T::Stream: Send,
        T::TlsConnect: Send,
        <T::TlsConnect as TlsConnect<Socket>>::Future: Send,
    {
        Canceller(Arc::new(move |token: CancelToken| {
            let tls = tls.clone();
            Box::pin(async move { token.cancel_query(tls).await })
        }))
    }

    /// Cancel requests without TLS, until told otherwise
    /// (`PgSession::with_cancel_tls`).
    pub(crate) fn plain() -> Self {
        Canceller::new(NoTls)
    }

    /// Asks the server to cancel what runs on the session of `token`.
    pub(crate) fn cancel(&self, token: CancelToken) -> CancelFuture {
        (self.0)(token)
    }
}
