// Documented public types keep `#![deny(missing_docs)]` happy, with the level
// line appended to their docs; the attribute adds no item that needs docs.
#![deny(missing_docs)]
//! A crate with every public item documented.

use lockladder::lock_level;

/// Pending payouts.
#[lock_level(20)]
pub struct CoinManager;

/// Computed levels add nothing public either.
#[lock_level(above(CoinManager))]
pub struct Registry;

/// A public generic type at a relative level.
#[lock_level(above(Registry, 5))]
pub struct Shard<K> {
    /// Its entries.
    pub entries: Vec<K>,
}

/// A marker.
#[lock_level(30)]
pub enum CacheLevel {}

fn main() {
    let _ = (CoinManager, Registry, Shard::<u8> { entries: Vec::new() });
}
