//! Type-level level numbers and their comparison.
//!
//! A level `N` in `1..=65535` is written as four hexadecimal digit *types*,
//! `Rank<X0, X0, X1, X4>` for 20. "Is `A` below `B`" ([`RankBelow`]) is then a
//! chain of concrete trait impls: one [`DigitCmp`] lookup per digit (256 impls,
//! indexed by the digit type, so each lookup is direct) and one lexicographic
//! fold of the four results ([`LexBelow`]). Resolution depth is
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
    /// The entries of the byte table (apart from `Sealed`, whose list of
    /// implementors shows in errors, and reads better without 256 of them).
    pub trait Byte {}
}
use sealed::Sealed;

/// One hexadecimal digit of a rank; implemented by `X0`..=`XF` only.
pub trait Digit: Sealed {
    /// The digit's value, `0..=15`.
    const VALUE: u32;
}

/// The two digit types of a byte `N` (`0..=255`): `<Byte<0x14> as ToDigits>`
/// has `High` = [`X1`] and `Low` = [`X4`]. It turns a level computed by a
/// constant expression into its rank with two table lookups.
pub struct Byte<const N: u32>;

/// Maps [`Byte<N>`] to the digit types of its two hexadecimal digits.
pub trait ToDigits: sealed::Byte {
    /// The high digit, `N >> 4`.
    type High: Digit;
    /// The low digit, `N & 0xF`.
    type Low: Digit;
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

// The 256 entries of the `Byte` table: every high digit with every low digit.
macro_rules! byte_table {
    (@row $high:ident = $h:literal; [$($low:ident = $l:literal),*]) => {
        $(
            impl sealed::Byte for Byte<{ 16 * $h + $l }> {}
            impl ToDigits for Byte<{ 16 * $h + $l }> {
                type High = $high;
                type Low = $low;
            }
        )*
    };
    ([$($high:ident = $h:literal),*] $lows:tt) => {
        $(byte_table!(@row $high = $h; $lows);)*
    };
}
byte_table!(
    [X0 = 0, X1 = 1, X2 = 2, X3 = 3, X4 = 4, X5 = 5, X6 = 6, X7 = 7,
     X8 = 8, X9 = 9, XA = 10, XB = 11, XC = 12, XD = 13, XE = 14, XF = 15]
    [X0 = 0, X1 = 1, X2 = 2, X3 = 3, X4 = 4, X5 = 5, X6 = 6, X7 = 7,
     X8 = 8, X9 = 9, XA = 10, XB = 11, XC = 12, XD = 13, XE = 14, XF = 15]
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

/// A rank a level may have: one of this crate's digits in every place, and not
/// all of them [`X0`] (rank zero is [`Unlocked`](crate::Unlocked)'s).
///
/// The bound on every declared rank, so it is proved once per `#[lock_level]`:
/// one impl per position and value of the first non-zero digit, 60 in all,
/// selects in one step. The comparison `RankCmp<Zero, Ordering = Above>` says
/// the same and costs four digit lookups, three folds and a projection per
/// declaration (a quarter of the compile time a literal declaration adds).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is no level's rank",
    label = "levels are `1..=65535`, written as four digits `X0`..=`XF` of this crate",
    note = "rank zero, `Rank<X0, X0, X0, X0>`, is `Unlocked`'s: below every level, never a lock's"
)]
pub trait LevelRank: IsRank {}

// Generates the impls of `LevelRank`: for each position of the first non-zero
// digit, one impl per value `X1..=XF`, with the digits after it free (and
// bounded to be digits) and the ones before it `X0`. `do_not_recommend`: an
// error about a rank that is not one says so with the message above, without
// a list of 60 ranks that are.
macro_rules! level_rank {
    (@each $zeros:tt $free:tt) => {};
    (@each [$($zero:ident)*] [$($free:ident)*] $digit:ident $($rest:ident)*) => {
        #[diagnostic::do_not_recommend]
        impl<$($free: Digit),*> LevelRank for Rank<$($zero,)* $digit $(, $free)*> {}
        level_rank!(@each [$($zero)*] [$($free)*] $($rest)*);
    };
    ($($digit:ident)*) => {
        level_rank!(@each [] [D2 D1 D0] $($digit)*);
        level_rank!(@each [X0] [D1 D0] $($digit)*);
        level_rank!(@each [X0 X0] [D0] $($digit)*);
        level_rank!(@each [X0 X0 X0] [] $($digit)*);
    };
}
level_rank!(X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF);

