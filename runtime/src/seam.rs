//! Entry tokens: where a method of a trait the program cannot change (another
//! crate's storage or network trait, a callback, a handler) starts taking
//! locks, a token that says the most the caller may hold there.
//!
//! The method takes no token, so its body has to start from a token of its
//! own. A bare [`LockToken::new`] starts at `Unlocked`: inside, any lock
//! compiles, and an inversion with what the caller holds across the call
//! shows only at run time. [`LockToken::entered_holding`] starts at a level
//! `H` instead, the highest the method may be called holding:
//!
//! - inside, only locks above `H` compile (the usual `lock order` error);
//! - at the entry, the `lockdep` safety net checks that the task holds
//!   nothing above `H` (through any token), and panics naming both sites if
//!   it does, whether or not this call goes on to take a lock.
//!
//! An entry token is not a root: a second live root in a task is reported
//! (see `lockdep::SecondRootPolicy`), an entry token is checked instead.
//!
//! It is no less safe than a root: a root is an entry token at the bottom
//! level, which declares that the caller holds nothing. It is not a proof
//! either: what the caller holds across the call is a claim the types cannot
//! check, which is why `lockdep` checks it, and why the level should be the
//! one the calling crate's documented contract gives (or the highest level
//! any caller in the program holds there).

use crate::held::check_holds_at_most;
use crate::level::{Level, Unlocked};
use crate::token::LockToken;

impl LockToken<'static, Unlocked> {
    /// The token a method starts from when its caller may hold locks up to
    /// level `H` across the call, and the types cannot see them (a method of
    /// a trait of another crate, a callback): locks above `H` may be taken
    /// through it, none at or below.
    ///
    /// With `lockdep`, panics here if the current task holds a level above
    /// `H`: the caller holds more than the method was declared to be entered
    /// holding. Without it, it is a plain token at `H`, zero-sized, with no
    /// `Drop`: the same programs compile either way.
    ///
    /// ```
    /// use lockladder::{lock_level, sync::Mutex, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Core; // what the other crate's code holds when it calls us
    /// #[lock_level(20)]
    /// struct Log(Vec<u64>);
    ///
    /// /// The other crate's trait: its methods take no token.
    /// trait Storage {
    ///     fn append(&self, entry: u64);
    /// }
    ///
    /// struct MemoryStorage {
    ///     log: Mutex<Log>,
    /// }
    ///
    /// impl Storage for MemoryStorage {
    ///     fn append(&self, entry: u64) {
    ///         // Called with `Core` held: start above it, not from a root.
    ///         let mut token = LockToken::entered_holding::<Core>();
    ///         let (mut log, _) = self.log.lock(&mut token);
    ///         log.0.push(entry);
    ///     }
    /// }
    ///
    /// let storage = MemoryStorage { log: Mutex::new(Log(Vec::new())) };
    /// storage.append(7);
    /// ```
    ///
    /// A lock at or below the declared level does not compile inside:
    ///
    /// ```compile_fail,E0277
    /// use lockladder::{lock_level, sync::Mutex, LockToken};
    ///
    /// #[lock_level(10)]
    /// struct Core;
    /// #[lock_level(5)]
    /// struct Peers;
    ///
    /// fn append(peers: &Mutex<Peers>) {
    ///     let mut token = LockToken::entered_holding::<Core>();
    ///     // error: lock order violation: cannot acquire `Peers` while holding `Core`
    ///     let _ = peers.lock(&mut token);
    /// }
    /// ```
    #[must_use = "a token is the permission to take locks; use it or drop it"]
    #[track_caller]
    pub fn entered_holding<H: Level>() -> LockToken<'static, H> {
        check_holds_at_most::<H>();
        LockToken::acquired()
    }
}
