//! Type-level level numbers and their comparison.
//!
//! A level `N` in `1..=65535` is written as four hexadecimal digit *types*,
//! `Rank<X0, X0, X1, X4>` for 20. "Is `A` below `B`" is then a chain of concrete
//! trait impls: one [`DigitCmp`] lookup per digit (256 impls, indexed by the digit
//! type, so each lookup is direct) and a lexicographic fold. Resolution depth is
//! constant, and nothing needs to know every level in the program, which a single
//! declaration per type requires.
//!
//! Only generated code names these types; they are public so that
//! `#[lock_level]` expansions in other crates can reach them. Every trait here
//! is sealed: only this crate's digit types are digits, only `Rank`s of them
//! are ranks, and only this crate's impls compare them, so no type of a user's
//! own can make a level compare below or equal to itself.

use core::marker::PhantomData;

/// Keeps every trait of this module implemented by this crate alone.
mod sealed {
    pub trait Sealed {}
    /// The primitive integer types.
    pub trait Integer: Copy {}
}
use sealed::Sealed;

/// One hexadecimal digit of a rank; implemented by `X0`..=`XF` only.
pub trait Digit: Sealed {
    /// The digit's value, `0..=15`.
    const VALUE: u32;
}

/// The digit type whose value is `N` (`0..=15`): `<Hex<5> as ToDigit>::Digit`
/// is [`X5`]. It turns a level computed by a constant expression into its rank.
pub struct Hex<const N: u32>;

/// Maps [`Hex<N>`] to the digit type of value `N`.
pub trait ToDigit: Sealed {
    /// The digit type.
    type Digit: Digit;
}

macro_rules! digits {
    ($($digit:ident = $value:literal),*) => {
        $(
            #[doc = concat!("The hexadecimal digit `", stringify!($digit), "` of a level rank.")]
            pub enum $digit {}
            impl Sealed for $digit {}
            impl Digit for $digit {
                const VALUE: u32 = $value;
            }
            impl Sealed for Hex<$value> {}
            impl ToDigit for Hex<$value> {
                type Digit = $digit;
            }
        )*
    };
}
digits!(
    X0 = 0,
    X1 = 1,
    X2 = 2,
    X3 = 3,
    X4 = 4,
    X5 = 5,
    X6 = 6,
    X7 = 7,
    X8 = 8,
    X9 = 9,
    XA = 10,
    XB = 11,
    XC = 12,
    XD = 13,
    XE = 14,
    XF = 15
);

/// Four hexadecimal digits, most significant first.
pub struct Rank<D3, D2, D1, D0>(PhantomData<(D3, D2, D1, D0)>);

impl<D3, D2, D1, D0> Sealed for Rank<D3, D2, D1, D0> {}

/// A rank made of this crate's digits; its value is the level number.
pub trait IsRank: Sealed {
    /// The level number the digits spell.
    const VALUE: u32;
}

impl<D3: Digit, D2: Digit, D1: Digit, D0: Digit> IsRank for Rank<D3, D2, D1, D0> {
    const VALUE: u32 = D3::VALUE << 12 | D2::VALUE << 8 | D1::VALUE << 4 | D0::VALUE;
}

/// The rank of [`Unlocked`](crate::Unlocked): below every level.
pub type Zero = Rank<X0, X0, X0, X0>;

/// The rank of the level `N`, for a level computed by a constant expression:
/// `RankOf<N>` cannot be written on stable Rust, so `#[lock_level]` spells it
/// out digit by digit with `Hex<{ (N >> 12) & 0xF }>` and so on.
pub type Digits<H3, H2, H1, H0> = Rank<
    <H3 as ToDigit>::Digit,
    <H2 as ToDigit>::Digit,
    <H1 as ToDigit>::Digit,
    <H0 as ToDigit>::Digit,
>;

/// The types a constant level expression may have: the primitive integers.
///
/// `#[lock_level(EXPR)]` passes `EXPR` through [`integer`], so that a float, a
/// bool or a string is rejected in these words, at the expression.
#[diagnostic::on_unimplemented(
    message = "a lock level is an integer, not `{Self}`",
    label = "not an integer",
    note = "`#[lock_level(..)]` takes an integer constant expression in `1..=65535`, as in `#[lock_level(20)]`, `#[lock_level(BASE + 10)]` or `#[lock_level(above(db::Pool))]`"
)]
pub trait LevelInteger: Copy {}

// `do_not_recommend`: the error names `LevelInteger` with the message above, not
// the private trait behind it, and lists no "other types that implement" it.
#[diagnostic::do_not_recommend]
impl<T: sealed::Integer> LevelInteger for T {}

macro_rules! integers {
    ($($int:ty),*) => {
        $(impl sealed::Integer for $int {})*
    };
}
integers!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize);

