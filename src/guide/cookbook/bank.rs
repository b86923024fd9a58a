//! # A bank: transfers between peers with `lock_many`
//!
//! [Cookbook](super) · [Guide contents](crate::guide)
//!
//! `cargo run --example bank`; the same program runs here as a doc test.
//!
//! ```
#![doc = include_str!("../../../examples/bank.rs")]
//! ```
