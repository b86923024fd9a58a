// A suffix must not change the level silently: a float suffix, a value its
// integer type cannot hold, or an unknown suffix is an error at the literal.
use lockladder::lock_level;

#[lock_level(10f32)]
struct Registry;

#[lock_level(300u8)]
struct Accounts;

#[lock_level(40000i16)]
struct Journal;

#[lock_level(10ms)]
struct Timeout;

fn main() {}