/// The rank of the level `N`, for a level computed by a constant expression:
/// `RankOf<N>` cannot be written on stable Rust, so `#[lock_level]` spells it
/// as two bytes, `Bytes<Byte<{ N >> 8 }>, Byte<{ N & 0xFF }>>`.
pub type Bytes<High, Low> = Rank<
    <High as ToDigits>::High,
    <High as ToDigits>::Low,
    <Low as ToDigits>::High,
    <Low as ToDigits>::Low,
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
/// Its number feeds constant expressions, whose value is turned into digits by
/// [`Byte`]; its rank feeds [`Plus`] and [`Minus`]. Either way the new level's
/// rank is derived from the base's, so nothing read here can make a type's
/// rank and its `LEVEL` disagree.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no lock level",
    label = "a level relative to `{Self}` needs `{Self}` to have one",
    note = "add `#[lock_level(N)]` to the declaration of `{Self}`"
)]
pub trait RelativeBase {
    /// `<Self as Level>::LEVEL`.
    const BASE_LEVEL: u32;
    /// `<Self as Level>::Rank`.
    type BaseRank;
}

// `do_not_recommend`: a type without a level is reported with the message above,
// not as lacking the hidden trait that `Level` follows from.
#[diagnostic::do_not_recommend]
impl<T: crate::Level + ?Sized> RelativeBase for T {
    const BASE_LEVEL: u32 = <T as crate::Level>::LEVEL;
    type BaseRank = <T as crate::Level>::Rank;
}

// Relative levels with a literal distance, `above(T, 10)`, are computed on the
// ranks themselves: one digit-addition lookup per digit, no constant to
// evaluate (which costs several times more compile time per declaration).
// `below(T, N)` adds the complement `0x10000 - N` and reads the carry as "no
// borrow".

/// No carry into, or out of, a digit.
pub enum Carry0 {}
/// A carry of one.
pub enum Carry1 {}
impl Sealed for Carry0 {}
impl Sealed for Carry1 {}

/// One digit plus another plus a carry: the sum's digit and the carry out.
pub trait DigitAdd<Rhs, Carry>: Sealed {
    /// The sum modulo 16.
    type Sum;
    /// [`Carry1`] when the sum reaches 16.
    type CarryOut;
}

// Generates the 16 x 16 x 2 impls of `DigitAdd`. The sums of `a + b + carry`
// for `b` in `X0..=XF` are the digits rotated left by `a + carry`, the ones
// that wrapped around with a carry out: the walk rotates once per step and
// emits row `(a, 0)` and row `(a - 1, 1)`, which share a rotation.
macro_rules! digit_add {
    (@row $lhs:ident $carry:ident [$($rhs:ident)*] [$($sum:ident)*] [$($out:ident)*]) => {
        $(impl DigitAdd<$rhs, $carry> for $lhs { type Sum = $sum; type CarryOut = $out; })*
    };
    (@walk $digits:tt [$lhs:ident $($rest:ident)*] [$($previous:ident)?] $sums:tt $carries:tt) => {
        digit_add!(@row $lhs Carry0 $digits $sums $carries);
        $(digit_add!(@row $previous Carry1 $digits $sums $carries);)?
        digit_add!(@rotate $digits [$($rest)*] [$lhs] $sums $carries);
    };
    (@walk $digits:tt [] [$previous:ident] $sums:tt $carries:tt) => {
        digit_add!(@row $previous Carry1 $digits $sums $carries);
    };
    (@rotate $digits:tt $lhs:tt $previous:tt [$first:ident $($sum:ident)*] [$dropped:ident $($carry:ident)*]) => {
        digit_add!(@walk $digits $lhs $previous [$($sum)* $first] [$($carry)* Carry1]);
    };
    ($($digit:ident)*) => {
        digit_add!(@walk [$($digit)*] [$($digit)*] [] [$($digit)*]
            [Carry0 Carry0 Carry0 Carry0 Carry0 Carry0 Carry0 Carry0
             Carry0 Carry0 Carry0 Carry0 Carry0 Carry0 Carry0 Carry0]);
    };
}
digit_add!(X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF);

/// Adds two ranks digit by digit, least significant first.
pub trait RankAdd<Rhs>: Sealed {
    /// The sum modulo `0x10000`.
    type Sum;
    /// [`Carry1`] when the sum reaches `0x10000`.
    type CarryOut;
}

