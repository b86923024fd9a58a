// A level is an integer: literals of other kinds are rejected at the literal.
use lockladder::lock_level;

#[lock_level("high")]
struct CoinManager;

#[lock_level(2.5)]
struct Cache;

#[lock_level(true)]
struct Flag;

#[lock_level('a')]
struct Letter;

fn main() {}
