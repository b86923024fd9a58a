// An acyclic chain of 30 relative levels, each above the one before (the
// bound that makes a cycle an error in our words is proved down the whole
// chain), compiles and has the levels it says, also for a generic type at
// its end; with the `hierarchy` feature too (the suite runs with it in CI).
use lockladder::{lock_level, Level};

#[lock_level(10)]
struct L0;
#[lock_level(above(L0))]
struct L1;
#[lock_level(above(L1))]
struct L2;
#[lock_level(above(L2))]
struct L3;
#[lock_level(above(L3))]
struct L4;
#[lock_level(above(L4))]
struct L5;
#[lock_level(above(L5))]
struct L6;
#[lock_level(above(L6))]
struct L7;
#[lock_level(above(L7))]
struct L8;
#[lock_level(above(L8))]
struct L9;
#[lock_level(above(L9, 10))]
struct L10;
#[lock_level(above(L10))]
struct L11;
#[lock_level(above(L11))]
struct L12;
#[lock_level(above(L12))]
struct L13;
#[lock_level(above(L13))]
struct L14;
#[lock_level(below(L14, 2))]
struct L15;
#[lock_level(above(L15, 3))]
struct L16;
#[lock_level(above(L16))]
struct L17;
#[lock_level(above(L17))]
struct L18;
#[lock_level(above(L18))]
struct L19;
#[lock_level(above(L19))]
struct L20;
#[lock_level(above(L20))]
struct L21;
#[lock_level(above(L21))]
struct L22;
#[lock_level(above(L22))]
struct L23;
#[lock_level(above(L23))]
struct L24;
#[lock_level(above(L24))]
struct L25;
#[lock_level(above(L25))]
struct L26;
#[lock_level(above(L26))]
struct L27;
#[lock_level(above(L27))]
struct L28;
#[lock_level(above(L28))]
struct L29;
#[lock_level(above(L29))]
struct Shard<K>(Vec<K>);

fn main() {
    assert_eq!(<L9 as Level>::LEVEL, 19);
    assert_eq!(<L14 as Level>::LEVEL, 33);
    assert_eq!(<L15 as Level>::LEVEL, 31);
    assert_eq!(<L29 as Level>::LEVEL, 47);
    assert_eq!(<Shard<u8> as Level>::LEVEL, 48);
    assert!(Shard::<u8>(Vec::new()).0.is_empty());
    let _ = (L0, L1, L2, L3, L4, L5, L6, L7, L8, L9, L10, L11, L12, L13, L14);
    let _ = (L15, L16, L17, L18, L19, L20, L21, L22, L23, L24, L25, L26, L27, L28, L29);
}
