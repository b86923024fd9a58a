// Two levels each declared above the other have no level at all: rejected.
// Each attribute sees only its own type, so the cycle is found by rustc while
// it computes the ranks: an overflow (E0275) at each attribute, naming both
// types. A level defined from its own type is reported in our words, see
// `level_defined_from_itself.rs`.
use lockladder::lock_level;

#[lock_level(above(Journal))]
struct Cache;

#[lock_level(above(Cache))]
struct Journal;

fn main() {}
