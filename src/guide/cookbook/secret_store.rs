//! # Processes rotating a secret on disk: `FileLock`
//!
//! [Cookbook](super) · [Guide contents](crate::guide)
//!
//! Not run as a doc test: it starts copies of itself as child processes. `cargo run --example secret_store` runs it.
//!
//! ```no_run
#![doc = include_str!("../../../examples/secret_store.rs")]
//! ```
