//! # A bounded work queue on `sync::Mutex` and `sync::Condvar`
//!
//! [Cookbook](super) · [Guide contents](crate::guide)
//!
//! `cargo run --example work_queue`; the same program runs here as a doc test.
//!
//! ```
#![doc = include_str!("../../../examples/work_queue.rs")]
//! ```
