//! [`LockGroup`]: a set of same-level locks ordered once and taken again and
//! again without allocating, next to `lock_many` for sets chosen per call.

use core::fmt;
use core::future::Future;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use super::blocking::BlockingSetMember;
use super::member::{Granted, LockSetMember, Seal};
use super::order::{Arrival, begin_member, each_swap_into_caller_order, sort_by_address};
use super::slot::block_member;
use crate::error::TryLockError;
use crate::held::Acquisition;
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

/// Locks of one level, put in the one global order once, then taken together
/// as often as needed: [`lock_many`](LockToken::lock_many) without the sort and
/// the allocations of each call.
///
/// Build it where the set is known (the shards a worker owns, the accounts of
/// a standing order) and take it in a loop. A take returns [`GroupGuards`],
/// which index in the order the locks were given to [`LockGroup::new`], and a
/// token at the locks' level. The group is borrowed mutably while its guards
/// live: one take at a time per group (build one per task that needs it).
///
/// ```
/// use lockladder::{lock_level, LockGroup, LockToken, Mutex};
///
/// #[lock_level(20)]
/// struct Account {
///     balance: u64,
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let accounts: Vec<Mutex<Account>> =
///     (0..3).map(|_| Mutex::new(Account { balance: 100 })).collect();
/// let mut pair = LockGroup::new([&accounts[2], &accounts[0]]);
///
/// let mut token = LockToken::new();
/// for _ in 0..3 {
///     let (mut held, _token) = pair.lock(&mut token).await;
///     held[0].balance -= 10; // accounts[2], as given
///     held[1].balance += 10; // accounts[0]
/// }
/// # drop(pair);
/// assert_eq!(accounts[0].try_lock(&mut token).unwrap().0.balance, 130);
/// # });
/// ```
///
/// # Panics
///
/// [`LockGroup::new`] panics if one lock appears twice: a take would wait for
/// itself.
pub struct LockGroup<M: LockSetMember> {
    /// In acquisition order (by address).
    members: Vec<M>,
    /// The locks were given in descending address order: the guards, taken
    /// in acquisition order, are reversed into the caller's order.
    reversed: bool,
    /// Otherwise the swaps that move the guards into the caller's order (none
    /// if the locks were given in address order).
    swaps: Vec<(usize, usize)>,
    /// The acquisitions of the current take, in acquisition order, begun at
    /// the user's call (empty values without `lockdep`).
    acquisitions: Vec<Acquisition>,
    /// The guards of the current take: pushed in acquisition order, handed
    /// out in the caller's order; the buffer is kept between takes.
    guards: Vec<M::OwnGuard>,
}

impl<M: LockSetMember> LockGroup<M> {
    /// Orders the locks once, by address.
    ///
    /// ```
    /// use lockladder::{lock_level, sync, LockGroup, Read};
    ///
    /// #[lock_level(20)]
    /// struct Shard;
    ///
    /// let shards: Vec<sync::RwLock<Shard>> = (0..4).map(|_| sync::RwLock::new(Shard)).collect();
    /// let readers = LockGroup::new(shards.iter().map(Read));
    /// assert_eq!(readers.len(), 4);
    /// ```
    ///
    /// # Panics
    ///
    /// If one lock appears twice (also as `Read` and `Write` of one `RwLock`).
    ///
    /// ```should_panic
    /// # use lockladder::{lock_level, LockGroup, Mutex};
    /// # #[lock_level(20)]
    /// # struct Account;
    /// let account = Mutex::new(Account);
    /// // panics: `LockGroup::new` was given the same lock twice (`Account`, level 20, ...)
    /// let _never = LockGroup::new([&account, &account]);
    /// ```
    #[track_caller]
    pub fn new(locks: impl IntoIterator<Item = M>) -> Self {
        let mut entries: Vec<(usize, M)> = locks.into_iter().enumerate().collect();
        let arrival = sort_by_address::<M::Level, _>(
            &mut entries,
            |&(position, lock)| (lock.address(), position),
            "LockGroup::new",
        );
        let mut swaps = Vec::new();
        if arrival == Arrival::Shuffled {
            let mut positions: Vec<usize> = entries.iter().map(|&(position, _)| position).collect();
            each_swap_into_caller_order(&mut positions, |i, j| swaps.push((i, j)));
        }
        let members: Vec<M> = entries.into_iter().map(|(_, lock)| lock).collect();
        LockGroup {
            acquisitions: Vec::with_capacity(members.len()),
            guards: Vec::with_capacity(members.len()),
            members,
            reversed: arrival == Arrival::Reversed,
            swaps,
        }
    }

