//! # Across processes and around teardown
//!
//! [Contents](super) · Previous: [Several locks at once](super::several_locks) ·
//! Next: [PostgreSQL advisory locks](super::postgres)
//!
//! ## `FileLock`: a lock shared between processes
//!
//! [`FileLock<L>`](crate::FileLock) is a lock on a file, shared between
//! processes, at a level in the same hierarchy as the in-process locks. It is
//! built on the kernel's advisory lock (std's `File::lock`), so a process that
//! dies holding it releases it: there is no stale lock to recover, and the lock
//! file is never removed (removing a lock file someone still holds is how two
//! processes end up both holding "the" lock). After every acquisition the path
//! is checked to still name the locked file (device and inode); if it was
//! replaced or removed meanwhile the lock is taken again on the new file.
//!
//! ```
//! use lockladder::{lock_level, FileLock, LockToken, Mutex};
//!
//! #[lock_level(10)]
//! enum StoreLevel {}
//!
//! #[lock_level(20)]
//! struct AuditLog {
//!     rotations: Vec<u64>,
//! }
//!
//! async fn rotate(store: &FileLock<StoreLevel>, audit: &Mutex<AuditLog>) -> Result<(), lockladder::FileLockError> {
//!     let mut token = LockToken::new();
//!     let (_store, mut token) = store.lock(&mut token).await?; // no other process holds it now
//!     let (mut log, _token) = audit.lock(&mut token).await; // 10 -> 20: allowed
//!     log.rotations.push(1);
//!     Ok(())
//! }
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! # let path = std::env::temp_dir().join(format!("lockladder-guide-{}.lock", std::process::id()));
//! let store: FileLock<StoreLevel> = FileLock::open(&path)?;
//! # let audit = Mutex::new(AuditLog { rotations: vec![] });
//! # rotate(&store, &audit).await?;
//! # assert_eq!(audit.into_inner().rotations, [1]);
//! # std::fs::remove_file(&path).ok();
//! # Ok::<(), lockladder::FileLockError>(())
//! # }).unwrap();
//! ```
//!
//! | | |
//! |---|---|
//! | `FileLock::open(path)?` | the level comes from the expected type: `let store: FileLock<StoreLevel> = FileLock::open(path)?;` |
//! | `lock` / `lock_shared` (`.await`), `try_lock` / `try_lock_shared` | `(FileLockGuard, LockToken<'_, L>)` in a `Result`; the async wait never blocks the runtime, but it is a poll, not a sleep until release: the waiting task retries after pauses doubling from 1 to 32 ms (a wait in the kernel could not be cancelled) |
//! | [`sync::FileLock`](crate::sync::FileLock) | the blocking twin: waits in the kernel (polls only under a wait limit) |
//! | `.wait_at_most(limit)` | a bounded wait; the timeout error names the holder |
//! | errors | [`FileLockError`](crate::FileLockError): the path, the level and the holder (`held by pid 4242 (secret_store, exclusive, started 3m 2s ago)`), or the hold of this process in the way (`as StoreLevel (lock level 10), taken at src/store.rs:41:9`), the OS error as `source()` |
//!
//! * **It never touches the file.** The file is opened for reading (created
//!   empty if missing) and never written, truncated or removed: locking a data
//!   file itself, or a symlink to one, leaves its content, size and mtime as they
//!   were. Who holds it is asked of the kernel, not recorded: on Linux
//!   `/proc/locks` and `/proc/<pid>` give the holder's pid, program and start
//!   time; elsewhere errors say "held by another process". (On Windows the lock
//!   is mandatory: while it is held no other handle can read or write the file,
//!   so lock a separate file there.)
//! * **Regular files only.** A directory, FIFO, socket or device at the path is
//!   refused ([`FileLockErrorKind::NotARegularFile`](crate::FileLockErrorKind::NotARegularFile),
//!   naming what it is), by `open` and by every acquisition, before it is opened
//!   (and opened without blocking should it appear at that instant), so nothing
//!   ever blocks on a FIFO.
//! * **A process never waits for itself.** The kernel lock belongs to a handle,
//!   so one process holding a file through one `FileLock` would wait forever for
//!   it through another (the same path at two levels, a symlink, a hard link).
//!   Holds are kept per process by device and inode: an acquisition that would
//!   wait for one fails at once with `HeldByThisProcess`, naming the level and the
//!   call site of the hold (shared holds coexist). The rule is per process, not
//!   per task: tasks of one process that share a lock file take turns on a
//!   `Mutex` one level below it (see the [secret store](super::cookbook::secret_store)).
//!
//! What the types cannot see here: a `FileLockGuard` moved to another task or
//! thread carries the kernel lock with it (the per-process rule above does not
//! care which task holds it); a guard passed to `mem::forget` keeps the file
//! locked until the process exits, and later acquisitions in the process report
//! that forgotten hold by its call site instead of waiting for it; so does a
//! task that the holder awaits and that needs the same file (a deadlock with
//! in-process locks). A child process shares every handle from `fork` to `exec`
//! (std opens them close-on-exec), so a release can lag a concurrent spawn that
//! long; `/proc/locks` names the process that took the lock, never a forked
//! child still sharing it.
//!
//! ## `Gate`: teardown while others still use it
//!
//! [`Gate`](crate::Gate) guards a resource that one caller tears down while
//! others may still use it (an FFI handle): operations take a
//! [`GatePass`](crate::GatePass) with `try_enter()`; `close(deadline).await` (or
//! `close_blocking`) stops new passes, sleeps until the passes in flight have
//! dropped, and returns [`Drained`](crate::CloseOutcome::Drained) to exactly one
//! caller (`AlreadyClosing` to the others, `TimedOut` if a pass outlives the
//! deadline). No sleep loop: the last pass out wakes the closer.
//!
//! ```
//! use std::time::{Duration, Instant};
//!
//! use lockladder::{CloseOutcome, Gate};
//!
//! # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
//! let gate = Gate::new();
//! let pass = gate.try_enter().expect("open");
//! let closing = gate.close(Instant::now() + Duration::from_secs(5));
//! let released = async move {
//!     drop(pass); // the operation in flight finishes
//! };
//! let (outcome, ()) = tokio::join!(closing, released);
//! assert_eq!(outcome, CloseOutcome::Drained); // this caller frees the resource
//! assert!(gate.try_enter().is_none()); // later operations are refused
//! assert_eq!(gate.close_blocking(Instant::now()), CloseOutcome::AlreadyClosing);
//! # });
//! ```
//!
//! `cargo run --example secret_store` (four processes rotating one secret on
//! disk) and `cargo run --example handle_gate` (calls racing a free) show both
//! ([cookbook](super::cookbook)).
//!
//! ## Reliability
//!
//! The Gate's handshake is model-checked with loom (every interleaving of two
//! or three threads), beside the models of the locks (see [reliability](super::getting_started#reliability)):
//! `RUSTFLAGS="--cfg lockladder_loom" CARGO_TARGET_DIR=target/loom cargo test -p lockladder-runtime --test gate_loom --release`.
//! `tests/file_lock_processes.rs` runs contending OS processes against one lock
//! file and kills holders.
//!
//! [Contents](super) · Previous: [Several locks at once](super::several_locks) ·
//! Next: [PostgreSQL advisory locks](super::postgres)
