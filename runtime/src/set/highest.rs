//! The highest of several levels, as a type: the level of the token that
//! `lock_all` hands back.

use crate::level::Level;
use crate::rank::{RankCmp, Select};

/// `<A as MaxLevel<B>>::Max` is the higher of the levels `A` and `B` (`A` when
/// they are equal), resolved from their ranks like [`crate::LockBefore`].
pub trait MaxLevel<Other: Level>: Level {
    /// `Self` or `Other`.
    type Max: Level;
}

type Ordering<A, B> = <<A as Level>::Rank as RankCmp<<B as Level>::Rank>>::Ordering;

impl<A: Level, B: Level> MaxLevel<B> for A
where
    A::Rank: RankCmp<B::Rank>,
    Ordering<A, B>: Select<A, B>,
    <Ordering<A, B> as Select<A, B>>::Output: Level,
{
    type Max = <Ordering<A, B> as Select<A, B>>::Output;
}
