use lockladder::lock_level;

#[lock_level(10, 20)]
struct CoinManager;

#[lock_level(10, name = "coins")]
struct Registry;

fn main() {}
