//! Acquisition sites: one record per call site and level, with its counters.
//!
//! A site is where the user called `lock`/`read`/`write` (from
//! `#[track_caller]`) together with the level taken there; a generic helper
//! that locks several levels from one line has one site per level. Records live
//! for the whole program (there are as many as there are call sites, a bounded
//! number), so the hot path hands out `&'static` references and never counts
//! references.

use core::cell::Cell;
use core::panic::Location;
use core::time::Duration;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError};

use super::histogram::Histogram;

/// One call site at one level, and what happened there.
pub(crate) struct Site {
    pub(crate) level: u32,
    pub(crate) name: &'static str,
    pub(crate) location: &'static Location<'static>,
    pub(crate) acquisitions: AtomicU64,
    pub(crate) contended: AtomicU64,
    /// Waits of contended acquisitions, from the first failed attempt to the grant.
    pub(crate) wait: Histogram,
    pub(crate) hold: Histogram,
}

impl Site {
    pub(crate) fn record_grant(&self, waited: Option<Duration>) {
        self.acquisitions.fetch_add(1, Ordering::Relaxed);
        if let Some(waited) = waited {
            self.contended.fetch_add(1, Ordering::Relaxed);
            self.wait.record(waited);
        }
    }
}

/// The site of an acquisition of `name` at `level`, from `location`.
#[inline]
pub(crate) fn site(
    level: u32,
    name: &'static str,
    location: &'static Location<'static>,
) -> &'static Site {
    let key = CacheKey { location, name: name.as_ptr(), level };
    let slot = key.slot();
    CACHE.with(|cache| {
        if let Some((cached, site)) = cache[slot].get()
            && cached == key
        {
            return site;
        }
        let site = register(level, name, location);
        cache[slot].set(Some((key, site)));
        site
    })
}

/// Every site seen so far, in no particular order.
pub(crate) fn all() -> Vec<&'static Site> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner).values().copied().collect()
}

/// The per-thread cache of sites, direct-mapped: a hit is a few loads, a miss
/// (first use on this thread, or a collision) goes to the registry.
const CACHE_SLOTS: usize = 128;

thread_local! {
    static CACHE: [Cell<Option<(CacheKey, &'static Site)>>; CACHE_SLOTS] =
        const { [const { Cell::new(None) }; CACHE_SLOTS] };
}

/// Identifies a site by address, which is cheap; the registry compares contents,
/// so two copies of one `Location` or name still share one record.
#[derive(Clone, Copy)]
struct CacheKey {
    location: &'static Location<'static>,
    name: *const u8,
    level: u32,
}

impl CacheKey {
    fn slot(&self) -> usize {
        let address = core::ptr::from_ref(self.location) as usize as u64;
        let mixed = (address ^ u64::from(self.level)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 57) as usize % CACHE_SLOTS
    }
}

impl PartialEq for CacheKey {
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self.location, other.location)
            && self.name == other.name
            && self.level == other.level
    }
}

type RegistryKey = (Location<'static>, &'static str, u32);

static REGISTRY: LazyLock<Mutex<HashMap<RegistryKey, &'static Site>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

#[cold]
fn register(level: u32, name: &'static str, location: &'static Location<'static>) -> &'static Site {
    let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    registry.entry((*location, name, level)).or_insert_with(|| {
        // Leaked on purpose: one record per call site and level, for the
        // program's lifetime, so that holds can point at it without counting.
        Box::leak(Box::new(Site {
            level,
            name,
            location,
            acquisitions: AtomicU64::new(0),
            contended: AtomicU64::new(0),
            wait: Histogram::new(),
            hold: Histogram::new(),
        }))
    })
}
