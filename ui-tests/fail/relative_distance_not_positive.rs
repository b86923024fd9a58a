// `above(T, 0)` is `T`'s own level: a distance is at least 1, whether a literal
// (an error from the attribute) or a constant (an error when it is evaluated).
use lockladder::lock_level;

#[lock_level(10)]
struct Pool;

const NONE: u8 = 0;

#[lock_level(above(Pool, 0))]
struct Same;

#[lock_level(below(Pool, NONE))]
struct AlsoSame;

fn main() {}
