//! Guard mapping for the blocking locks: `map` and `try_map` narrow a guard to
//! a part of the data, as parking_lot's do.
//!
//! The mapped guard is the same hold of the same lock: it keeps the lock's
//! lifetime, so the token that took the lock stays borrowed while it lives,
//! and it keeps the `lockdep` hold and the wake-up of async waiters on
//! release. A mapped `MutexGuard` cannot wait on a `Condvar` (the wait needs
//! the whole guard), as in parking_lot.

use super::guard::{
    MappedMutexGuard, MappedRwLockReadGuard, MappedRwLockWriteGuard, MutexGuard, RwLockReadGuard,
    RwLockWriteGuard,
};

/// `map`/`try_map` on a guard type: `$from` maps to `$to`, through parking_lot's
/// `$raw::map`; `ref` or `mut` is the access the closure gets.
macro_rules! mappable {
    ($from:ident => $to:ident, $raw:ident, $access:ident, $example:literal) => {
        impl<'a, T: ?Sized> $from<'a, T> {
            /// Narrows the guard to a part of the data; the lock stays held (and
            /// the token that took it borrowed) until the new guard drops.
            ///
            #[doc = $example]
            pub fn map<U: ?Sized>(
                guard: Self,
                part: impl FnOnce(mappable!(@arg $access T)) -> mappable!(@arg $access U),
            ) -> $to<'a, U> {
                let $from { inner, hold, .. } = guard;
                $to::new(inner.map(|raw| parking_lot::$raw::map(raw, part)), hold)
            }

            /// As [`map`](Self::map), for a part that may be missing: gives the
            /// guard back, still held, when `part` returns `None`.
            ///
            /// # Errors
            ///
            /// The guard itself, unchanged, if `part` returns `None`.
            pub fn try_map<U: ?Sized>(
                guard: Self,
                part: impl FnOnce(mappable!(@arg $access T)) -> Option<mappable!(@arg $access U)>,
            ) -> Result<$to<'a, U>, Self> {
                let $from { inner, hold, taken_alone } = guard;
                match inner.try_map(|raw| parking_lot::$raw::try_map(raw, part)) {
                    Ok(inner) => Ok($to::new(inner, hold)),
                    Err(inner) => Err($from { inner, hold, taken_alone }),
                }
            }
        }
    };
    (@arg ref $t:ident) => {
        &$t
    };
    (@arg mut $t:ident) => {
        &mut $t
    };
}

mappable!(MutexGuard => MappedMutexGuard, MutexGuard, mut,
"```
use lockladder::{lock_level, sync::{Mutex, MutexGuard}, LockToken};

#[lock_level(20)]
struct Coins {
    balances: Vec<u64>,
}

let coins = Mutex::new(Coins { balances: vec![1, 2] });
let mut token = LockToken::new();
let (held, _token) = coins.lock(&mut token);
let mut second = MutexGuard::map(held, |coins| &mut coins.balances[1]);
*second += 10;
drop(second);
assert_eq!(coins.into_inner().balances, [1, 12]);
```");
mappable!(MappedMutexGuard => MappedMutexGuard, MappedMutexGuard, mut,
"```
use lockladder::{lock_level, sync::{MappedMutexGuard, Mutex, MutexGuard}, LockToken};

#[lock_level(20)]
struct Coins {
    balances: Vec<u64>,
}

let coins = Mutex::new(Coins { balances: vec![1, 2] });
let mut token = LockToken::new();
let (held, _token) = coins.lock(&mut token);
let all = MutexGuard::map(held, |coins| &mut coins.balances);
let first = MappedMutexGuard::map(all, |balances| &mut balances[0]);
assert_eq!(*first, 1);
```");
mappable!(RwLockReadGuard => MappedRwLockReadGuard, RwLockReadGuard, ref,
"```
use lockladder::{lock_level, sync::{RwLock, RwLockReadGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    names: Vec<String>,
}

let registry = RwLock::new(Registry { names: vec![\"ada\".into()] });
let mut token = LockToken::new();
let (held, _token) = registry.read(&mut token);
let first = RwLockReadGuard::map(held, |registry| registry.names[0].as_str());
assert_eq!(&*first, \"ada\");
```");
mappable!(MappedRwLockReadGuard => MappedRwLockReadGuard, MappedRwLockReadGuard, ref,
"```
use lockladder::{lock_level, sync::{MappedRwLockReadGuard, RwLock, RwLockReadGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    names: Vec<String>,
}

let registry = RwLock::new(Registry { names: vec![\"ada\".into()] });
let mut token = LockToken::new();
let (held, _token) = registry.read(&mut token);
let names = RwLockReadGuard::map(held, |registry| &registry.names);
let missing = MappedRwLockReadGuard::try_map(names, |names| names.get(5));
assert!(missing.is_err()); // the guard comes back, still held
```");
mappable!(RwLockWriteGuard => MappedRwLockWriteGuard, RwLockWriteGuard, mut,
"```
use lockladder::{lock_level, sync::{RwLock, RwLockWriteGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    names: Vec<String>,
}

let registry = RwLock::new(Registry { names: Vec::new() });
let mut token = LockToken::new();
let (held, _token) = registry.write(&mut token);
let mut names = RwLockWriteGuard::map(held, |registry| &mut registry.names);
names.push(\"ada\".into());
```");
mappable!(MappedRwLockWriteGuard => MappedRwLockWriteGuard, MappedRwLockWriteGuard, mut,
"```
use lockladder::{lock_level, sync::{MappedRwLockWriteGuard, RwLock, RwLockWriteGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    names: Vec<String>,
}

let registry = RwLock::new(Registry { names: vec![\"ada\".into()] });
let mut token = LockToken::new();
let (held, _token) = registry.write(&mut token);
let names = RwLockWriteGuard::map(held, |registry| &mut registry.names);
let mut first = MappedRwLockWriteGuard::try_map(names, |names| names.first_mut())
    .unwrap_or_else(|_| unreachable!(\"one name\"));
first.push_str(\" lovelace\");
```");