    /// How many locks the group takes.
    ///
    /// ```
    /// # use lockladder::{lock_level, LockGroup, Mutex};
    /// # #[lock_level(20)]
    /// # struct Account;
    /// let accounts = [Mutex::new(Account), Mutex::new(Account)];
    /// assert_eq!(LockGroup::new(&accounts).len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the group has no lock (a take then holds nothing).
    ///
    /// ```
    /// # use lockladder::{lock_level, LockGroup, Mutex};
    /// # #[lock_level(20)]
    /// # struct Account;
    /// let none: [Mutex<Account>; 0] = [];
    /// assert!(LockGroup::new(&none).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Takes every lock of the group, in the one global order, and resolves to
    /// their guards with a token at their level. The level must be above the
    /// token's, as for a single lock.
    ///
    /// Dropping the future before it completes releases every lock it took.
    ///
    /// ```
    /// use lockladder::{lock_level, LockGroup, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// struct Shard {
    ///     hits: u64,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let shards: Vec<Mutex<Shard>> = (0..4).map(|_| Mutex::new(Shard { hits: 0 })).collect();
    /// let mut all = LockGroup::new(&shards);
    /// let mut token = LockToken::new();
    /// let (mut held, _token) = all.lock(&mut token).await;
    /// for shard in held.iter_mut() {
    ///     shard.hits += 1;
    /// }
    /// # });
    /// ```
    #[track_caller]
    pub fn lock<'a, H>(&'a mut self, token: &'a mut LockToken<'_, H>) -> LockGroupFuture<'a, M>
    where
        H: LockBefore<M::Level>,
    {
        let _ = token;
        self.begin();
        LockGroupFuture { group: Some(self), waiting: None }
    }

    /// Takes every lock of a group of [`sync`](crate::sync) locks, blocking the
    /// thread while one is held elsewhere: [`lock`](LockGroup::lock) for plain
    /// threads.
    ///
    /// ```
    /// use lockladder::{lock_level, sync, LockGroup, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Shard {
    ///     hits: u64,
    /// }
    ///
    /// let shards: Vec<sync::Mutex<Shard>> =
    ///     (0..4).map(|_| sync::Mutex::new(Shard { hits: 0 })).collect();
    /// let mut all = LockGroup::new(&shards);
    /// let mut token = LockToken::new();
    /// for _ in 0..2 {
    ///     let (mut held, _token) = all.lock_blocking(&mut token);
    ///     held[3].hits += 1;
    /// }
    /// ```
    #[track_caller]
    pub fn lock_blocking<'a, H>(
        &'a mut self,
        token: &'a mut LockToken<'_, H>,
    ) -> (GroupGuards<'a, M>, LockToken<'a, M::Level>)
    where
        H: LockBefore<M::Level>,
        M: BlockingSetMember,
    {
        let _ = token;
        self.begin();
        // One `extend` over slices of equal length: one capacity check for the
        // whole take, not one per lock (a panic drops the guards written so far).
        let members = self.members.iter().zip(&mut self.acquisitions);
        self.guards.extend(members.map(|(&member, acquisition)| {
            let raw = block_member(member, acquisition);
            M::own_guard(raw, Granted(acquisition.granted()))
        }));
        (self.hand_out(), LockToken::acquired())
    }

    /// Takes every lock of the group if all are free right now, else none.
    ///
    /// ```
    /// use lockladder::{lock_level, sync, LockGroup, LockToken};
    ///
    /// #[lock_level(20)]
    /// struct Shard;
    ///
    /// let shards = [sync::Mutex::new(Shard), sync::Mutex::new(Shard)];
    /// let mut both = LockGroup::new(&shards);
    /// let mut token = LockToken::new();
    /// assert!(both.try_lock(&mut token).is_ok());
    /// ```
    #[track_caller]
    pub fn try_lock<'a, H>(
        &'a mut self,
        token: &'a mut LockToken<'_, H>,
    ) -> Result<(GroupGuards<'a, M>, LockToken<'a, M::Level>), TryLockError>
    where
        H: LockBefore<M::Level>,
    {
        let _ = token;
        self.begin();
        for (&member, acquisition) in self.members.iter().zip(&mut self.acquisitions) {
            match member.try_raw(Seal(())) {
                Some(raw) => self.guards.push(M::own_guard(raw, Granted(acquisition.granted()))),
                None => {
                    self.release();
                    return Err(TryLockError::new::<M::Level>("try_lock"));
                }
            }
        }
        Ok((self.hand_out(), LockToken::acquired()))
    }

    /// Releases what a forgotten take left behind, then begins each
    /// acquisition (at the user's call, in acquisition order).
    #[track_caller]
    fn begin(&mut self) {
        // Guards are left only by a forgotten take: test before clearing, as the
        // out-of-line drop of an empty slice costs more than the test.
        if !self.guards.is_empty() {
            self.guards.clear();
        }
        self.acquisitions.clear();
        for rank in 0..self.members.len() {
            self.acquisitions.push(begin_member::<M::Level>(rank > 0));
        }
    }

    /// Releases every lock taken so far and abandons the acquisitions not
    /// granted.
    fn release(&mut self) {
        self.guards.clear();
        self.acquisitions.clear();
    }

    /// Moves the guards, all held, into the caller's order.
    fn hand_out(&mut self) -> GroupGuards<'_, M> {
        if self.reversed {
            reverse(&mut self.guards);
        }
        for &(i, j) in &self.swaps {
            self.guards.swap(i, j);
        }
        GroupGuards { guards: &mut self.guards }
    }
}

