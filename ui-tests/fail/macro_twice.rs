use lockladder::lock_level;

#[lock_level(10)]
#[lock_level(20)]
struct CoinManager;

fn main() {}
