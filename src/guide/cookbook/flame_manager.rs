//! # The flame manager: one `lock_all` instead of a gap and an inversion
//!
//! [Cookbook](super) · [Guide contents](crate::guide)
//!
//! `cargo run --example flame_manager`; the same program runs here as a doc test.
//!
//! ```
#![doc = include_str!("../../../examples/flame_manager.rs")]
//! ```