impl<M: LockSetMember> fmt::Debug for LockGroup<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGroup")
            .field("level", &format_args!("{} ({})", M::Level::NAME, M::Level::LEVEL))
            .field("locks", &self.members.len())
            .finish()
    }
}

/// The future of [`LockGroup::lock`]: resolves to the group's guards and a
/// token at the locks' level.
///
/// A named type that does not mention the held level, so an order violation is
/// reported once. Dropping it releases every lock it took.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct LockGroupFuture<'a, M: LockSetMember> {
    /// `None` once the guards are handed out.
    group: Option<&'a mut LockGroup<M>>,
    /// The wait for the next lock, once it was not free at once; boxed so the
    /// future needs no pinning of its own.
    waiting: Option<Pin<Box<M::Wait>>>,
}

impl<'a, M: LockSetMember> Future for LockGroupFuture<'a, M> {
    type Output = (GroupGuards<'a, M>, LockToken<'a, M::Level>);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(group) = this.group.as_mut() else {
            panic!("a `LockGroup::lock` future was polled after it completed")
        };
        while let Some(&member) = group.members.get(group.guards.len()) {
            let next = group.guards.len();
            let raw = match &mut this.waiting {
                Some(waiting) => {
                    let raw = ready!(waiting.as_mut().poll(cx));
                    this.waiting = None;
                    raw
                }
                None => match member.try_raw(Seal(())) {
                    Some(raw) => raw,
                    None => {
                        group.acquisitions[next].contended();
                        let waiting = this.waiting.insert(Box::pin(member.wait(Seal(()))));
                        let raw = ready!(waiting.as_mut().poll(cx));
                        this.waiting = None;
                        raw
                    }
                },
            };
            let hold = group.acquisitions[next].granted();
            group.guards.push(M::own_guard(raw, Granted(hold)));
        }
        match this.group.take() {
            Some(group) => Poll::Ready((group.hand_out(), LockToken::acquired())),
            None => unreachable!("checked above"),
        }
    }
}

impl<M: LockSetMember> Drop for LockGroupFuture<'_, M> {
    fn drop(&mut self) {
        // The wait first: it may hold a registration at the next lock.
        self.waiting = None;
        if let Some(group) = self.group.take() {
            group.release();
        }
    }
}

impl<M: LockSetMember> fmt::Debug for LockGroupFuture<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGroupFuture")
            .field("level", &format_args!("{} ({})", M::Level::NAME, M::Level::LEVEL))
            .field("held", &self.group.as_ref().map(|group| group.guards.len()))
            .finish_non_exhaustive()
    }
}

/// The guards of one take of a [`LockGroup`], in the order the locks were given
/// to [`LockGroup::new`]: a slice of guards (`held[i]`, `held.iter_mut()`).
/// Dropping it releases them all.
///
/// ```
/// use lockladder::{lock_level, sync, LockGroup, LockToken};
///
/// #[lock_level(20)]
/// struct Account {
///     balance: u64,
/// }
///
/// let accounts = [sync::Mutex::new(Account { balance: 5 }), sync::Mutex::new(Account { balance: 7 })];
/// let mut both = LockGroup::new([&accounts[1], &accounts[0]]);
/// let mut token = LockToken::new();
/// let (held, _token) = both.lock_blocking(&mut token);
/// assert_eq!(held.iter().map(|account| account.balance).collect::<Vec<_>>(), [7, 5]);
/// ```
#[must_use = "the locks are released as soon as the guards are dropped"]
pub struct GroupGuards<'a, M: LockSetMember> {
    guards: &'a mut Vec<M::OwnGuard>,
}

impl<M: LockSetMember> Deref for GroupGuards<'_, M> {
    type Target = [M::OwnGuard];

    fn deref(&self) -> &Self::Target {
        self.guards
    }
}

impl<M: LockSetMember> DerefMut for GroupGuards<'_, M> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.guards
    }
}

impl<M: LockSetMember> Drop for GroupGuards<'_, M> {
    fn drop(&mut self) {
        release_each(self.guards);
    }
}

impl<M: LockSetMember> fmt::Debug for GroupGuards<'_, M>
where
    M::OwnGuard: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.guards.iter()).finish()
    }
}

/// Releases each guard inline, last first: `clear` calls the out-of-line drop
/// of the slice, whose call and saved registers cost more than this loop for
/// small groups (13 instructions fewer per take of 2 locks, 11 more of 8).
#[inline]
fn release_each<G>(guards: &mut Vec<G>) {
    while let Some(guard) = guards.pop() {
        drop(guard);
    }
}

/// Reverses `items`: one swap for a pair (the usual transfer), where the
/// general loop of `slice::reverse` measured 14 instructions more per take.
#[inline]
fn reverse<T>(items: &mut [T]) {
    if let [first, second] = items {
        core::mem::swap(first, second);
    } else {
        items.reverse();
    }
}
