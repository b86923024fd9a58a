//! [`ManyGuards`]: the guards of a `lock_many` call, inline up to eight.

use core::fmt;
use core::ops::{Deref, DerefMut};

use super::inline::InlineVec;

/// The guards of the calls that take a set of same-level locks at once —
/// [`lock_many_blocking`](crate::LockToken::lock_many_blocking),
/// [`try_lock_many`](crate::LockToken::try_lock_many) and their `_checked`
/// forms — in the caller's order: a slice of guards (`held[i]`,
/// `held.iter_mut()`, `for guard in held`). Dropping it releases them all.
///
/// Up to eight guards are kept in the value itself, so such a call over a
/// small set does not touch the heap; a larger set keeps them in one
/// allocation. (The async [`lock_many`](crate::LockToken::lock_many) returns a
/// `Vec`: its future keeps its locks on the heap, one allocation, so that it
/// stays small to move into a task and across `.await`s.)
///
/// ```
/// use lockladder::{lock_level, sync, LockToken};
///
/// #[lock_level(20)]
/// struct Account {
///     balance: u64,
/// }
///
/// let accounts = [sync::Mutex::new(Account { balance: 5 }), sync::Mutex::new(Account { balance: 7 })];
/// let mut token = LockToken::new();
/// let (mut held, _token) = token.lock_many_blocking([&accounts[1], &accounts[0]]);
/// held[0].balance -= 2; // accounts[1], as given
/// held[1].balance += 2;
/// assert_eq!(held.iter().map(|account| account.balance).collect::<Vec<_>>(), [5, 7]);
/// ```
#[must_use = "the locks are released as soon as the guards are dropped"]
pub struct ManyGuards<G> {
    guards: InlineVec<G>,
}

impl<G> ManyGuards<G> {
    pub(crate) fn new(guards: InlineVec<G>) -> Self {
        ManyGuards { guards }
    }

    /// The buffer, to fill in place.
    pub(crate) fn buffer(&mut self) -> &mut InlineVec<G> {
        &mut self.guards
    }

    /// The guards in a `Vec`, in the caller's order (allocating for a set of
    /// eight or fewer).
    ///
    /// ```
    /// use lockladder::{lock_level, sync, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Shard;
    ///
    /// let shards = [sync::Mutex::new(Shard), sync::Mutex::new(Shard)];
    /// let mut token = LockToken::new();
    /// let (held, _token) = token.lock_many_blocking(&shards);
    /// let held: Vec<_> = held.into_vec();
    /// assert_eq!(held.len(), 2);
    /// ```
    #[must_use]
    pub fn into_vec(self) -> Vec<G> {
        self.guards.into_vec()
    }
}

impl<G> Deref for ManyGuards<G> {
    type Target = [G];

    fn deref(&self) -> &Self::Target {
        self.guards.as_slice()
    }
}

impl<G> DerefMut for ManyGuards<G> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.guards.as_mut_slice()
    }
}

impl<G> IntoIterator for ManyGuards<G> {
    type Item = G;
    type IntoIter = ManyGuardsIntoIter<G>;

    /// The guards one by one, in the caller's order; each lock is released when
    /// its guard is dropped.
    fn into_iter(self) -> Self::IntoIter {
        ManyGuardsIntoIter { guards: self.guards.into_iter() }
    }
}

impl<'s, G> IntoIterator for &'s ManyGuards<G> {
    type Item = &'s G;
    type IntoIter = core::slice::Iter<'s, G>;

    fn into_iter(self) -> Self::IntoIter {
        self.guards.as_slice().iter()
    }
}

impl<'s, G> IntoIterator for &'s mut ManyGuards<G> {
    type Item = &'s mut G;
    type IntoIter = core::slice::IterMut<'s, G>;

    fn into_iter(self) -> Self::IntoIter {
        self.guards.as_mut_slice().iter_mut()
    }
}

impl<G: fmt::Debug> fmt::Debug for ManyGuards<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.guards.as_slice()).finish()
    }
}

/// The guards of a [`ManyGuards`] one by one, in the caller's order: what
/// `for guard in held` walks. The guards not yet taken are released when it
/// drops.
///
/// ```
/// use lockladder::{lock_level, sync, LockToken};
///
/// #[lock_level(20)]
/// struct Shard(u64);
///
/// let shards = [sync::Mutex::new(Shard(1)), sync::Mutex::new(Shard(2))];
/// let mut token = LockToken::new();
/// let (held, _token) = token.lock_many_blocking(&shards);
/// let mut guards = held.into_iter();
/// assert_eq!(guards.len(), 2);
/// assert_eq!(guards.next().map(|shard| shard.0), Some(1));
/// ```
pub struct ManyGuardsIntoIter<G> {
    guards: <InlineVec<G> as IntoIterator>::IntoIter,
}

impl<G> Iterator for ManyGuardsIntoIter<G> {
    type Item = G;

    fn next(&mut self) -> Option<Self::Item> {
        self.guards.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.guards.size_hint()
    }
}

impl<G> DoubleEndedIterator for ManyGuardsIntoIter<G> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.guards.next_back()
    }
}

impl<G> ExactSizeIterator for ManyGuardsIntoIter<G> {}

impl<G> fmt::Debug for ManyGuardsIntoIter<G> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManyGuardsIntoIter").field("left", &self.guards.size_hint().0).finish()
    }
}
