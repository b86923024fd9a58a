//! The nesting lockdep observed: each distinct "`A` held while `B` taken",
//! with both call sites and how often it happened (Linux's
//! `/proc/lockdep_chains`, by call site).
//!
//! An edge goes from the highest level the task held to the level it took
//! (the direct nesting), so `A` then `B` then `C` gives `A -> B` and `B -> C`.
//! Members of a `lock_all`/`lock_many` set at one level give edges from a
//! level to itself.

use core::cell::Cell;
use core::panic::Location;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError};

use super::site::{self, Site};

/// One distinct nesting observed: `taken` was acquired while `held` was the
/// highest level held by the same task.
///
/// ```
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(10)]
/// struct Registry;
/// #[lock_level(20)]
/// struct CoinManager;
///
/// let (registry, coins) = (Mutex::new(Registry), Mutex::new(CoinManager));
/// let mut token = LockToken::new();
/// let (_registry, mut token) = registry.try_lock(&mut token).unwrap();
/// let (_coins, _token) = coins.try_lock(&mut token).unwrap();
///
/// let edges = lockladder::lockdep::observed_edges();
/// let edge = edges.iter().find(|edge| edge.held.lock == "Registry").unwrap();
/// assert_eq!((edge.taken.lock, edge.taken.level, edge.count), ("CoinManager", 20, 1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObservedEdge {
    /// The lock held (the highest level the task held), and where it was taken.
    pub held: ObservedSite,
    /// The lock taken while holding it, and where.
    pub taken: ObservedSite,
    /// How many times this nesting happened.
    pub count: u64,
}

/// A lock at a call site, as lockdep saw it.
///
/// ```
/// let edges = lockladder::lockdep::observed_edges();
/// for edge in &edges {
///     let site = edge.taken;
///     println!("{} (level {}) at {}", site.lock, site.level, site.location);
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ObservedSite {
    /// The level number.
    pub level: u32,
    /// The name of the lock's level (the data type, or the marker).
    pub lock: &'static str,
    /// Where the lock method was called.
    pub location: &'static Location<'static>,
}

/// Every distinct nesting observed since the program started, sorted by the
/// held level, the taken level, then the call sites.
///
/// ```
/// for edge in lockladder::lockdep::observed_edges() {
///     println!(
///         "{} (level {}) at {} -> {} (level {}) at {}: {} times",
///         edge.held.lock, edge.held.level, edge.held.location,
///         edge.taken.lock, edge.taken.level, edge.taken.location,
///         edge.count,
///     );
/// }
/// ```
pub fn observed_edges() -> Vec<ObservedEdge> {
    let mut edges: Vec<ObservedEdge> = EDGES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .values()
        .map(|edge| ObservedEdge {
            held: ObservedSite::of(edge.held),
            taken: ObservedSite::of(edge.taken),
            count: edge.count(),
        })
        .collect();
    edges.sort_by_key(|edge| (edge.held.sort_key(), edge.taken.sort_key()));
    edges
}

impl ObservedSite {
    fn of(site: &Site) -> Self {
        ObservedSite { level: site.level, lock: site.name, location: site.location }
    }

    fn sort_key(&self) -> (u32, &'static str, u32, u32, &'static str) {
        (self.level, self.location.file(), self.location.line(), self.location.column(), self.lock)
    }
}

struct Edge {
    held: &'static Site,
    taken: &'static Site,
    /// Counted by threads that no longer count it themselves (they exited, or
    /// their cache gave the slot to another edge), and by exiting threads.
    shared: AtomicU64,
    /// The counts of the threads that count it now, each written by its
    /// thread alone (plain loads and stores, no read-modify-write).
    threads: Mutex<Vec<&'static AtomicU64>>,
}

impl Edge {
    /// Every time it was observed so far, every thread's count included.
    fn count(&self) -> u64 {
        let threads = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
        let counted = threads.iter().map(|count| count.load(Ordering::Relaxed));
        self.shared.load(Ordering::Relaxed) + counted.sum::<u64>()
    }