type SumOf<A, B, C> = <A as DigitAdd<B, C>>::Sum;
type CarryOf<A, B, C> = <A as DigitAdd<B, C>>::CarryOut;
type Carry1Of<A0, B0> = CarryOf<A0, B0, Carry0>;
type Carry2Of<A1, A0, B1, B0> = CarryOf<A1, B1, Carry1Of<A0, B0>>;
type Carry3Of<A2, A1, A0, B2, B1, B0> = CarryOf<A2, B2, Carry2Of<A1, A0, B1, B0>>;

impl<A3, A2, A1, A0, B3, B2, B1, B0> RankAdd<Rank<B3, B2, B1, B0>> for Rank<A3, A2, A1, A0>
where
    A0: DigitAdd<B0, Carry0>,
    A1: DigitAdd<B1, Carry1Of<A0, B0>>,
    A2: DigitAdd<B2, Carry2Of<A1, A0, B1, B0>>,
    A3: DigitAdd<B3, Carry3Of<A2, A1, A0, B2, B1, B0>>,
{
    type Sum = Rank<
        SumOf<A3, B3, Carry3Of<A2, A1, A0, B2, B1, B0>>,
        SumOf<A2, B2, Carry2Of<A1, A0, B1, B0>>,
        SumOf<A1, B1, Carry1Of<A0, B0>>,
        SumOf<A0, B0, Carry0>,
    >;
    type CarryOut = CarryOf<A3, B3, Carry3Of<A2, A1, A0, B2, B1, B0>>;
}

/// What `above(..)` gives past level 65535: not a rank, so not a level.
pub enum AboveHighestLevel {}
/// What `below(..)` gives at or under 0: not a rank, so not a level.
pub enum BelowLowestLevel {}

/// Reads the carry out of `above(T, N)`: none is the sum, one is past the top.
pub trait AboveCarry<Sum>: Sealed {
    /// The sum, or [`AboveHighestLevel`].
    type Output;
}
impl<Sum> AboveCarry<Sum> for Carry0 {
    type Output = Sum;
}
impl<Sum> AboveCarry<Sum> for Carry1 {
    type Output = AboveHighestLevel;
}

/// Reads the carry out of `below(T, N)` (computed as `T + (0x10000 - N)`): a
/// carry means no borrow; no carry means the result went under 0.
pub trait BelowCarry<Sum>: Sealed {
    /// The difference, or [`BelowLowestLevel`].
    type Output;
}
impl<Sum: RankCmp<Zero>> BelowCarry<Sum> for Carry1
where
    Sum::Ordering: NonZero<Sum>,
{
    type Output = <Sum::Ordering as NonZero<Sum>>::Output;
}
impl<Sum> BelowCarry<Sum> for Carry0 {
    type Output = BelowLowestLevel;
}

/// Level 0 is [`Unlocked`](crate::Unlocked)'s: a difference of zero is below
/// the lowest level too.
pub trait NonZero<Rank>: Sealed {
    /// The rank, or [`BelowLowestLevel`] for zero.
    type Output;
}
impl<R> NonZero<R> for Above {
    type Output = R;
}
impl<R> NonZero<R> for Same {
    type Output = BelowLowestLevel;
}

/// `Base` plus `Distance` (both ranks): the rank `above(T, N)` declares, or
/// [`AboveHighestLevel`].
pub type Plus<Base, Distance> =
    <<Base as RankAdd<Distance>>::CarryOut as AboveCarry<<Base as RankAdd<Distance>>::Sum>>::Output;

/// `Base` minus `N`, given `Complement` = the rank of `0x10000 - N`: the rank
/// `below(T, N)` declares, or [`BelowLowestLevel`].
pub type Minus<Base, Complement> = <<Base as RankAdd<Complement>>::CarryOut as BelowCarry<
    <Base as RankAdd<Complement>>::Sum,
>>::Output;

/// The rank `above(..)` computed, if it is not past the highest level. Not
/// implemented for [`AboveHighestLevel`]: that is how `above(..)` past 65535 is
/// reported, in these words, at the attribute.
#[diagnostic::on_unimplemented(
    message = "lock level out of range: this level would be above 65535, the highest level",
    label = "levels are `1..=65535`",
    note = "leave room above a level that others are placed `above`"
)]
pub trait NotAboveHighest: Sealed {
    /// The rank itself.
    type Rank;
}

