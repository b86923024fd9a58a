//! One statement in flight on an owned session, and what happens to the
//! session when the caller stops waiting for it.
//!
//! The hazard: PostgreSQL keeps executing a `pg_advisory_lock` whose caller
//! has gone, and grants it to the session later. So a request that is
//! dropped before it completes never gives its session back: it is handed to
//! a task that asks the server to cancel the wait (again, until the answer
//! comes, since a cancel can overtake the request) and then drops the
//! session. An owned session's connection closes, and the server releases
//! every lock of a closed session; a pooled one goes back to its pool only
//! if the answer was "not granted", and is closed otherwise. Either way no
//! grant can reach anything that runs on the connection later.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::time::Duration;

use tokio_postgres::{CancelToken, NoTls};

use crate::error::PgLockError;
use crate::session::PgSession;

/// How long the abandoned request gets to answer before the cancel is sent again.
const RECANCEL_AFTER: Duration = Duration::from_millis(200);

type Work = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// What the work ends with: the session back, or the error (which may carry it).
pub(crate) type Outcome = Result<PgSession, PgLockError>;

/// A statement (or a few) running on a session the work owns.
pub(crate) struct Request {
    work: Option<Work>,
    cancel: CancelToken,
    polled: bool,
}

impl Request {
    /// `work` owns the session (moved into it) and returns it in its outcome;
    /// `cancel` is that session's.
    pub(crate) fn start<F>(cancel: CancelToken, work: F) -> Self
    where
        F: Future<Output = Outcome> + Send + 'static,
    {
        Request { work: Some(Box::pin(work)), cancel, polled: false }
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
        let cancel = self.cancel.clone();
        runtime.spawn(async move {
            let mut work = work;
            loop {
                // A failed cancel (server unreachable) is retried like a lost one.
                let _ = cancel.cancel_query(NoTls).await;
                if tokio::time::timeout(RECANCEL_AFTER, &mut work).await.is_ok() {
                    break;
                }
            }
            // The work's output, and with it the session, drops here.
        });
    }
}
