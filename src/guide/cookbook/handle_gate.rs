//! # A native handle freed while calls race it: `Gate`
//!
//! [Cookbook](super) · [Guide contents](crate::guide)
//!
//! `cargo run --example handle_gate`; the same program runs here as a doc test.
//!
//! ```
#![doc = include_str!("../../../examples/handle_gate.rs")]
//! ```