/// The value of a level expression, unchanged, once its type is known to be an
/// integer: `integer(EXPR) as i128` is then exact for every value in range.
pub const fn integer<T: LevelInteger>(value: T) -> T {
    value
}

/// The level of the type that `above(T)`, `below(T)` and `between(A, B)` name.
///
/// Only a number goes through it, never a rank: the level computed from it is
/// turned into digits by [`Hex`], so nothing read here can make a type's rank
/// and its `LEVEL` disagree.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no lock level",
    label = "a level relative to `{Self}` needs `{Self}` to have one",
    note = "add `#[lock_level(N)]` to the declaration of `{Self}`"
)]
pub trait RelativeBase {
    /// `<Self as Level>::LEVEL`.
    const BASE_LEVEL: u32;
}

// `do_not_recommend`: a type without a level is reported with the message above,
// not as lacking the hidden trait that `Level` follows from.
#[diagnostic::do_not_recommend]
impl<T: crate::Level + ?Sized> RelativeBase for T {
    const BASE_LEVEL: u32 = <T as crate::Level>::LEVEL;
}

/// Result of a comparison: the left side is below the right side.
pub enum Below {}
/// Result of a comparison: both sides are equal.
pub enum Same {}
/// Result of a comparison: the left side is above the right side.
pub enum Above {}
impl Sealed for Below {}
impl Sealed for Same {}
impl Sealed for Above {}

/// Compares one digit with another.
pub trait DigitCmp<Rhs>: Sealed {
    /// [`Below`], [`Same`] or [`Above`].
    type Ordering;
}

// Generates the 16 x 16 impls of `DigitCmp` from the digits in ascending order.
macro_rules! digit_cmp {
    (@row $lhs:ident; [$($below:ident)*] $same:ident [$($above:ident)*]) => {
        // `$lhs` is above every digit listed before it and below every digit after.
        $(impl DigitCmp<$below> for $lhs { type Ordering = Above; })*
        impl DigitCmp<$same> for $lhs { type Ordering = Same; }
        $(impl DigitCmp<$above> for $lhs { type Ordering = Below; })*
    };
    (@walk [$($done:ident)*] $current:ident $($rest:ident)*) => {
        digit_cmp!(@row $current; [$($done)*] $current [$($rest)*]);
        digit_cmp!(@walk [$($done)* $current] $($rest)*);
    };
    (@walk [$($done:ident)*]) => {};
}
digit_cmp!(@walk [] X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF);

/// Lexicographic fold: an unequal higher digit decides; `Same` defers to `Next`.
pub trait Then<Next>: Sealed {
    /// The ordering of the whole rank so far.
    type Ordering;
}
impl<Next> Then<Next> for Below {
    type Ordering = Below;
}
impl<Next> Then<Next> for Above {
    type Ordering = Above;
}
impl<Next> Then<Next> for Same {
    type Ordering = Next;
}

/// Compares two ranks.
pub trait RankCmp<Rhs>: Sealed {
    /// [`Below`], [`Same`] or [`Above`].
    type Ordering;
}

type Cmp<A, B> = <A as DigitCmp<B>>::Ordering;
type Fold<Hi, Lo> = <Hi as Then<Lo>>::Ordering;

impl<A3, A2, A1, A0, B3, B2, B1, B0> RankCmp<Rank<B3, B2, B1, B0>> for Rank<A3, A2, A1, A0>
where
    A3: DigitCmp<B3>,
    A2: DigitCmp<B2>,
    A1: DigitCmp<B1>,
    A0: DigitCmp<B0>,
    Cmp<A1, B1>: Then<Cmp<A0, B0>>,
    Cmp<A2, B2>: Then<Fold<Cmp<A1, B1>, Cmp<A0, B0>>>,
    Cmp<A3, B3>: Then<Fold<Cmp<A2, B2>, Fold<Cmp<A1, B1>, Cmp<A0, B0>>>>,
{
    type Ordering = Fold<Cmp<A3, B3>, Fold<Cmp<A2, B2>, Fold<Cmp<A1, B1>, Cmp<A0, B0>>>>;
}

/// Implemented by [`Below`] alone: the bound that says "strictly lower".
pub trait IsBelow: Sealed {}
impl IsBelow for Below {}

/// Picks one of two types by a comparison result: `Left` unless the left side
/// is [`Below`]. `<<A as RankCmp<B>>::Ordering as Select<A, B>>::Output` is the
/// higher of two levels (the left one when they are equal).
pub trait Select<Left, Right>: Sealed {
    /// `Left` or `Right`.
    type Output;
}
impl<Left, Right> Select<Left, Right> for Below {
    type Output = Right;
}
impl<Left, Right> Select<Left, Right> for Same {
    type Output = Left;
}
impl<Left, Right> Select<Left, Right> for Above {
    type Output = Left;
}
