//! Taking several locks at once, in the one global order: `lock_all` for a
//! fixed tuple of locks of any levels, `lock_many` for any number of one level.

mod all;
mod blocking;
mod checked;
mod duplicate;
mod group;
mod highest;
mod inline;
mod many;
mod many_guards;
mod member;
mod order;
mod slot;

pub use all::{LockAllFuture, LockSet, LockSetAbove};
pub use blocking::{BlockingLockSet, BlockingSetMember};
pub use duplicate::{DuplicateLockError, TryLockManyError};
pub use group::{GroupGuards, LockGroup, LockGroupFuture};
pub use many::LockManyFuture;
pub(crate) use many::{Many, try_take_many};
pub use many_guards::{ManyGuards, ManyGuardsIntoIter};
pub use member::{LockSetMember, Read, Write};