    /// A count for the calling thread to own, listed with this edge.
    fn attach(&self) -> &'static AtomicU64 {
        let reused = POOL.lock().unwrap_or_else(PoisonError::into_inner).pop();
        // Leaked on purpose: the pool bounds them by the threads that count an
        // edge at once, and reports read them without counting references.
        let count = reused.unwrap_or_else(|| Box::leak(Box::new(AtomicU64::new(0))));
        self.threads.lock().unwrap_or_else(PoisonError::into_inner).push(count);
        count
    }

    /// The calling thread is done with `count`: adds it to the shared count
    /// under the lock a report reads with, so nothing is counted twice or lost.
    fn detach(&self, count: &'static AtomicU64) {
        {
            let mut threads = self.threads.lock().unwrap_or_else(PoisonError::into_inner);
            self.shared.fetch_add(count.load(Ordering::Relaxed), Ordering::Relaxed);
            if let Some(index) = threads.iter().position(|mine| core::ptr::eq(*mine, count)) {
                threads.swap_remove(index);
            }
        }
        count.store(0, Ordering::Relaxed);
        POOL.lock().unwrap_or_else(PoisonError::into_inner).push(count);
    }
}

/// Per-thread counts given back, zeroed.
static POOL: Mutex<Vec<&'static AtomicU64>> = Mutex::new(Vec::new());

/// The held site's id and the taken site's address.
type EdgeKey = (usize, usize);

static EDGES: LazyLock<Mutex<HashMap<EdgeKey, &'static Edge>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

const CACHE_SLOTS: usize = 64;

thread_local! {
    /// Direct-mapped: a nesting seen before on this thread costs a few loads
    /// and a plain increment of the thread's own count for it.
    static CACHE: [Cell<Option<(&'static Edge, &'static AtomicU64)>>; CACHE_SLOTS] =
        const { [const { Cell::new(None) }; CACHE_SLOTS] };
    /// Hands this thread's counts back to their edges when it exits.
    static FLUSH_ON_EXIT: FlushOnExit = const { FlushOnExit };
}

struct FlushOnExit;

impl Drop for FlushOnExit {
    fn drop(&mut self) {
        site::hand_back(&CACHE, |(edge, count)| edge.detach(count));
    }
}

/// Counts that `taken` was acquired while the site numbered `held` was the
/// highest level held.
#[inline]
pub(crate) fn observe(held: u32, taken: &'static Site) {
    let key = (held as usize, core::ptr::from_ref(taken).addr());
    let slot = ((key.0 ^ key.1.rotate_left(17)) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let slot = (slot >> 58) as usize % CACHE_SLOTS;
    let counted = CACHE.try_with(|cache| match cache[slot].get() {
        Some((edge, count)) if edge.held.id == held && core::ptr::eq(edge.taken, taken) => {
            // Only this thread writes its count.
            count.store(count.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
            true
        }
        _ => miss(&cache[slot], key, taken),
    });
    if counted != Ok(true) {
        register(key, taken).shared.fetch_add(1, Ordering::Relaxed);
    }
}

/// Gives this thread a count of its own for the edge in `slot` (handing the
/// count of the edge it evicts back) and counts one; `false` when the thread
/// is exiting and keeps no counts (the caller counts into the shared one).
#[cold]
fn miss(
    slot: &Cell<Option<(&'static Edge, &'static AtomicU64)>>,
    key: EdgeKey,
    taken: &'static Site,
) -> bool {
    if FLUSH_ON_EXIT.try_with(|_| ()).is_err() {
        return false;
    }
    let edge = register(key, taken);
    if let Some((evicted, count)) = slot.take() {
        evicted.detach(count);
    }
    let count = edge.attach();
    count.store(1, Ordering::Relaxed);
    slot.set(Some((edge, count)));
    true
}

#[cold]
fn register(key: EdgeKey, taken: &'static Site) -> &'static Edge {
    let held = site::by_id(key.0 as u32);
    let mut edges = EDGES.lock().unwrap_or_else(PoisonError::into_inner);
    edges.entry(key).or_insert_with(|| {
        // Leaked on purpose, as sites are: one per distinct pair of call sites.
        Box::leak(Box::new(Edge {
            held,
            taken,
            shared: AtomicU64::new(0),
            threads: Mutex::new(Vec::new()),
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_of_running_and_exited_threads_add_up_exactly() {
        let held = site::site(7_000, "EdgeHeld", Location::caller()).site;
        let taken = site::site(7_001, "EdgeTaken", Location::caller()).site;
        let count = || {
            let edges = observed_edges();
            let edge = edges.iter().find(|edge| edge.held.lock == "EdgeHeld");
            edge.map_or(0, |edge| edge.count)
        };
        let threads: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(move || {
                    for _ in 0..1_000 {
                        observe(held.id, taken);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("a counting thread");
        }
        assert_eq!(count(), 4_000, "exited threads' counts were handed back");
        for _ in 0..10 {
            observe(held.id, taken);
        }
        assert_eq!(count(), 4_010, "a running thread's count is read where it is");
    }
}
