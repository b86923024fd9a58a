use lockladder::lock_level;

#[lock_level]
struct CoinManager;

fn main() {}
