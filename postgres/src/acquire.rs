//! Taking a key on an owned session: the statement, the classification of
//! its answer, and the future that turns a grant into a hold and a token.

use core::panic::Location;
use core::task::{Context, Poll};

use lockladder_runtime::extend::{ExternalAcquisition, ExternalHold};
use lockladder_runtime::{Level, LockToken};
use tokio_postgres::SimpleQueryMessage;

use crate::error::{PgLockError, PgLockErrorKind};
use crate::key::PgLockKey;
use crate::process_holds::{self, HeldHere, ProcessHold};
use crate::request::Request;
use crate::session::PgSession;
use crate::statement::{self, Mode, Prepared, Scope, Wait};

/// What a lock asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ask {
    pub(crate) key: PgLockKey,
    pub(crate) mode: Mode,
    pub(crate) wait: Wait,
    pub(crate) scope: Scope,
    /// The level's name and number, for errors.
    pub(crate) level: (&'static str, u32),
    /// The call of the `PgLock` method, for the process's register of holds.
    pub(crate) caller: &'static Location<'static>,
}

impl Ask {
    /// This acquisition as a hold of the process, once granted.
    fn held_here(&self) -> HeldHere {
        HeldHere { mode: self.mode, scope: self.scope, level: self.level, taken_at: self.caller }
    }
}

/// A granted key: the session that holds it, the holds (of the token, of
/// the process) and the child token.
pub(crate) type Granted<'a, L> = (PgSession, Holds<'a>, LockToken<'a, L>);

/// What a guard keeps until its key is released: the token's hold (for the
/// lock order) and the process's (so this process never waits for itself).
#[derive(Debug)]
pub(crate) struct Holds<'a> {
    _token: ExternalHold<'a>,
    _process: ProcessHold,
}

/// The acquisition in flight; see [`Request`] for what dropping it does.
pub(crate) struct Acquire<'a, L> {
    acquisition: Option<ExternalAcquisition<'a, L>>,
    request: Request,
    ask: Ask,
}

impl<'a, L: Level> Acquire<'a, L> {
    pub(crate) fn start(
        acquisition: ExternalAcquisition<'a, L>,
        session: PgSession,
        ask: Ask,
    ) -> Self {
        let request =
            Request::start(session.canceller(), session.cancel_token(), run(session, ask));
        Acquire { acquisition: Some(acquisition), request, ask }
    }

    pub(crate) fn poll_acquire(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Granted<'a, L>, PgLockError>> {
        let outcome = core::task::ready!(self.request.poll_done(cx));
        // Taken once, with the one outcome; a failure drops it, abandoned.
        let Some(acquisition) = self.acquisition.take() else { return Poll::Pending };
        Poll::Ready(outcome.map(|session| {
            let process =
                ProcessHold::register(self.ask.key, session.backend_pid, self.ask.held_here());
            let (token_hold, token) = acquisition.granted();
            (session, Holds { _token: token_hold, _process: process }, token)
        }))
    }
}

/// Sends the acquisition and, on failure, leaves the session as it was
/// (transaction rolled back, a late grant released) and asks who holds the key.
async fn run(mut session: PgSession, ask: Ask) -> Result<PgSession, PgLockError> {
    if let Some(refusal) = held_by_this_process(&session, ask).await {
        return Err(match refusal.kind() {
            PgLockErrorKind::SessionLost => refusal,
            _ => refusal.with_session(session),
        });
    }
    // From here until the answer says otherwise, the key may be held.
    session.may_hold_lock = true;
    let failure = match send(&mut session, ask).await {
        Ok(Answer { granted: true, backend_pid }) => {
            session.backend_pid = backend_pid;
            return Ok(session);
        }
        Ok(Answer { granted: false, .. }) => {
            PgLockError::new(PgLockErrorKind::WouldBlock, ask.key, ask.level)
        }
        Err(error) => PgLockError::from_postgres(error, ask.key, ask.level),
    };
    if failure.kind() == PgLockErrorKind::SessionLost {
        return Err(failure);
    }
    // The report names the process we waited for: read it before anything
    // else, since the session may not survive the cleanup (in an aborted
    // transaction of the caller's, the report is the only way left to ask).
    let reported = deadlock_holder(&failure, ask.key);
    let failure = failure.with_holder_pid(reported);
    let cleanup = match (ask.scope, failure.kind()) {
        // A transaction-scoped grant ends with the transaction.
        (Scope::Transaction, _) => Some(statement::ROLLBACK.to_owned()),
        // `pg_try_*` answered: nothing was granted.
        (Scope::Session, PgLockErrorKind::WouldBlock) => None,
        // A cancel or timeout that lands just as the key is granted fails the
        // statement but leaves the session-level lock held: release it.
        (Scope::Session, _) => Some(statement::release_if_held(ask.key, ask.mode)),
    };
    if let Some(cleanup) = cleanup
        && session.client().batch_execute(&cleanup).await.is_err()
    {
        // Not known to hold nothing (e.g. inside an aborted transaction of
        // the caller's): the session is dropped, which closes it.
        return Err(failure);
    }
    session.may_hold_lock = false;
    let holder = match failure.kind() {
        PgLockErrorKind::Deadlock => match reported {
            Some(pid) => Some(pid),
            None => holder_pid(&session, ask.key).await,
        },
        PgLockErrorKind::WouldBlock | PgLockErrorKind::TimedOut => {
            holder_pid(&session, ask.key).await
        }
        _ => None,
    };
    Err(failure.with_holder_pid(holder).with_session(session))
}