/// The rank `below(..)` computed, if it is not under 1. Not implemented for
/// [`BelowLowestLevel`]: that is how `below(..)` at or under 0 is reported.
#[diagnostic::on_unimplemented(
    message = "lock level out of range: this level would be below 1, the lowest level",
    label = "levels are `1..=65535`",
    note = "0 is `Unlocked`, the root token's level; leave room below a level that others are placed `below`"
)]
pub trait NotBelowLowest: Sealed {
    /// The rank itself.
    type Rank;
}

impl Sealed for AboveHighestLevel {}
impl Sealed for BelowLowestLevel {}

// `do_not_recommend`: the errors for an out-of-range level are the messages
// above, without a list of the types that are in range. The rank still meets
// `DeclareLevel`'s bounds (a rank of this crate's digits, above zero), which
// rustc checks where it is declared.
#[diagnostic::do_not_recommend]
impl<D3, D2, D1, D0> NotAboveHighest for Rank<D3, D2, D1, D0> {
    type Rank = Self;
}
#[diagnostic::do_not_recommend]
impl<D3, D2, D1, D0> NotBelowLowest for Rank<D3, D2, D1, D0> {
    type Rank = Self;
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

type Cmp<A, B> = <A as DigitCmp<B>>::Ordering;

/// Compares two ranks (for the higher of two levels, [`Select`]).
pub trait RankCmp<Rhs>: Sealed {
    /// [`Below`], [`Same`] or [`Above`].
    type Ordering;
}

impl<A3, A2, A1, A0, B3, B2, B1, B0> RankCmp<Rank<B3, B2, B1, B0>> for Rank<A3, A2, A1, A0>
where
    A3: DigitCmp<B3>,
    A2: DigitCmp<B2>,
    A1: DigitCmp<B1>,
    A0: DigitCmp<B0>,
    Cmp<A3, B3>: Lex<Cmp<A2, B2>, Cmp<A1, B1>, Cmp<A0, B0>>,
{
    type Ordering = <Cmp<A3, B3> as Lex<Cmp<A2, B2>, Cmp<A1, B1>, Cmp<A0, B0>>>::Ordering;
}

// The folds below take the four digit orderings at once, highest as `Self`:
// one lookup among a handful of impls. A pairwise fold (`Then<Next>`, three
// nested projections) and an ordering tested afterwards (`IsBelow`) made the
// order check cost rustc about twice as many instructions (BENCHMARKS.md,
// issue 21).

/// Lexicographic fold of four digit orderings: the first unequal one decides.
pub trait Lex<O2, O1, O0>: Sealed {
    /// The ordering of the whole rank.
    type Ordering;
}
impl<O2, O1, O0> Lex<O2, O1, O0> for Below {
    type Ordering = Below;
}
impl<O2, O1, O0> Lex<O2, O1, O0> for Above {
    type Ordering = Above;
}
impl<O1, O0> Lex<Below, O1, O0> for Same {
    type Ordering = Below;
}
impl<O1, O0> Lex<Above, O1, O0> for Same {
    type Ordering = Above;
}
impl<O0> Lex<Same, Below, O0> for Same {
    type Ordering = Below;
}
impl<O0> Lex<Same, Above, O0> for Same {
    type Ordering = Above;
}
impl<O0> Lex<Same, Same, O0> for Same {
    type Ordering = O0;
}

/// `Self` is strictly below `Rhs`: the order check every acquisition proves
/// (`LockBefore`). The same fold as [`RankCmp`], but it ends in an impl that
/// exists or not ([`LexBelow`]) instead of an ordering type to compute and
/// then test.
///
/// Not below: an equal rank, and a rank above in any digit that decides,
/// even when a lower digit is below.
///
/// ```compile_fail,E0277
/// use lockladder::__private::rank::*;
/// fn below<A: RankBelow<B>, B>() {}
/// below::<Rank<X0, X1, X2, X3>, Rank<X0, X1, X2, X3>>();
/// ```
/// ```compile_fail,E0277
/// use lockladder::__private::rank::*;
/// fn below<A: RankBelow<B>, B>() {}
/// below::<Rank<X1, X0, X0, X0>, Rank<X0, XF, XF, XF>>();
/// ```
/// ```compile_fail,E0277
/// use lockladder::__private::rank::*;
/// fn below<A: RankBelow<B>, B>() {}
/// below::<Rank<X0, X2, X0, X0>, Rank<X0, X1, XF, XF>>();
/// ```
/// ```compile_fail,E0277
/// use lockladder::__private::rank::*;
/// fn below<A: RankBelow<B>, B>() {}
/// below::<Rank<X0, X0, X2, X0>, Rank<X0, X0, X1, XF>>();
/// ```
/// ```compile_fail,E0277
/// use lockladder::__private::rank::*;
/// fn below<A: RankBelow<B>, B>() {}
/// below::<Rank<X0, X0, X0, X2>, Rank<X0, X0, X0, X1>>();
/// ```
pub trait RankBelow<Rhs>: Sealed {}

impl<A3, A2, A1, A0, B3, B2, B1, B0> RankBelow<Rank<B3, B2, B1, B0>> for Rank<A3, A2, A1, A0>
where
    A3: DigitCmp<B3>,
    A2: DigitCmp<B2>,
    A1: DigitCmp<B1>,
    A0: DigitCmp<B0>,
    Cmp<A3, B3>: LexBelow<Cmp<A2, B2>, Cmp<A1, B1>, Cmp<A0, B0>>,
{
}

/// Four digit orderings, highest as `Self`, whose lexicographic fold is
/// [`Below`]: implemented for exactly those.
pub trait LexBelow<O2, O1, O0>: Sealed {}
impl<O2, O1, O0> LexBelow<O2, O1, O0> for Below {}
impl<O1, O0> LexBelow<Below, O1, O0> for Same {}
impl<O0> LexBelow<Same, Below, O0> for Same {}
impl LexBelow<Same, Same, Below> for Same {}

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

#[cfg(test)]
mod tests {
    use super::*;

