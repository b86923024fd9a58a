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
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};

use super::counters::{Counters, Counts, SiteCounters};
use super::held_set::LiveHolds;

/// One call site at one level, and what happened there.
pub(crate) struct Site {
    pub(crate) level: u32,
    pub(crate) name: &'static str,
    pub(crate) location: &'static Location<'static>,
    pub(crate) counters: SiteCounters,
    /// A number of its own, so that a hold's entry (atomics only) can name it.
    pub(crate) id: u32,
}

impl Site {
    /// Everything counted here so far, every thread's counters included,
    /// given the holds going on (read before the counters: a hold granted
    /// after that look counts as ended zero long, not as less than none).
    pub(crate) fn counts(&self, live: &LiveHolds) -> Counts {
        self.counters.counts().with_zero_holds(live.of(self.id))
    }
}

/// A site as the calling thread sees it: the record, and the counters this
/// thread owns for it (its cache slot finds them again when the hold ends).
#[derive(Clone, Copy)]
pub(crate) struct LocalSite {
    pub(crate) site: &'static Site,
    counters: &'static Counters,
    /// The site's id in the high 24 bits, and in the low 8 the cache slot,
    /// or `NO_SLOT` when the counters are the shared ones (a thread that is
    /// exiting keeps no cache): what a hold's entry records, kept in the
    /// cache so that a hit reads nothing of the site's own record.
    word: u32,
}

const NO_SLOT: u8 = u8::MAX;

impl LocalSite {
    /// The site with its shared counters, for a thread that keeps no cache.
    fn shared(site: &'static Site) -> LocalSite {
        LocalSite {
            site,
            counters: site.counters.shared(),
            word: site.id << 8 | u32::from(NO_SLOT),
        }
    }

    /// Counts a grant; `timed`: its hold is.
    #[inline]
    pub(crate) fn grant(&self, waited: Option<core::time::Duration>, timed: bool) {
        if self.word as u8 == NO_SLOT {
            self.counters.grant_shared(waited, timed);
        } else {
            self.counters.grant_owned(waited, timed);
        }
    }

    /// The site's id and the cache slot of this thread's counters for it
    /// (for [`hold`] to find them again), as a hold's entry records them.
    #[inline(always)]
    pub(crate) fn word(&self) -> u32 {
        self.word
    }
}

/// Counts a hold of `nanos` of the site numbered `site` that ended, on
/// whatever thread it ends: into this thread's counters if its cache `slot`
/// (where the grant counted) still holds them, else into the shared ones.
#[inline]
pub(crate) fn hold(site: u32, slot: u8, nanos: u64) {
    match owned_counters(site, slot) {
        Some(counters) => counters.hold_owned(nanos),
        None => hold_shared(site, nanos),
    }
}

/// This thread's counters for the site numbered `site`, if its cache `slot`
/// still holds them (`NO_SLOT`, or a slot given to another site since, or a
/// hold released on another thread: `None`).
#[inline(always)]
fn owned_counters(site: u32, slot: u8) -> Option<&'static Counters> {
    CACHE
        .try_with(|cache| {
            let cached = cache.get(usize::from(slot))?.get()?;
            (cached.site.id == site).then_some(cached.counters)
        })
        .ok()
        .flatten()
}

#[cold]
fn hold_shared(site: u32, nanos: u64) {
    by_id(site).counters.shared().hold_shared(nanos);
}

/// The site numbered `id`.
#[inline]
pub(crate) fn by_id(id: u32) -> &'static Site {
    let id = id as usize;
    let found = BY_ID
        .get(id / ID_CHUNK)
        .and_then(OnceLock::get)
        .and_then(|chunk| chunk[id % ID_CHUNK].get().copied());
    // Set under the registry lock before the id is handed out.
    found.unwrap_or_else(|| by_id_beyond_the_table(id))
}

#[cold]
fn by_id_beyond_the_table(id: usize) -> &'static Site {
    let registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    let site = registry.values().find(|site| site.id as usize == id).copied();
    site.expect("a site id is only handed out once its site is registered")
}

/// Sites by id, in chunks allocated as they fill: `ID_CHUNK * ID_CHUNK` sites
/// (a million) are found without a lock; more, under the registry's lock.
const ID_CHUNK: usize = 1024;

