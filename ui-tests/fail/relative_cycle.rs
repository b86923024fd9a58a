// Two levels each declared above the other have no level at all: rejected.
// Each attribute sees only its own type, so the cycle is found by rustc: the
// attribute requires its base's level to be `LevelNotDefinedInACycle`, and
// proving that runs around the loop, which rustc reports as an overflow
// (E0275) at each attribute, naming the next type of the cycle and the type
// that required it. A level defined from its own type is reported in our
// words, see `level_defined_from_itself.rs`.
use lockladder::lock_level;

#[lock_level(above(Journal))]
struct Cache;

#[lock_level(above(Cache))]
struct Journal;

fn main() {}
