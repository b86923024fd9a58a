// A level defined from the type's own level is a cycle: reported in our words,
// at the name, for each spelling (rustc alone would report an overflow in a
// hidden trait).
use lockladder::lock_level;

#[lock_level(10)]
struct Pool;

#[lock_level(above(Journal))]
struct Journal;

#[lock_level(between(Pool, Self))]
struct Cache;

#[lock_level(<Index as lockladder::Level>::LEVEL + 1)]
enum Index {}

fn main() {}
