//! The one global acquisition order: ascending level, then ascending address
//! among locks of one level. Two tasks that take overlapping sets in this order
//! cannot wait for each other in a cycle.

use super::duplicate::DuplicateLockError;
use crate::held::Acquisition;
use crate::level::Level;

/// The most locks one `lock_all` call takes.
pub(crate) const MAX_SET: usize = 8;

/// The acquisition order of a `lock_all` set, decided at compile time from the
/// members' levels (`LockSet::PLAN` is an associated constant).
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Member indices, lowest level first; equal levels keep argument order
    /// until [`settle_ties`] orders them by address.
    pub(crate) order: [u8; MAX_SET],
    pub(crate) len: usize,
    /// Some members share a level: their order needs their addresses.
    pub(crate) ties: bool,
}

impl Plan {
    /// A stable insertion sort of the member indices by level, in a `const fn`.
    pub(crate) const fn of(levels: &[u32]) -> Plan {
        let len = levels.len();
        let mut order = [0u8; MAX_SET];
        let mut i = 0;
        while i < len {
            order[i] = i as u8;
            i += 1;
        }
        let mut ties = false;
        let mut i = 1;
        while i < len {
            let mut j = i;
            while j > 0 && levels[order[j - 1] as usize] > levels[order[j] as usize] {
                let lower = order[j];
                order[j] = order[j - 1];
                order[j - 1] = lower;
                j -= 1;
            }
            i += 1;
        }
        let mut i = 1;
        while i < len {
            ties |= levels[order[i - 1] as usize] == levels[order[i] as usize];
            i += 1;
        }
        Plan { order, len, ties }
    }
}

/// Orders each run of equal levels in `order` by address, and panics if one
/// lock appears twice (it would wait for itself).
#[track_caller]
pub(crate) fn settle_ties(
    order: &mut [u8],
    levels: &[u32],
    addresses: &[usize],
    names: &[&'static str],
    call: &'static str,
) -> [bool; MAX_SET] {
    let key = |member: u8| (levels[usize::from(member)], addresses[usize::from(member)]);
    // Insertion sort: sets are at most `MAX_SET` long and the levels already sorted.
    for i in 1..order.len() {
        let mut j = i;
        while j > 0 && key(order[j - 1]) > key(order[j]) {
            order.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut in_set = [false; MAX_SET];
    for i in 1..order.len() {
        let (before, member) = (usize::from(order[i - 1]), usize::from(order[i]));
        if levels[before] == levels[member] {
            if addresses[before] == addresses[member] {
                same_lock_twice(&DuplicateLockError::from_parts(
                    call,
                    names[member],
                    levels[member],
                    before,
                    member,
                ));
            }
            in_set[member] = true;
        }
    }
    in_set
}

/// How the caller gave a set of same-level locks, relative to the one global
/// order: what it takes to hand their guards back in the caller's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arrival {
    /// Ascending addresses: the guards are in the caller's order as taken.
    InOrder,
    /// Descending addresses (a set walked backwards, two locks the other way
    /// round): reversing the guards puts them in the caller's order.
    Reversed,
    /// Any other order: the guards go back by their positions.
    Shuffled,
}

/// Sorts the locks of one level by address, the one global order among them,
/// and panics if one lock appears twice. `key` gives a lock's address and its
/// position in the caller's order.
#[track_caller]
#[inline]
pub(crate) fn sort_by_address<L: Level, E>(
    entries: &mut [E],
    key: impl Fn(&E) -> (usize, usize),
    call: &'static str,
) -> Arrival {
    match sort_by_address_checked::<L, E>(entries, key, call) {
        Ok(arrival) => arrival,
        Err(duplicate) => same_lock_twice(&duplicate),
    }
}

/// As [`sort_by_address`], returning the first duplicate instead of panicking.
#[inline]
pub(crate) fn sort_by_address_checked<L: Level, E>(
    entries: &mut [E],
    key: impl Fn(&E) -> (usize, usize),
    call: &'static str,
) -> Result<Arrival, DuplicateLockError> {
    let arrival = order_by_address_checked::<L, E>(entries, key, call)?;
    if arrival == Arrival::Reversed {
        entries.reverse();
    }
    Ok(arrival)
}

/// As [`sort_by_address`], but a set given in descending address order is
/// left as it is, to be walked backwards ([`Arrival::Reversed`]): its
/// entries stay in the caller's order.
#[track_caller]
#[inline]
pub(crate) fn order_by_address<L: Level, E>(
    entries: &mut [E],
    key: impl Fn(&E) -> (usize, usize),
    call: &'static str,
) -> Arrival {
    match order_by_address_checked::<L, E>(entries, key, call) {
        Ok(arrival) => arrival,
        Err(duplicate) => same_lock_twice(&duplicate),
    }
}

/// As [`order_by_address`], returning the first duplicate instead of
/// panicking.
///
/// A set given in ascending or descending address order (two locks always
/// are, unless one is given twice) is recognised in one pass, without a sort:
/// its addresses are strictly monotone, so it has no duplicate either. Any
/// other order is sorted.
#[inline]
pub(crate) fn order_by_address_checked<L: Level, E>(
    entries: &mut [E],
    key: impl Fn(&E) -> (usize, usize),
    call: &'static str,
) -> Result<Arrival, DuplicateLockError> {
    let (mut ascending, mut descending) = (true, true);
    for pair in entries.windows(2) {
        let (before, after) = (key(&pair[0]).0, key(&pair[1]).0);
        ascending &= before < after;
        descending &= before > after;
    }
    if ascending {
        return Ok(Arrival::InOrder);
    }
    if descending {
        return Ok(Arrival::Reversed);
    }
    sort_shuffled::<L, E>(entries, key, call)?;
    Ok(Arrival::Shuffled)
}

/// The sort of a set in neither address order, and its check for a lock
/// given twice (now next to each other).
fn sort_shuffled<L: Level, E>(
    entries: &mut [E],
    key: impl Fn(&E) -> (usize, usize),
    call: &'static str,
) -> Result<(), DuplicateLockError> {
    entries.sort_unstable_by_key(&key);
    for pair in entries.windows(2) {
        let ((before, first), (after, second)) = (key(&pair[0]), key(&pair[1]));
        if before == after {
            return Err(DuplicateLockError::new::<L>(call, first, second));
        }
    }
    Ok(())
}

#[cold]
#[track_caller]
fn same_lock_twice(duplicate: &DuplicateLockError) -> ! {
    panic!(
        "{duplicate}: a lock can be taken only once per call, or the task would wait for \
         itself; pass each lock once"
    )
}

/// Begins the acquisition of one member: the second and later members of a
/// same-level run are marked as taken together with the first.
#[track_caller]
#[inline(always)]
pub(crate) fn begin_member<L: Level>(in_set: bool) -> Acquisition {
    if in_set { Acquisition::begin_in_set::<L>() } else { Acquisition::begin::<L>() }
}

/// The swaps that move items taken in acquisition order into the caller's
/// order: `positions[k]` is the caller's position of the `k`-th item. Follows
/// each cycle of the permutation (no swap when the two orders agree);
/// `positions` ends as `0, 1, 2, ..`.
#[inline]
pub(crate) fn each_swap_into_caller_order(
    positions: &mut [usize],
    mut swap: impl FnMut(usize, usize),
) {
    for i in 0..positions.len() {
        while positions[i] != i {
            let target = positions[i];
            swap(i, target);
            positions.swap(i, target);
        }
    }
}
