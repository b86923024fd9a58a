//! # Drawing the declared hierarchy
//!
//! [Cookbook](super) · [Guide contents](crate::guide)
//!
//! Needs the `hierarchy` feature: `cargo run --example hierarchy --features hierarchy`.
//!
#![cfg_attr(feature = "hierarchy", doc = "```")]
#![cfg_attr(not(feature = "hierarchy"), doc = "```ignore")]
#![doc = include_str!("../../../examples/hierarchy.rs")]
//! ```
