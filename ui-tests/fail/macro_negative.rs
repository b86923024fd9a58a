use lockladder::lock_level;

#[lock_level(-5)]
struct CoinManager;

fn main() {}
