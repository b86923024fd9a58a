// `LockBefore` cannot be granted by hand: it has one impl, which compares the
// ranks, and a hand-written one conflicts with it (here: an inversion, and a
// level "below" itself).
use lockladder::{lock_level, LockBefore};

#[lock_level(10)]
struct Registry;
#[lock_level(20)]
struct CoinManager;

impl LockBefore<Registry> for CoinManager {}
impl LockBefore<CoinManager> for CoinManager {}

fn main() {}
