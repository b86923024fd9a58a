//! How lockdep times holds and waits: not at all, with a coarse clock that
//! costs one load, or with the precise clock.
//!
//! Reading a precise clock twice per hold was most of what lockdep cost per
//! acquisition (`quanta`'s TSC read is ~20 ns on a VM, more than a whole
//! uncontended lock + unlock). The default reads a coarse clock instead: a
//! number that a background thread (`lockladder-lockdep-clock`, started at the
//! first timed hold) advances every [`COARSE_TICK`]. The long-hold warning sees
//! every hold, to within one tick; hold times in the statistics are multiples
//! of the tick, so in-memory critical sections count as zero long. Waits are
//! always timed precisely: a wait is already slow.

use core::time::Duration;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use quanta::Instant;

/// How lockdep times holds and waits, set with [`set_timing`].
///
/// ```
/// use lockladder::lockdep::{TimingMode, set_timing, timing};
///
/// assert_eq!(timing(), TimingMode::Coarse); // the default
/// set_timing(TimingMode::Precise); // nanosecond hold times in `stats::report()`
/// assert_eq!(timing(), TimingMode::Precise);
/// # set_timing(TimingMode::Coarse);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimingMode {
    /// No clock is read: the order is checked, acquisitions, contention and
    /// nestings are counted, but no wait or hold is timed and no long-hold
    /// warning is sent. The cheapest net.
    Off,
    /// The default. Holds are timed with a coarse clock that a background
    /// thread advances every millisecond, read with one load at the grant and
    /// one at the release: every hold of at least the
    /// [long-hold threshold](super::long_hold_threshold) is warned about (to
    /// within a millisecond), and hold times in the statistics are whole
    /// milliseconds (shorter holds count as zero). Waits are timed precisely.
    Coarse,
    /// Holds and waits are timed with the precise clock (`quanta`, the TSC
    /// where it is reliable): nanosecond hold times in the statistics, for two
    /// clock reads per hold (~40 ns on a VM, more than an uncontended lock).
    Precise,
}

/// The coarse clock's resolution: how often its thread advances it. With
/// [`TimingMode::Coarse`], hold times are counted in these.
///
/// ```
/// use std::time::Duration;
///
/// // A long-hold threshold is met to within one tick.
/// let threshold = Duration::from_millis(50);
/// assert!(lockladder::lockdep::COARSE_TICK * 10 <= threshold);
/// lockladder::lockdep::set_long_hold_threshold(Some(threshold));
/// ```
pub const COARSE_TICK: Duration = Duration::from_millis(1);

static TIMING: AtomicU8 = AtomicU8::new(TimingMode::Coarse as u8);

/// Chooses how holds and waits are timed (see [`TimingMode`]); the default is
/// [`TimingMode::Coarse`].
///
/// The setting is global and applies to holds granted after it: a hold is
/// timed to its end with the clock it started with.
///
/// ```
/// use lockladder::lockdep::{TimingMode, set_timing, timing};
///
/// // The cheapest net: order checks and counts, no clock.
/// set_timing(TimingMode::Off);
/// assert_eq!(timing(), TimingMode::Off);
/// set_timing(TimingMode::Coarse);
/// ```
pub fn set_timing(timing: TimingMode) {
    TIMING.store(timing as u8, Ordering::Relaxed);
    let start = match timing {
        TimingMode::Off => UNTIMED,
        TimingMode::Coarse => COARSE_NOW.load(Ordering::Relaxed),
        TimingMode::Precise => PRECISE,
    };
    HOLD_START.store(start, Ordering::Relaxed);
}

/// How holds and waits are timed now (see [`set_timing`]).
///
/// ```
/// use lockladder::lockdep::{TimingMode, timing};
///
/// assert_eq!(timing(), TimingMode::Coarse); // unless changed with `set_timing`
/// ```
#[inline]
pub fn timing() -> TimingMode {
    match TIMING.load(Ordering::Relaxed) {
        0 => TimingMode::Off,
        1 => TimingMode::Coarse,
        _ => TimingMode::Precise,
    }
}

