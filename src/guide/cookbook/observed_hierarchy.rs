//! # Drawing what lockdep saw over the declared hierarchy
//!
//! [Cookbook](super) · [Guide contents](crate::guide)
//!
//! Needs the `lockdep` and `hierarchy` features: `cargo run --example observed_hierarchy --features lockdep,hierarchy`.
//!
#![cfg_attr(all(feature = "lockdep", feature = "hierarchy"), doc = "```")]
#![cfg_attr(not(all(feature = "lockdep", feature = "hierarchy")), doc = "```ignore")]
#![doc = include_str!("../../../examples/observed_hierarchy.rs")]
//! ```
