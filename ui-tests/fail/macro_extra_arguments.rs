use lockladder::lock_level;

#[lock_level(10, 20)]
struct CoinManager;

#[lock_level(10, name = "coins")]
struct Registry;

#[lock_level(10, crate = lockladder, crate = lockladder)]
struct Journal;

#[lock_level(crate = lockladder)]
struct Cache;

fn main() {}