/// A moment a hold started, as a word: nanoseconds since the clocks' common
/// start in the high bits, the clock that read it in the low two. Both clocks
/// count from one start, so the two never disagree by more than a tick.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp(u64);

const UNTIMED: u64 = 0;
const COARSE: u64 = 1;
const PRECISE: u64 = 2;

impl Stamp {
    #[cfg(test)]
    pub(crate) const NONE: Stamp = Stamp(UNTIMED);

    /// The word, to keep in a hold's entry.
    #[inline]
    pub(crate) fn to_bits(self) -> u64 {
        self.0
    }

    #[inline]
    pub(crate) fn from_bits(bits: u64) -> Stamp {
        Stamp(bits)
    }

    /// The start of a hold, by the clock chosen now: one load while timing
    /// is off or coarse (the default).
    #[inline(always)]
    pub(crate) fn hold_start() -> Stamp {
        match HOLD_START.load(Ordering::Relaxed) {
            start if start & PRECISE == 0 => Stamp(start),
            PRECISE => Stamp(precise_nanos() << 2 | PRECISE),
            _ => Stamp(coarse_stamp()),
        }
    }

    /// Whether this starts a timed hold (timing was on when it was read).
    #[inline(always)]
    pub(crate) fn is_timed(self) -> bool {
        self.0 & 3 != UNTIMED
    }

    /// A coarse stamp of the coarse clock's current tick: the hold it started
    /// is zero ticks long. One load, one comparison (a coarse clock that
    /// has not started reads [`NOT_STARTED`], which is no stamp).
    #[inline(always)]
    pub(crate) fn in_current_tick(self) -> bool {
        self.0 == COARSE_NOW.load(Ordering::Relaxed)
    }

    /// How many nanoseconds ago this was, by the clock it was read with;
    /// `None` if untimed.
    #[inline]
    pub(crate) fn elapsed_nanos(self) -> Option<u64> {
        let now = match self.0 & 3 {
            UNTIMED => return None,
            COARSE => coarse_nanos(),
            _ => precise_nanos(),
        };
        Some(now.saturating_sub(self.0 >> 2))
    }
}

/// The start of a wait (the first failed attempt), if timing is on, in
/// nanoseconds since the clocks' start plus one (zero: not timed). Always the
/// precise clock, since a wait is slow anyway.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct WaitStart(u64);

impl WaitStart {
    pub(crate) const NONE: WaitStart = WaitStart(0);

    /// Now, if timing is on.
    pub(crate) fn now() -> WaitStart {
        if TIMING.load(Ordering::Relaxed) == TimingMode::Off as u8 {
            return WaitStart::NONE;
        }
        WaitStart(precise_nanos().saturating_add(1))
    }

    /// How long the wait lasted until now, if it was timed.
    #[inline]
    pub(crate) fn elapsed(self) -> Option<Duration> {
        (self != WaitStart::NONE)
            .then(|| Duration::from_nanos(precise_nanos().saturating_sub(self.0 - 1)))
    }
}

/// The start every stamp counts from.
fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

fn precise_nanos() -> u64 {
    u64::try_from(Instant::now().duration_since(origin()).as_nanos()).unwrap_or(u64::MAX >> 2)
}

/// The coarse clock: nanoseconds since `origin()` at the last tick, as the
/// coarse [`Stamp`] of that moment (so a hold's start is this word as read),
/// or [`NOT_STARTED`].
static COARSE_NOW: AtomicU64 = AtomicU64::new(NOT_STARTED);

/// The coarse clock's word before it starts, or when its thread could not be
/// started: no stamp has both low bits set, so no hold matches it.
const NOT_STARTED: u64 = 3;

