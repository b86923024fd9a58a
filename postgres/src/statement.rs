//! The SQL of each acquisition and release, built from integers only.

use std::time::Duration;

use crate::key::PgLockKey;

/// Exclusive or shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Exclusive,
    Shared,
}

/// How long to wait for the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Until granted (or until the session's own `lock_timeout`).
    Forever,
    /// Not at all: `pg_try_advisory_lock`.
    Try,
    /// At most this long, enforced by the server's `lock_timeout`.
    Within(Duration),
}

/// Session-level lock or transaction-level lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Session,
    Transaction,
}

/// The acquisition, sent as one simple-query message (one round trip). Its
/// last row, if any, is the `pg_try_*` answer.
pub(crate) fn acquire(key: PgLockKey, mode: Mode, wait: Wait, scope: Scope) -> String {
    let try_ = if wait == Wait::Try { "try_" } else { "" };
    let xact = if scope == Scope::Transaction { "xact_" } else { "" };
    let shared = if mode == Mode::Shared { "_shared" } else { "" };
    let call = format!(
        "SELECT pg_{try_}advisory_{xact}lock{shared}({}), pg_backend_pid()",
        key.sql_arguments()
    );
    match (wait, scope) {
        (Wait::Within(timeout), Scope::Session) => {
            // A multi-statement message is one implicit transaction: the
            // transaction-local setting ends with it.
            format!("SELECT set_config('lock_timeout', '{}ms', true); {call}", timeout_ms(timeout))
        }
        (Wait::Within(timeout), Scope::Transaction) => format!(
            "BEGIN; SET LOCAL lock_timeout = '{}ms'; {call}; SET LOCAL lock_timeout TO DEFAULT",
            timeout_ms(timeout)
        ),
        (_, Scope::Session) => call,
        (_, Scope::Transaction) => format!("BEGIN; {call}"),
    }
}

/// A statement prepared once per connection, with the key as parameters:
/// the hot path (session-level `lock`, `try_lock`, `unlock`) costs the server
/// no parse and plan per call, as prepared statements sent by hand would not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prepared(usize);

impl Prepared {
    /// How many there are, for a cache indexed by them.
    pub(crate) const COUNT: usize = PREPARED_SQL.len();

    /// `lock` or `try_lock` of a session-level key: answers the grant (`true`
    /// for a wait) and the backend's pid.
    pub(crate) fn lock(mode: Mode, wait: Wait, key: PgLockKey) -> Self {
        Prepared::pick(usize::from(wait == Wait::Try), mode, key)
    }

    /// `unlock`: answers `true`, or `false` if the key was not held.
    pub(crate) fn unlock(mode: Mode, key: PgLockKey) -> Self {
        Prepared::pick(2, mode, key)
    }

    fn pick(call: usize, mode: Mode, key: PgLockKey) -> Self {
        let pair = usize::from(matches!(key, PgLockKey::Pair(..)));
        Prepared(call * 4 + usize::from(mode == Mode::Shared) * 2 + pair)
    }

    pub(crate) fn index(self) -> usize {
        self.0
    }

    pub(crate) fn sql(self) -> &'static str {
        PREPARED_SQL[self.0]
    }
}

/// Indexed by call (lock, try, unlock) * 4 + shared * 2 + pair.
const PREPARED_SQL: [&str; 12] = [
    "SELECT true, pg_advisory_lock($1), pg_backend_pid()",
    "SELECT true, pg_advisory_lock($1, $2), pg_backend_pid()",
    "SELECT true, pg_advisory_lock_shared($1), pg_backend_pid()",
    "SELECT true, pg_advisory_lock_shared($1, $2), pg_backend_pid()",
    "SELECT pg_try_advisory_lock($1), 0, pg_backend_pid()",
    "SELECT pg_try_advisory_lock($1, $2), 0, pg_backend_pid()",
    "SELECT pg_try_advisory_lock_shared($1), 0, pg_backend_pid()",
    "SELECT pg_try_advisory_lock_shared($1, $2), 0, pg_backend_pid()",
    "SELECT pg_advisory_unlock($1)",
    "SELECT pg_advisory_unlock($1, $2)",
    "SELECT pg_advisory_unlock_shared($1)",
    "SELECT pg_advisory_unlock_shared($1, $2)",
];

