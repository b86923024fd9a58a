//! `lockdep::set_timing(TimingMode::Off)`: the order is still checked and
//! acquisitions still counted, but no hold or wait is timed and no long-hold
//! warning is possible. The only test in its binary (the switch is global).
#![cfg(feature = "lockdep")]

use std::panic::{AssertUnwindSafe, catch_unwind};

use lockladder::lockdep::{TimingMode, set_timing, timing};
use lockladder::{LockToken, Mutex, lock_level, stats};

#[lock_level(510)]
struct Shelf;

#[lock_level(520)]
struct Crate;

#[test]
fn without_timing_orders_are_checked_and_counted_but_nothing_is_timed() {
    let (shelf, boxes) = (Mutex::new(Shelf), Mutex::new(Crate));
    assert_eq!(timing(), TimingMode::Coarse, "the default");
    set_timing(TimingMode::Off);
    assert_eq!(timing(), TimingMode::Off);
    for _ in 0..4 {
        let mut token = LockToken::new();
        let (_shelf, mut token) = shelf.try_lock(&mut token).unwrap();
        drop(boxes.try_lock(&mut token).unwrap());
    }
    let inversion = catch_unwind(AssertUnwindSafe(|| {
        let mut token = LockToken::new();
        let (_boxes, _token) = boxes.try_lock(&mut token).unwrap();
        let _ = shelf.try_lock(&mut LockToken::new());
    }));
    assert!(inversion.is_err(), "the order is still checked");

    let report = stats::report();
    let shelf = report.level(510).unwrap().stats;
    assert_eq!(shelf.acquisitions, 4);
    assert_eq!(shelf.hold.count, 0, "no hold is timed");

    set_timing(TimingMode::Coarse);
    drop(boxes.try_lock(&mut LockToken::new()).unwrap());
    set_timing(TimingMode::Precise);
    drop(boxes.try_lock(&mut LockToken::new()).unwrap());
    let counted = stats::report().level(520).unwrap().stats;
    assert_eq!(counted.acquisitions, 4 + 1 + 2);
    assert_eq!(counted.hold.count, 2, "timed again once turned back on, by either clock");

    // A hold is timed to its end by the clock it started with.
    let mut token = LockToken::new();
    let held = boxes.try_lock(&mut token).unwrap();
    set_timing(TimingMode::Off);
    drop(held);
    let counted = stats::report().level(520).unwrap().stats;
    assert_eq!(counted.hold.count, 3, "started timed, so timed");
    set_timing(TimingMode::Coarse);
}
