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
            count: edge.count.load(Ordering::Relaxed),
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
    count: AtomicU64,
}

/// The held site's id and the taken site's address.
type EdgeKey = (usize, usize);

static EDGES: LazyLock<Mutex<HashMap<EdgeKey, &'static Edge>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

const CACHE_SLOTS: usize = 64;

thread_local! {
    /// Direct-mapped: a nesting seen before on this thread costs a few loads
    /// and one atomic increment.
    static CACHE: [Cell<Option<&'static Edge>>; CACHE_SLOTS] =
        const { [const { Cell::new(None) }; CACHE_SLOTS] };
}

/// Counts that `taken` was acquired while the site numbered `held` was the
/// highest level held.
#[inline]
pub(crate) fn observe(held: u32, taken: &'static Site) {
    let key = (held as usize, core::ptr::from_ref(taken).addr());
    let slot = ((key.0 ^ key.1.rotate_left(17)) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let slot = (slot >> 58) as usize % CACHE_SLOTS;
    let edge = CACHE
        .try_with(|cache| match cache[slot].get() {
            Some(edge) if edge.held.id == held && core::ptr::eq(edge.taken, taken) => edge,
            _ => {
                let edge = register(key, taken);
                cache[slot].set(Some(edge));
                edge
            }
        })
        .unwrap_or_else(|_| register(key, taken));
    edge.count.fetch_add(1, Ordering::Relaxed);
}

#[cold]
fn register(key: EdgeKey, taken: &'static Site) -> &'static Edge {
    let held = site::by_id(key.0 as u32);
    let mut edges = EDGES.lock().unwrap_or_else(PoisonError::into_inner);
    edges.entry(key).or_insert_with(|| {
        // Leaked on purpose, as sites are: one per distinct pair of call sites.
        Box::leak(Box::new(Edge { held, taken, count: AtomicU64::new(0) }))
    })
}
