// A level cannot depend on the item's generic parameters: one type, one level,
// whatever its parameters (rustc alone would say "cannot find type `T` in
// this scope", about a parameter declared on that very item).
use lockladder::{lock_level, Level};

#[lock_level(10)]
struct Pool;

#[lock_level(above(T))]
struct Wrapper<T>(T);

#[lock_level(N + 1)]
struct Shard<const N: u32>;

#[lock_level(<T as Level>::LEVEL + 5)]
struct Cached<'a, T: Level>(&'a T);

#[lock_level(above(Pool, N))]
struct Tier<const N: u16>;

fn main() {}