type IdChunk = Box<[OnceLock<&'static Site>; ID_CHUNK]>;

static BY_ID: [OnceLock<IdChunk>; ID_CHUNK] = [const { OnceLock::new() }; ID_CHUNK];

/// The site of an acquisition of `name` at `level`, from `location`.
#[inline]
pub(crate) fn site(
    level: u32,
    name: &'static str,
    location: &'static Location<'static>,
) -> LocalSite {
    let slot = CacheKey::slot_of(location, level);
    let cached = CACHE.try_with(|cache| {
        // The hit compares the key's fields where they are; the key is only
        // built on a miss.
        if let Some(cached) = cache[slot].get()
            && core::ptr::eq(cached.key.location, location)
            && cached.key.level == level
            && core::ptr::eq(cached.key.name, name)
        {
            return LocalSite { site: cached.site, counters: cached.counters, word: cached.word };
        }
        miss(cache, slot, CacheKey { location, name, level })
    });
    cached.unwrap_or_else(|_| {
        let site = register(level, name, location);
        LocalSite::shared(site)
    })
}

/// Registers the site if new, and gives this thread counters of its own for it
/// in `slot` (handing the counters of the site it evicts back).
#[cold]
fn miss(cache: &[Cell<Option<Slot>>; CACHE_SLOTS], slot: usize, key: CacheKey) -> LocalSite {
    let site = register(key.level, key.name, key.location);
    if FLUSH_ON_EXIT.try_with(|_| ()).is_err() {
        // The thread is exiting: count into the shared counters, cache nothing.
        return LocalSite::shared(site);
    }
    if let Some(evicted) = cache[slot].take() {
        evicted.site.counters.detach(evicted.counters);
    }
    let counters = site.counters.attach();
    let word = site.id << 8 | slot as u32;
    cache[slot].set(Some(Slot { key, site, counters, word }));
    LocalSite { site, counters, word }
}

/// Every site seen so far, in no particular order.
pub(crate) fn all() -> Vec<&'static Site> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner).values().copied().collect()
}

/// The per-thread cache of sites, direct-mapped: a hit is a few loads, a miss
/// (first use on this thread, or a collision) goes to the registry.
const CACHE_SLOTS: usize = 128;

#[derive(Clone, Copy)]
struct Slot {
    key: CacheKey,
    site: &'static Site,
    counters: &'static Counters,
    /// See [`LocalSite::word`].
    word: u32,
}

thread_local! {
    static CACHE: [Cell<Option<Slot>>; CACHE_SLOTS] =
        const { [const { Cell::new(None) }; CACHE_SLOTS] };
    /// Hands this thread's counters back to their sites when it exits.
    static FLUSH_ON_EXIT: FlushOnExit = const { FlushOnExit };
}

struct FlushOnExit;

impl Drop for FlushOnExit {
    fn drop(&mut self) {
        hand_back(&CACHE, |slot| slot.site.counters.detach(slot.counters));
    }
}

/// Empties an exiting thread's cache of counts of its own, handing each to
/// `detach` (which adds it to the shared count).
pub(crate) fn hand_back<T: Copy, const SLOTS: usize>(
    cache: &'static std::thread::LocalKey<[Cell<Option<T>>; SLOTS]>,
    detach: impl Fn(T),
) {
    let _ = cache.try_with(|cache| cache.iter().filter_map(Cell::take).for_each(&detach));
}

/// Identifies a site by address, which is cheap; the registry compares contents,
/// so two copies of one `Location` or name still share one record.
#[derive(Clone, Copy)]
struct CacheKey {
    location: &'static Location<'static>,
    name: &'static str,
    level: u32,
}

impl CacheKey {
    #[inline(always)]
    fn slot_of(location: &'static Location<'static>, level: u32) -> usize {
        let address = core::ptr::from_ref(location) as usize as u64;
        let mixed = (address ^ u64::from(level)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 57) as usize % CACHE_SLOTS
    }
}

type RegistryKey = (Location<'static>, &'static str, u32);

static REGISTRY: LazyLock<Mutex<HashMap<RegistryKey, &'static Site>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

#[cold]
fn register(level: u32, name: &'static str, location: &'static Location<'static>) -> &'static Site {
    let mut registry = REGISTRY.lock().unwrap_or_else(PoisonError::into_inner);
    let id = u32::try_from(registry.len()).unwrap_or(u32::MAX);
    let site = *registry.entry((*location, name, level)).or_insert_with(|| {
        // Leaked on purpose: one record per call site and level, for the
        // program's lifetime, so that holds can point at it without counting.
        Box::leak(Box::new(Site { level, name, location, counters: SiteCounters::new(), id }))
    });
    if site.id == id
        && let Some(chunk) = BY_ID.get(id as usize / ID_CHUNK)
    {
        let chunk = chunk.get_or_init(|| Box::new([const { OnceLock::new() }; ID_CHUNK]));
        let _ = chunk[id as usize % ID_CHUNK].set(site);
    }
    site
}