    trait CarryValue {
        const VALUE: u32;
    }
    impl CarryValue for Carry0 {
        const VALUE: u32 = 0;
    }
    impl CarryValue for Carry1 {
        const VALUE: u32 = 1;
    }

    /// `lhs + rhs + carry` through the table, as `16 * carry_out + sum`.
    fn add<L, R, C>() -> u32
    where
        L: DigitAdd<R, C>,
        L::Sum: Digit,
        L::CarryOut: CarryValue,
    {
        16 * <L::CarryOut as CarryValue>::VALUE + <L::Sum as Digit>::VALUE
    }

    macro_rules! check_rows {
        ($($lhs:ident)*; $rhs:tt) => {
            $(check_rows!(@row $lhs $rhs);)*
        };
        (@row $lhs:ident [$($rhs:ident)*]) => {
            $(
                assert_eq!(add::<$lhs, $rhs, Carry0>(), $lhs::VALUE + $rhs::VALUE);
                assert_eq!(add::<$lhs, $rhs, Carry1>(), $lhs::VALUE + $rhs::VALUE + 1);
            )*
        };
    }

    #[test]
    fn every_digit_addition_is_right() {
        check_rows!(
            X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF;
            [X0 X1 X2 X3 X4 X5 X6 X7 X8 X9 XA XB XC XD XE XF]
        );
    }

    /// The rank of a number, as `#[lock_level]` spells a computed one.
    macro_rules! r {
        ($n:expr) => {
            Bytes<Byte<{ $n >> 8 }>, Byte<{ $n & 0xFF }>>
        };
    }
    fn above<T: NotAboveHighest<Rank: IsRank>>() -> u32 {
        <T::Rank as IsRank>::VALUE
    }
    fn below<T: NotBelowLowest<Rank: IsRank>>() -> u32 {
        <T::Rank as IsRank>::VALUE
    }

    #[test]
    fn plus_and_minus_carry_and_borrow_across_every_digit() {
        assert_eq!(above::<Plus<r!(10), r!(1)>>(), 11);
        assert_eq!(above::<Plus<r!(0x0FFF), r!(1)>>(), 0x1000);
        assert_eq!(above::<Plus<r!(0x1234), r!(0x0FCD)>>(), 0x2201);
        assert_eq!(above::<Plus<r!(0xFFFE), r!(1)>>(), 0xFFFF);
        assert_eq!(above::<Plus<r!(1), r!(0xFFFE)>>(), 0xFFFF);
        // `below(T, N)` adds `0x10000 - N`.
        assert_eq!(below::<Minus<r!(0x1000), r!(0x10000 - 1)>>(), 0x0FFF);
        assert_eq!(below::<Minus<r!(20), r!(0x10000 - 10)>>(), 10);
        assert_eq!(below::<Minus<r!(0xFFFF), r!(0x10000 - 0xFFFE)>>(), 1);
        assert_eq!(below::<Minus<r!(2), r!(0x10000 - 1)>>(), 1);
    }

