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
//! `#[lock_level]` expansions in other crates can reach them.

use core::marker::PhantomData;

macro_rules! digits {
    ($($digit:ident),*) => {
        $(
            #[doc = concat!("The hexadecimal digit `", stringify!($digit), "` of a level rank.")]
            pub enum $digit {}
        )*
    };
}
digits!(X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, XA, XB, XC, XD, XE, XF);

/// Four hexadecimal digits, most significant first.
pub struct Rank<D3, D2, D1, D0>(PhantomData<(D3, D2, D1, D0)>);

/// Result of a comparison: the left side is below the right side.
pub enum Below {}
/// Result of a comparison: both sides are equal.
pub enum Same {}
/// Result of a comparison: the left side is above the right side.
pub enum Above {}

/// Compares one digit with another.
pub trait DigitCmp<Rhs> {
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
pub trait Then<Next> {
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
pub trait RankCmp<Rhs> {
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
pub trait IsBelow {}
impl IsBelow for Below {}

/// Picks one of two types by a comparison result: `Left` unless the left side
/// is [`Below`]. `<<A as RankCmp<B>>::Ordering as Select<A, B>>::Output` is the
/// higher of two levels (the left one when they are equal).
pub trait Select<Left, Right> {
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