/// What a hold's start reads, so that it is one load: the coarse clock's word
/// while timing is coarse (kept so by the clock's thread; [`NOT_STARTED`] until
/// it runs), [`UNTIMED`] while timing is off, [`PRECISE`] while it is precise
/// (then the precise clock is read).
static HOLD_START: AtomicU64 = AtomicU64::new(NOT_STARTED);

/// The coarse clock's thread moved it: holds that start now start at `now`,
/// unless timing is off or precise.
fn coarse_moved(now: u64) {
    COARSE_NOW.store(now, Ordering::Relaxed);
    let _ = HOLD_START.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |start| {
        (start & 3 == COARSE || start == NOT_STARTED).then_some(now)
    });
}

/// Now by the coarse clock, as a stamp.
#[inline]
fn coarse_stamp() -> u64 {
    match COARSE_NOW.load(Ordering::Relaxed) {
        NOT_STARTED => start_coarse_clock() << 2 | COARSE,
        now => now,
    }
}

#[inline]
pub(crate) fn coarse_nanos() -> u64 {
    coarse_stamp() >> 2
}

/// Now by the precise clock, as the coarse clock's word.
fn coarse_now_from_precise() -> u64 {
    precise_nanos() << 2 | COARSE
}

/// Starts the thread that advances the coarse clock, once; if no thread can be
/// started, the coarse clock reads the precise one.
#[cold]
fn start_coarse_clock() -> u64 {
    static STARTED: OnceLock<bool> = OnceLock::new();
    let ticking = *STARTED.get_or_init(|| {
        coarse_moved(coarse_now_from_precise());
        std::thread::Builder::new()
            .name("lockladder-lockdep-clock".to_owned())
            .spawn(|| {
                loop {
                    std::thread::sleep(COARSE_TICK);
                    coarse_moved(coarse_now_from_precise());
                }
            })
            .is_ok()
    });
    if !ticking {
        // Every later read comes here too: the precise clock stands in.
        COARSE_NOW.store(NOT_STARTED, Ordering::Relaxed);
        let _ = HOLD_START.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |start| {
            (start & 3 == COARSE).then_some(NOT_STARTED)
        });
        return precise_nanos();
    }
    COARSE_NOW.load(Ordering::Relaxed) >> 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_keeps_its_clock_and_measures_from_the_common_origin() {
        let coarse = Stamp(5_000 << 2 | COARSE);
        let precise = Stamp(5_000 << 2 | PRECISE);
        assert!(coarse.elapsed_nanos().is_some() && precise.elapsed_nanos().is_some());
        assert_eq!(Stamp::NONE.elapsed_nanos(), None);
        assert_eq!(Stamp::from_bits(coarse.to_bits()).0 & 3, COARSE);
    }

    #[test]
    fn a_hold_starts_at_the_coarse_clock_as_it_moves() {
        let first = Stamp::hold_start();
        assert_eq!(first.0 & 3, COARSE, "the default is the coarse clock");
        // A watchdog, not a measurement: the clock's thread may be starved.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while COARSE_NOW.load(Ordering::Relaxed) == first.0 {
            assert!(std::time::Instant::now() < deadline, "the coarse clock never advanced");
            std::thread::sleep(COARSE_TICK);
        }
        // A tick may pass between the two loads: a few tries.
        let follows = (0..100).any(|_| Stamp::hold_start().in_current_tick());
        assert!(follows, "a hold's start follows the coarse clock");
    }

    #[test]
    fn the_coarse_clock_advances_by_ticks() {
        let start = coarse_nanos();
        // A watchdog, not a measurement: the clock's thread may be starved.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let mut later = coarse_nanos();
        while later == start {
            assert!(std::time::Instant::now() < deadline, "the coarse clock never advanced");
            std::thread::sleep(COARSE_TICK);
            later = coarse_nanos();
        }
        assert!(Duration::from_nanos(later - start) >= COARSE_TICK, "{start} -> {later}");
    }
}
