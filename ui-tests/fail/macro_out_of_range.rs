use lockladder::lock_level;

#[lock_level(65536)]
struct CoinManager;

#[lock_level(99999999999999999999999)]
struct Registry;

fn main() {}
