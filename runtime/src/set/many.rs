//! `token.lock_many(..)` and `token.try_lock_many(..)`: any number of locks of
//! one level (accounts, shards), taken in address order.

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll, ready};

use super::member::LockSetMember;
use super::order::{begin_member, by_address};
use super::slot::Slot;
use crate::error::TryLockError;
use crate::level::Level;
use crate::order::LockBefore;
use crate::token::LockToken;

/// The guards of `lock_many`/`try_lock_many` with the token at their level.
type Many<'a, M> =
    (Vec<<M as LockSetMember>::Guard<'a>>, LockToken<'a, <M as LockSetMember>::Level>);

impl<'t, H: Level> LockToken<'t, H> {
    /// Takes any number of locks of one level, in the one global order, and
    /// returns their guards in the caller's order with a token at that level.
    ///
    /// Use it for a set chosen at run time among peers: the accounts of a
    /// transfer, the shards a batch touches. They are taken by ascending
    /// address, so two tasks asking for `[a, b]` and `[b, a]` cannot deadlock.
    /// The level must be above the token's, as for a single lock.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// struct Account {
    ///     balance: u64,
    /// }
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let accounts: Vec<Mutex<Account>> =
    ///     (0..3).map(|_| Mutex::new(Account { balance: 100 })).collect();
    ///
    /// let mut token = LockToken::new();
    /// let (mut pair, _token) = token.lock_many([&accounts[2], &accounts[0]]).await;
    /// pair[0].balance -= 30; // accounts[2], as asked
    /// pair[1].balance += 30; // accounts[0]
    /// # });
    /// ```
    ///
    /// # Panics
    ///
    /// At the call, before anything is taken, if one lock appears twice: the
    /// task would wait for itself.
    ///
    /// ```should_panic
    /// # use lockladder::{lock_level, LockToken, Mutex};
    /// # #[lock_level(20)]
    /// # struct Account;
    /// let account = Mutex::new(Account);
    /// let mut token = LockToken::new();
    /// // panics: `lock_many` was given the same lock twice (`Account`, level 20, ...)
    /// let _never = token.lock_many([&account, &account]);
    /// ```
    ///
    /// # Cancellation
    ///
    /// Dropping the future before it completes releases every lock it took.
    #[track_caller]
    pub fn lock_many<'a, I>(&'a mut self, locks: I) -> LockManyFuture<'a, I::Item>
    where
        I: IntoIterator,
        I::Item: LockSetMember + 'a,
        H: LockBefore<<I::Item as LockSetMember>::Level>,
    {
        let _ = self;
        let (slots, order) = begin_many(locks, "lock_many");
        LockManyFuture { slots, order, next: 0, lifetime: PhantomData }
    }

    /// Takes every lock of one level if all are free right now, else none.
    ///
    /// On failure the locks it took are released and the error names the level
    /// of the lock that was held elsewhere.
    ///
    /// ```
    /// use lockladder::{lock_level, LockToken, Mutex};
    ///
    /// #[lock_level(20)]
    /// #[derive(Debug)]
    /// struct Account {
    ///     balance: u64,
    /// }
    ///
    /// let (a, b) = (Mutex::new(Account { balance: 1 }), Mutex::new(Account { balance: 2 }));
    /// let mut other = LockToken::new();
    /// let (_b_held, _) = b.try_lock(&mut other).unwrap();
    ///
    /// let mut token = LockToken::new();
    /// let error = token.try_lock_many([&a, &b]).unwrap_err();
    /// assert_eq!(
    ///     error.to_string(),
    ///     "`Account` (lock level 20) is held elsewhere; `try_lock_many` does not wait for it"
    /// );
    /// assert!(a.try_lock(&mut token).is_ok(), "`a` was released");
    /// ```
    ///
    /// # Panics
    ///
    /// If one lock appears twice, as [`lock_many`](LockToken::lock_many).
    #[track_caller]
    pub fn try_lock_many<'a, I>(&'a mut self, locks: I) -> Result<Many<'a, I::Item>, TryLockError>
    where
        I: IntoIterator,
        I::Item: LockSetMember + 'a,
        H: LockBefore<<I::Item as LockSetMember>::Level>,
    {
        let _ = self;
        let (mut slots, order) = begin_many(locks, "try_lock_many");
        for &position in &order {
            if !slots[position].try_acquire() {
                // Dropping `slots` releases what was taken.
                return Err(TryLockError::new::<<I::Item as LockSetMember>::Level>(
                    "try_lock_many",
                ));
            }
        }
        let guards = slots.iter_mut().map(Slot::take_guard).collect::<Option<Vec<_>>>();
        match guards {
            Some(guards) => Ok((guards, LockToken::acquired())),
            // Every slot was just acquired; none can be missing.
            None => Err(TryLockError::new::<<I::Item as LockSetMember>::Level>("try_lock_many")),
        }
    }
}

/// Slots in the caller's order, and the acquisition order over them.
#[track_caller]
fn begin_many<M: LockSetMember>(
    locks: impl IntoIterator<Item = M>,
    call: &str,
) -> (Vec<Slot<M>>, Vec<usize>) {
    let members: Vec<M> = locks.into_iter().collect();
    let mut addresses = Vec::with_capacity(members.len());
    for member in &members {
        addresses.push(member.address());
    }
    let order = by_address::<M::Level>(&addresses, call);
    let first = order.first().copied();
    let mut slots = Vec::with_capacity(members.len());
    for (position, member) in members.into_iter().enumerate() {
        slots.push(Slot::new(member, begin_member::<M::Level>(Some(position) != first)));
    }
    (slots, order)
}

/// The future of [`LockToken::lock_many`]: resolves to the guards, in the
/// caller's order, and a token at the locks' level.
///
/// Dropping it releases every lock it took.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct LockManyFuture<'a, M: LockSetMember> {
    slots: Vec<Slot<M>>,
    order: Vec<usize>,
    /// How many members of `order` are held.
    next: usize,
    lifetime: PhantomData<&'a ()>,
}

// Nothing in it is pinned: a member that must wait boxes its wait.
impl<M: LockSetMember> Unpin for LockManyFuture<'_, M> {}

impl<'a, M: LockSetMember + 'a> Future for LockManyFuture<'a, M> {
    type Output = Many<'a, M>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        while let Some(&position) = this.order.get(this.next) {
            ready!(this.slots[position].poll_acquire(cx));
            this.next += 1;
        }
        match this.slots.iter_mut().map(Slot::take_guard).collect::<Option<Vec<_>>>() {
            Some(guards) => Poll::Ready((guards, LockToken::acquired())),
            None => panic!("a `lock_many` future was polled after it completed"),
        }
    }
}

impl<M: LockSetMember> fmt::Debug for LockManyFuture<'_, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockManyFuture")
            .field("level", &format_args!("{} ({})", M::Level::NAME, M::Level::LEVEL))
            .field("locks", &self.slots.len())
            .field("held", &self.next)
            .finish()
    }
}