/// What the server answered to an acquisition.
struct Answer {
    /// `false` only from `pg_try_*`, when the key is taken.
    granted: bool,
    backend_pid: i32,
}

/// Sends the acquisition: a statement prepared once per connection for
/// `lock`/`try_lock` of a session-level key (the hot path), one
/// simple-query message otherwise (a bounded wait sets `lock_timeout` and a
/// transaction lock begins the transaction in the same round trip).
async fn send(session: &mut PgSession, ask: Ask) -> Result<Answer, tokio_postgres::Error> {
    if ask.scope == Scope::Session && matches!(ask.wait, Wait::Forever | Wait::Try) {
        let row = session.query_key(Prepared::lock(ask.mode, ask.wait, ask.key), ask.key).await?;
        // Undecodable would be a bug; counting it as granted keeps the key
        // in a guard, which releases it, rather than leaking a grant.
        let granted = row.try_get(0).unwrap_or(true);
        return Ok(Answer { granted, backend_pid: row.try_get(2).unwrap_or(0) });
    }
    let sql = statement::acquire(ask.key, ask.mode, ask.wait, ask.scope);
    let messages = session.client().simple_query(&sql).await?;
    // `pg_try_*` answers `f` when the key is taken; the others answer an
    // empty `void`. The second column is the backend's pid.
    let row = last_row(&messages);
    Ok(Answer {
        granted: row.and_then(|row| row.get(0)) != Some("f"),
        backend_pid: row.and_then(|row| row.get(1)?.parse().ok()).unwrap_or(0),
    })
}

/// The refusal of an acquisition that would wait for a hold of this
/// process: one registered for the same key, whose backend holds the key in
/// this session's database (keys are per database, and per server). `None`
/// when there is none; an error if `pg_locks` could not be asked.
async fn held_by_this_process(session: &PgSession, ask: Ask) -> Option<PgLockError> {
    let candidates = process_holds::candidates(ask.key, ask.mode);
    if candidates.is_empty() {
        return None;
    }
    let holders = match session.client().simple_query(&statement::holders(ask.key)).await {
        Ok(messages) => messages,
        Err(error) => return Some(PgLockError::from_postgres(error, ask.key, ask.level)),
    };
    let holds_it = |pid: i32| {
        holders.iter().any(|message| match message {
            SimpleQueryMessage::Row(row) => row.get(0).and_then(|v| v.parse().ok()) == Some(pid),
            _ => false,
        })
    };
    let (_, held) = candidates.into_iter().find(|&(pid, _)| holds_it(pid))?;
    Some(
        PgLockError::new(PgLockErrorKind::HeldByThisProcess, ask.key, ask.level)
            .with_held_here(held),
    )
}

/// A backend holding `key`, from `pg_locks`; `None` if it has gone meanwhile
/// or the question failed.
pub(crate) async fn holder_pid(session: &PgSession, key: PgLockKey) -> Option<i32> {
    let messages = session.client().simple_query(&statement::holder(key)).await.ok()?;
    last_value(&messages)?.parse().ok()
}

/// The pid our advisory wait was blocked by, from a `40P01` report's detail:
/// "Process 1 waits for ExclusiveLock on advisory lock [db,class,object,1];
/// blocked by process 2.", on the line of our key's lock tag (a cycle may
/// pass through other advisory keys). `None` for any other error.
fn deadlock_holder(error: &PgLockError, key: PgLockKey) -> Option<i32> {
    if error.kind() != PgLockErrorKind::Deadlock {
        return None;
    }
    let detail = error.postgres_error()?.as_db_error()?.detail()?;
    let (class, object, sub) = key.lock_tag();
    let tag = format!(",{class},{object},{sub}]");
    let line =
        detail.lines().find(|line| line.contains("advisory lock [") && line.contains(&tag))?;
    let (_, pid) = line.rsplit_once("blocked by process ")?;
    pid.trim_end_matches('.').parse().ok()
}

/// The first column of the last row of a simple-query answer.
pub(crate) fn last_value(messages: &[SimpleQueryMessage]) -> Option<String> {
    Some(last_row(messages)?.get(0).unwrap_or_default().to_owned())
}

/// The last row of a simple-query answer.
fn last_row(messages: &[SimpleQueryMessage]) -> Option<&tokio_postgres::SimpleQueryRow> {
    messages.iter().rev().find_map(|message| match message {
        SimpleQueryMessage::Row(row) => Some(row),
        _ => None,
    })
}
