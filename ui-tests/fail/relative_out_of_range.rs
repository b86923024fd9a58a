// A relative level that leaves `1..=65535` fails at the attribute: computed
// on the ranks (a literal distance) or as a constant (any other distance).
use lockladder::lock_level;

#[lock_level(65535)]
struct Top;

#[lock_level(1)]
struct Bottom;

#[lock_level(above(Top))]
struct AboveTop;

#[lock_level(below(Bottom))]
struct BelowBottom;

#[lock_level(below(Bottom, 5))]
struct FarBelowBottom;

const FAR: u32 = 70_000;

#[lock_level(above(Bottom, FAR))]
struct FarAboveBottom;

#[lock_level(above(Top, 2))]
struct GenericAboveTop<T> {
    value: T,
}

fn main() {}
