// A syntax error in the annotated item is reported once, by rustc.
use lockladder::lock_level;

#[lock_level(20)]
struct CoinManager {
    balance: u64
    pending: u64,
}

fn main() {}