/// Releases the key if this session holds it in `mode` (after a failed
/// acquisition, when the failure may have come after the grant).
pub(crate) fn release_if_held(key: PgLockKey, mode: Mode) -> String {
    let (shared, lock_mode) = match mode {
        Mode::Exclusive => ("", "ExclusiveLock"),
        Mode::Shared => ("_shared", "ShareLock"),
    };
    format!(
        "SELECT pg_advisory_unlock{shared}({}) FROM pg_locks WHERE {} AND granted \
         AND pid = pg_backend_pid() AND mode = '{lock_mode}'",
        key.sql_arguments(),
        key.pg_locks_condition()
    )
}

/// A backend other than ours that holds the key, if any.
pub(crate) fn holder(key: PgLockKey) -> String {
    format!(
        "SELECT pid FROM pg_locks WHERE {} AND granted AND pid <> pg_backend_pid() LIMIT 1",
        key.pg_locks_condition()
    )
}

/// Every backend holding the key in this database (ours included).
pub(crate) fn holders(key: PgLockKey) -> String {
    format!("SELECT pid FROM pg_locks WHERE {} AND granted", key.pg_locks_condition())
}

/// Commits, failing (instead of PostgreSQL's silent rollback) when the
/// transaction was already aborted by an error.
pub(crate) const COMMIT: &str = "SELECT 1; COMMIT";
pub(crate) const ROLLBACK: &str = "ROLLBACK";

/// `lock_timeout` in whole milliseconds, rounded up (a caller's limit is
/// never cut short): at least 1 (0 would mean no limit), at most what the
/// setting accepts.
fn timeout_ms(timeout: Duration) -> u128 {
    timeout.as_nanos().div_ceil(1_000_000).clamp(1, i32::MAX as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_combination_names_the_right_function() {
        let key = PgLockKey::Pair(1, -2);
        assert_eq!(
            acquire(key, Mode::Exclusive, Wait::Forever, Scope::Session),
            "SELECT pg_advisory_lock(1, -2), pg_backend_pid()"
        );
        assert_eq!(
            acquire(key, Mode::Shared, Wait::Try, Scope::Transaction),
            "BEGIN; SELECT pg_try_advisory_xact_lock_shared(1, -2), pg_backend_pid()"
        );
        assert_eq!(
            acquire(
                PgLockKey::Single(-5),
                Mode::Exclusive,
                Wait::Within(Duration::ZERO),
                Scope::Session
            ),
            "SELECT set_config('lock_timeout', '1ms', true); SELECT pg_advisory_lock(-5), pg_backend_pid()"
        );
    }

    #[test]
    fn each_prepared_statement_is_the_call_asked_for() {
        let (single, pair) = (PgLockKey::Single(1), PgLockKey::Pair(1, 2));
        let sql = |prepared: Prepared| prepared.sql();
        assert_eq!(sql(Prepared::lock(Mode::Exclusive, Wait::Forever, single)), PREPARED_SQL[0]);
        assert!(
            sql(Prepared::lock(Mode::Shared, Wait::Forever, pair)).contains("lock_shared($1, $2)")
        );
        assert!(
            sql(Prepared::lock(Mode::Shared, Wait::Try, single))
                .contains("try_advisory_lock_shared($1)")
        );
        assert_eq!(
            sql(Prepared::unlock(Mode::Shared, pair)),
            "SELECT pg_advisory_unlock_shared($1, $2)"
        );
        assert_eq!(Prepared::unlock(Mode::Shared, pair).index(), Prepared::COUNT - 1);
    }

    #[test]
    fn lock_timeout_rounds_up_to_whole_milliseconds() {
        let ms = |micros| timeout_ms(Duration::from_micros(micros));
        assert_eq!((ms(0), ms(1), ms(1_000), ms(1_001), ms(2_999)), (1, 1, 1, 2, 3));
        assert_eq!(timeout_ms(Duration::MAX), i32::MAX as u128);
    }
}
