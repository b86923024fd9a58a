use lockladder::lock_level;

#[lock_level("high")]
struct CoinManager;

#[lock_level(LEVEL)]
struct Registry;

#[lock_level(2.5)]
struct Cache;

fn main() {}