    fn level_rank<R: LevelRank>() -> u32 {
        R::VALUE
    }

    #[test]
    fn a_first_non_zero_digit_in_every_place_makes_a_level_rank() {
        // Rank zero has no impl: `ui-tests/fail/rank_zero_is_no_level.rs`.
        for (value, expected) in [
            (level_rank::<r!(0x0001)>(), 0x0001),
            (level_rank::<r!(0x000F)>(), 0x000F),
            (level_rank::<r!(0x0010)>(), 0x0010),
            (level_rank::<r!(0x00FF)>(), 0x00FF),
            (level_rank::<r!(0x0100)>(), 0x0100),
            (level_rank::<r!(0x0A0F)>(), 0x0A0F),
            (level_rank::<r!(0x1000)>(), 0x1000),
            (level_rank::<r!(0xFFFF)>(), 0xFFFF),
        ] {
            assert_eq!(value, expected);
        }
    }

    fn rank_below<A: RankBelow<B>, B>() {}

    #[test]
    fn a_rank_is_below_one_that_is_higher_in_the_first_digit_that_differs() {
        // Each place decides, whatever the places after it hold; the cases
        // that are not below are `compile_fail` examples on `RankBelow`.
        rank_below::<r!(0x0FFF), r!(0x1000)>();
        rank_below::<r!(0x10FF), r!(0x1100)>();
        rank_below::<r!(0x110F), r!(0x1110)>();
        rank_below::<r!(0x1110), r!(0x1111)>();
        rank_below::<r!(0x0000), r!(0x0001)>();
        rank_below::<r!(0xFFFE), r!(0xFFFF)>();
    }

    trait OrderingValue {
        const VALUE: core::cmp::Ordering;
    }
    impl OrderingValue for Below {
        const VALUE: core::cmp::Ordering = core::cmp::Ordering::Less;
    }
    impl OrderingValue for Same {
        const VALUE: core::cmp::Ordering = core::cmp::Ordering::Equal;
    }
    impl OrderingValue for Above {
        const VALUE: core::cmp::Ordering = core::cmp::Ordering::Greater;
    }
    fn cmp<A: RankCmp<B, Ordering: OrderingValue>, B>() -> core::cmp::Ordering {
        <A::Ordering as OrderingValue>::VALUE
    }

    macro_rules! check_cmp {
        ($(($a:expr, $b:expr)),*) => {
            $(
                assert_eq!(cmp::<r!($a), r!($b)>(), u32::cmp(&$a, &$b), "{:#x} vs {:#x}", $a, $b);
                assert_eq!(cmp::<r!($b), r!($a)>(), u32::cmp(&$b, &$a), "{:#x} vs {:#x}", $b, $a);
            )*
        };
    }

    #[test]
    fn rank_comparison_agrees_with_the_numbers_in_every_place() {
        check_cmp!(
            (0x0FFFu32, 0x1000u32),
            (0x10FFu32, 0x1100u32),
            (0x110Fu32, 0x1110u32),
            (0x1110u32, 0x1111u32),
            (0x1234u32, 0x1234u32),
            (0x0000u32, 0x0000u32),
            (0x0000u32, 0xFFFFu32),
            (0x2001u32, 0x1FFFu32)
        );
    }

    /// Whether a computed rank is out of range: the two markers, never a rank.
    trait OutOfRange {}
    impl OutOfRange for AboveHighestLevel {}
    impl OutOfRange for BelowLowestLevel {}
    fn out_of_range<T: OutOfRange>() {}

    #[test]
    fn leaving_the_range_gives_no_rank() {
        out_of_range::<Plus<r!(0xFFFF), r!(1)>>();
        out_of_range::<Plus<r!(0x8000), r!(0x8000)>>();
        // Exactly 0 is `Unlocked`'s level, and under it wraps with no carry.
        out_of_range::<Minus<r!(1), r!(0x10000 - 1)>>();
        out_of_range::<Minus<r!(5), r!(0x10000 - 6)>>();
    }
}
