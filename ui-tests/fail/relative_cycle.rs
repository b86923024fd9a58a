// Two levels each declared above the other have no level at all: rejected.
use lockladder::lock_level;

#[lock_level(above(Journal))]
struct Cache;

#[lock_level(above(Cache))]
struct Journal;

fn main() {}
