use lockladder::lock_level;

#[lock_level(0)]
struct CoinManager;

fn main() {}
