// The bound a relative level puts on its base (which makes a cycle of levels
// an error that says so) adds no warning, even with the lints that look at
// where clauses and lifetimes denied.
#![deny(warnings, unused_lifetimes, single_use_lifetimes, unused_qualifications)]
#![deny(private_bounds, private_interfaces)]

use lockladder::{lock_level, Level};

#[lock_level(10)]
pub struct Pool;

// A private base is named in the public type's where clause (only levels
// computed by a constant: a literal distance names it in the rank, which
// rustc rejects as E0446 for a public type).
#[lock_level(3)]
struct Secret;

const TWO: u32 = 2;

#[lock_level(above(Secret, TWO))]
pub struct AboveSecret;

#[lock_level(above(Pool))]
pub struct Cache;

#[lock_level(below(Pool, 2))]
pub struct Config;

#[lock_level(between(Config, Cache))]
pub enum Middle {}

#[lock_level(above(Cache, 5))]
pub struct Shard<'a, K: Eq>
where
    K: Clone,
{
    pub entries: &'a [K],
}

fn main() {
    assert_eq!(<Cache as Level>::LEVEL, 11);
    assert_eq!(<Config as Level>::LEVEL, 8);
    assert_eq!(<Middle as Level>::LEVEL, 9);
    assert_eq!(<Shard<'static, u8> as Level>::LEVEL, 16);
    assert_eq!(<AboveSecret as Level>::LEVEL, 5);
    let _ = (Pool, Cache, Config, Secret, AboveSecret);
}
