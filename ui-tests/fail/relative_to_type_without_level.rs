// A level relative to a type that has none is "has no lock level".
use lockladder::lock_level;

struct Plain;

#[lock_level(above(Plain))]
struct Cache;

#[lock_level(below(String, 2))]
struct Config;

#[lock_level(above(Plain, 3))]
struct Shard<K> {
    entries: Vec<K>,
}

fn main() {}
