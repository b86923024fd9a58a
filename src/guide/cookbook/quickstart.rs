//! # Quickstart: the CoinManager / Registry incident, done right
//!
//! [Cookbook](super) · [Guide contents](crate::guide)
//!
//! `cargo run --example quickstart`; the same program runs here as a doc test.
//!
//! ```
#![doc = include_str!("../../../examples/quickstart.rs")]
//! ```
