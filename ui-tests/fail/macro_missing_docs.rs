// The attribute adds no docs to an undocumented type: `missing_docs` still fires.
#![deny(missing_docs)]
//! A crate that requires docs.

use lockladder::lock_level;

#[lock_level(20)]
pub struct CoinManager;

#[lock_level(above(CoinManager))]
pub enum CacheLevel {}

fn main() {}
