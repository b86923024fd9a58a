// A computed level outside `1..=65535` fails `cargo check` at the attribute,
// at both ends.
use lockladder::lock_level;

const BASE: u32 = 10;

#[lock_level(BASE - 10)]
struct Zero;

#[lock_level(BASE * 10_000)]
struct TooHigh;

#[lock_level(-(BASE as i64))]
struct Negative;

fn main() {}
