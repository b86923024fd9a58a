//! # Cookbook
//!
//! [Guide contents](crate::guide)
//!
//! The runnable programs of the repository's `examples/` directory, one page
//! each, included from the files themselves so the page and the program cannot
//! drift apart. Each is a doc test: run where it is self-contained, only
//! compiled where it starts processes, and run in the test runs with its
//! features on where it needs `lockdep` or `hierarchy`.
//!
//! * [Quickstart: the CoinManager / Registry incident, done right](quickstart)
//! * [The flame manager: one `lock_all` instead of a gap and an inversion](flame_manager)
//! * [A bank: transfers between peers with `lock_many`](bank)
//! * [A bounded work queue on `sync::Mutex` and `sync::Condvar`](work_queue)
//! * [A native handle freed while calls race it: `Gate`](handle_gate)
//! * [Processes rotating a secret on disk: `FileLock`](secret_store)
//! * [Drawing the declared hierarchy](hierarchy)
//! * [Drawing what lockdep saw over the declared hierarchy](observed_hierarchy)
//! * `examples/postgres_jobs.rs`: replicas of a job runner sharing a job table
//!   through a PostgreSQL advisory lock, with an in-process lock beside it
//!   (`cargo run --example postgres_jobs --features postgres`; see the
//!   [PostgreSQL](super::postgres) page).

pub mod bank;
pub mod flame_manager;
pub mod handle_gate;
pub mod hierarchy;
pub mod observed_hierarchy;
pub mod quickstart;
pub mod secret_store;
pub mod work_queue;
