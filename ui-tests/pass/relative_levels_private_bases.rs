// A type placed relative to a less visible type compiles whenever the type is
// no more visible than its base: private or `pub(crate)` types, generic or not,
// above or below private ones. (A `pub` type relative to a private type with a
// literal distance is E0446: its rank names the private type.)
use lockladder::{lock_level, Level};

#[lock_level(10)]
struct Pool;

#[lock_level(above(Pool, 2))]
struct Cache;

#[lock_level(below(Pool))]
struct Shard<K>(K);

mod storage {
    use lockladder::lock_level;

    #[lock_level(20)]
    pub(crate) struct Log;

    #[lock_level(above(Log))]
    pub(crate) struct Index<T>(pub T);

    #[lock_level(above(super::Pool))]
    pub(super) struct Snapshot<T>(pub T);
}

fn main() {
    assert_eq!(<Cache as Level>::LEVEL, 12);
    assert_eq!(<Shard<u8> as Level>::LEVEL, 9);
    assert_eq!(<storage::Index<u8> as Level>::LEVEL, 21);
    assert_eq!(<storage::Snapshot<u8> as Level>::LEVEL, 11);
    let _ = (Pool, Cache, Shard(0u8), storage::Log, storage::Index(0u8), storage::Snapshot(0u8));
}
