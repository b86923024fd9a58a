use lockladder::lock_level;

struct CoinManager;

#[lock_level(10)]
impl CoinManager {}

fn main() {}
