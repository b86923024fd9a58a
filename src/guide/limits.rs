//! # What the types cannot see
//!
//! [Contents](super) · Previous: [Coming from `tokio::sync` and `parking_lot`](super::migration) ·
//! Next: [Cost](super::cost)
//!
//! The check is done by the type checker, so it shows wherever `cargo check`
//! runs: on save in an IDE (newer rust-analyzer versions can also flag it while
//! you type, with their experimental diagnostics on). Some mistakes are outside
//! what types can follow; for each, what covers it.
//!
//! * **Two root tokens in one task** (`LockToken::new()` twice) each start from
//!   `Unlocked`: the types cannot relate them. Create one per task, at its entry
//!   point; [`lockdep`](super::runtime_net) reports a second live root of one
//!   task with both creation sites, and an inversion across the two at the
//!   acquisition. Entry points you do not control (a trait method, a callback)
//!   are the usual source: see [porting](super::porting#foreign-traits-and-entry-points).
//! * **A guard moved to another thread or task** carries its hold away from the
//!   token it came from: the token that stays behind no longer describes what
//!   this task holds. Keep guards in the task that took them (`lockdep` checks at
//!   run time).
//! * **`mem::forget` of a guard** keeps the lock held forever, and its token's
//!   borrow ends with it. Nothing at compile time can see a leak; `lockdep` names
//!   a leaked hold as a possible cause when it later sees more than one token.
//! * **Awaiting a task that needs a lock you hold** (`handle.await` or a channel
//!   receive while holding a guard) deadlocks without any lock order being wrong.
//!   Release the guards first (see `shut_down` in
//!   [porting](super::porting#data-you-do-not-own)).
//! * **A blocking (`sync`) guard held across `.await`** on a single-threaded
//!   runtime blocks the only thread when another task waits for that lock.
//!   Clippy's `await_holding_invalid_type` lint flags it when told about the
//!   guards: copy the repository's `clippy.toml` `await-holding-invalid-types`
//!   lines into your project's `clippy.toml`. CI proves the lint fires on them
//!   (`tests/clippy-await-fixture`).
//! * **A `FileLockGuard` moved, forgotten or awaited on**: the same three cases
//!   for the lock shared between processes; see
//!   [across processes](super::processes#filelock-a-lock-shared-between-processes).
//! * **A PostgreSQL holder that stalls** can lose its session while it believes
//!   it holds the lock: no fencing token. See
//!   [PostgreSQL](super::postgres#what-it-does-not-promise).
//!
//! What the types do see, and how: a lock at or below the held level does not
//! compile (E0277, naming both types); a second lock "beside" the first through
//! the same parent token does not compile (E0499, the parent is borrowed); a
//! guard cannot outlive its token's scope; a token cannot be cloned, forged at a
//! level, or made in a `const`. Each rule has a compile-fail case in
//! `ui-tests/fail/`, one file per rule.
//!
//! ```compile_fail,E0599
//! let token = lockladder::LockToken::new();
//! let copy = token.clone(); // error: a token is not `Clone`
//! ```
//!
//! [Contents](super) · Previous: [Coming from `tokio::sync` and `parking_lot`](super::migration) ·
//! Next: [Cost](super::cost)
