// A relative level that leaves `1..=65535` fails at the attribute.
use lockladder::lock_level;

#[lock_level(65535)]
struct Top;

#[lock_level(1)]
struct Bottom;

#[lock_level(above(Top))]
struct AboveTop;

#[lock_level(below(Bottom))]
struct BelowBottom;

fn main() {}
