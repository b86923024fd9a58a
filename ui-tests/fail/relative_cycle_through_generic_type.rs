// A cycle through a generic type (whose level sits on a hidden marker) is
// reported in the same words: at each attribute, an overflow of
// `LevelNotDefinedInACycle` naming the next type of the loop.
use lockladder::lock_level;

#[lock_level(above(Journal, 2))]
struct Cache<K> {
    entries: Vec<K>,
}

#[lock_level(below(Cache<u64>))]
struct Journal;

fn main() {}
