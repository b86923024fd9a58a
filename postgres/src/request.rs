//! One statement in flight on an owned session, and what happens to the
//! session when the caller stops waiting for it.
//!
//! The hazard: PostgreSQL keeps executing a `pg_advisory_lock` whose caller
//! has gone, and grants it to the session later. So a request that is
//! dropped before it completes never gives its session back: it is handed to
//! a task that asks the server to cancel the wait (again, less and less
//! often, until the answer comes, since a cancel can overtake the request)
//! and then drops the session, which closes its connection (a pooled one is
//! detached from its pool), and the server releases every lock of a closed
//! session. No grant can reach anything that runs on the connection later.
//!
//! Nor can a cancel: the server acts on a cancel request whenever it gets
//! to it, and nothing tells the client when that was (tokio-postgres's
//! `cancel_query` returns once the request is written), so a cancel sent for
//! the lock could land on whatever statement runs next on that connection.
//! Closing costs a reconnect, paid only by abandoned waits; waiting for the
//! cancel's effect instead would need an acknowledgement the protocol does
//! not give.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::time::Duration;

use tokio_postgres::CancelToken;

use crate::cancel::Canceller;

use crate::error::PgLockError;
use crate::session::PgSession;

/// How long the abandoned request gets to answer before the cancel is sent
/// again; doubled after each attempt up to [`RECANCEL_AT_MOST_EVERY`].
const RECANCEL_AFTER: Duration = Duration::from_millis(200);
const RECANCEL_AT_MOST_EVERY: Duration = Duration::from_secs(5);
/// How long one cancel request (connect, TLS, send) may take.
const CANCEL_AT_MOST: Duration = crate::connect::DEFAULT_CONNECT_TIMEOUT;

type Work = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// What the work ends with: the session back, or the error (which may carry it).
pub(crate) type Outcome = Result<PgSession, PgLockError>;

/// A statement (or a few) running on a session the work owns.
pub(crate) struct Request {
    work: Option<Work>,
    canceller: Canceller,
    cancel: CancelToken,
    polled: bool,
}

impl Request {
    /// `work` owns the session (moved into it) and returns it in its outcome;
    /// `canceller` and `cancel` are that session's.
    pub(crate) fn start<F>(canceller: Canceller, cancel: CancelToken, work: F) -> Self
    where
        F: Future<Output = Outcome> + Send + 'static,
    {
        Request { work: Some(Box::pin(work)), canceller, cancel, polled: false }
    }

    pub(crate) fn poll_done(&mut self, cx: &mut Context<'_>) -> Poll<Outcome> {
        let Some(work) = self.work.as_mut() else {
            // A completed request is never polled again by its owners.
            return Poll::Pending;
        };
        self.polled = true;
        let output = core::task::ready!(work.as_mut().poll(cx));
        self.work = None;
        Poll::Ready(output)
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        let Some(work) = self.work.take() else { return };
        if !self.polled {
            // Nothing was sent: dropping the session closes the connection.
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to cancel on: the connection's task is gone with it,
            // so the connection is closed anyway.
            return;
        };
        let (canceller, cancel) = (self.canceller.clone(), self.cancel.clone());
        runtime.spawn(async move {
            let mut work = work;
            let mut patience = RECANCEL_AFTER;
            let mut outcome = loop {
                // A failed cancel (server unreachable) is retried like a lost
                // one; a stalled one (a connect that hangs) is given up on.
                let _ =
                    tokio::time::timeout(CANCEL_AT_MOST, canceller.cancel(cancel.clone())).await;
                if let Ok(outcome) = tokio::time::timeout(patience, &mut work).await {
                    break outcome;
                }
                patience = (patience * 2).min(RECANCEL_AT_MOST_EVERY);
            };
            let session = match &mut outcome {
                Ok(session) => Some(session),
                Err(error) => error.session_mut(),
            };
            if let Some(session) = session {
                session.cancel_sent = true;
            }
            // The outcome, and with it the session, drops here: closed.
        });
    }
}
