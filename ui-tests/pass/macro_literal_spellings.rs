// Every spelling of an integer literal: hexadecimal, octal, binary, digit
// separators, and an integer suffix whose type holds the value (`10u16` is the
// constant `10u16`, as valid as any integer expression).
use lockladder::{lock_level, Level};

#[lock_level(0x14)]
struct Hex;
#[lock_level(0o17)]
struct Octal;
#[lock_level(0b101)]
struct Binary;
#[lock_level(1_000)]
struct Separated;
#[lock_level(10u16)]
struct SuffixU16;
#[lock_level(255u8)]
struct SuffixU8;
#[lock_level(65535i32)]
struct SuffixI32;
#[lock_level(7usize)]
struct SuffixUsize;

fn main() {
    const _: () = assert!(<Hex as Level>::LEVEL == 20);
    const _: () = assert!(<Octal as Level>::LEVEL == 15);
    const _: () = assert!(<Binary as Level>::LEVEL == 5);
    const _: () = assert!(<Separated as Level>::LEVEL == 1000);
    const _: () = assert!(<SuffixU16 as Level>::LEVEL == 10);
    const _: () = assert!(<SuffixU8 as Level>::LEVEL == 255);
    const _: () = assert!(<SuffixI32 as Level>::LEVEL == 65535);
    const _: () = assert!(<SuffixUsize as Level>::LEVEL == 7);
    let _ = (Hex, Octal, Binary, Separated, SuffixU16, SuffixU8, SuffixI32, SuffixUsize);
}
