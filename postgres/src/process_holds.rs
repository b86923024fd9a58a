//! The advisory locks this process holds, so that it never waits for itself.
//!
//! PostgreSQL grants a key to a session, not to a process: a task that holds
//! a key through one session and asks for it through another (at another
//! level, with another `PgLock`, shared then exclusive, session then
//! transaction scope) waits for itself, and the deadlock detector sees no
//! cycle because the holding session is idle. Every hold is registered here
//! until its guard ends, with the backend pid that holds it, and an
//! acquisition that would wait for one is refused instead. As for
//! `FileLock`, a task cannot be told from another task of this process (a
//! guard may move between them), so the rule is per process: within one
//! process a key is held once (or shared any number of times), and tasks
//! that must take turns on it take turns on a `Mutex` first.
//!
//! Keys are per database (and per server), so a key match here is only a
//! candidate: the acquiring session asks `pg_locks` whether one of the
//! registered backends holds the key in its own database, and only then is
//! the acquisition refused. That costs one round trip, and only when this
//! process holds the same key somewhere.

use core::fmt;
use core::panic::Location;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::key::PgLockKey;
use crate::statement::{Mode, Scope};

/// Every hold of this process, in no order. A handful at most, so a scan.
static HOLDS: Mutex<Vec<Registered>> = Mutex::new(Vec::new());
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

struct Registered {
    id: u64,
    key: PgLockKey,
    backend_pid: i32,
    hold: HeldHere,
}

/// A hold of this process that an acquisition would have waited for: its
/// level, mode and scope, and the call that took it; returned by
/// [`PgLockError::held_here`](crate::PgLockError::held_here).
///
/// ```no_run
/// # fn check(error: &lockladder_postgres::PgLockError) {
/// if let Some(held) = error.held_here() {
///     eprintln!("first taken at {} (level `{}`)", held.taken_at(), held.level_name());
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldHere {
    pub(crate) mode: Mode,
    pub(crate) scope: Scope,
    pub(crate) level: (&'static str, u32),
    pub(crate) taken_at: &'static Location<'static>,
}

impl HeldHere {
    /// The name of the level the key is held at.
    ///
    /// ```no_run
    /// # fn check(held: lockladder_postgres::HeldHere) {
    /// println!("{}", held.level_name());
    /// # }
    /// ```
    pub fn level_name(&self) -> &'static str {
        self.level.0
    }

    /// The number of the level the key is held at.
    ///
    /// ```no_run
    /// # fn check(held: lockladder_postgres::HeldHere) {
    /// assert!(held.level() > 0);
    /// # }
    /// ```
    pub fn level(&self) -> u32 {
        self.level.1
    }

    /// Whether the hold is shared (`lock_shared` and its siblings).
    ///
    /// ```no_run
    /// # fn check(held: lockladder_postgres::HeldHere) {
    /// let exclusive = !held.is_shared();
    /// # }
    /// ```
    pub fn is_shared(&self) -> bool {
        self.mode == Mode::Shared
    }

    /// Whether the hold is transaction-scoped (`lock_xact` and its siblings).
    ///
    /// ```no_run
    /// # fn check(held: lockladder_postgres::HeldHere) {
    /// let ends_with_a_commit = held.is_transaction_scoped();
    /// # }
    /// ```
    pub fn is_transaction_scoped(&self) -> bool {
        self.scope == Scope::Transaction
    }

    /// The call that took the hold (the `PgLock` method's caller).
    ///
    /// ```no_run
    /// # fn check(held: lockladder_postgres::HeldHere) {
    /// println!("taken at {}:{}", held.taken_at().file(), held.taken_at().line());
    /// # }
    /// ```
    pub fn taken_at(&self) -> &'static Location<'static> {
        self.taken_at
    }
}

impl fmt::Display for HeldHere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = if self.is_shared() { "shared" } else { "exclusively" };
        let scope = if self.is_transaction_scoped() { " for a transaction" } else { "" };
        write!(
            f,
            "held {mode}{scope} in this process at level `{}` ({}), taken at {}",
            self.level.0, self.level.1, self.taken_at
        )
    }
}

/// The holds of this process that an acquisition of `key` in `mode` would
/// wait for if they are on the same database, with their backend pids.
/// Shared holds only conflict with an exclusive one.
pub(crate) fn candidates(key: PgLockKey, mode: Mode) -> Vec<(i32, HeldHere)> {
    let holds = HOLDS.lock().unwrap_or_else(PoisonError::into_inner);
    if holds.is_empty() {
        return Vec::new();
    }
    holds
        .iter()
        .filter(|held| {
            held.key == key && (mode == Mode::Exclusive || held.hold.mode == Mode::Exclusive)
        })
        .map(|held| (held.backend_pid, held.hold))
        .collect()
}

/// A registered hold; dropping it ends the registration.
#[derive(Debug)]
pub(crate) struct ProcessHold {
    id: u64,
}

impl ProcessHold {
    /// Registers a hold the server has just granted to `backend_pid`.
    pub(crate) fn register(key: PgLockKey, backend_pid: i32, hold: HeldHere) -> Self {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        HOLDS.lock().unwrap_or_else(PoisonError::into_inner).push(Registered {
            id,
            key,
            backend_pid,
            hold,
        });
        ProcessHold { id }
    }
}

impl Drop for ProcessHold {
    fn drop(&mut self) {
        let mut holds = HOLDS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(index) = holds.iter().position(|held| held.id == self.id) {
            holds.swap_remove(index);
        }
    }
}
