//! `lockdep` and the Condvars: a wait ends the mutex's hold when it actually
//! releases the mutex and starts a new one when it re-takes it, every re-take
//! is checked and reported at the user's call (not inside the library), and a
//! cancelled wait leaves the held set exactly as it found it.
//!
//! Each test runs on its own thread, which is its own task for lockdep; the
//! async waits are polled by hand there, one state at a time.
#![cfg(feature = "lockdep")]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use lockladder::{Condvar, LockToken, Mutex, lock_level, sync};

mod hand_polling;
use hand_polling::{channel_waker, ready};
mod held_elsewhere;
use held_elsewhere::while_held_elsewhere;
mod lockdep_sites;
use lockdep_sites::panic_message;

/// A watchdog: far beyond any real wait, so a hang fails instead of blocking.
const WATCHDOG: Duration = Duration::from_secs(10);

#[lock_level(5)]
struct Low;

#[lock_level(10)]
struct Base;

#[lock_level(15)]
struct Mid;

#[lock_level(20)]
#[derive(Debug)]
struct Jobs {
    round: u32,
}

#[lock_level(30)]
struct Stats;

fn site(name: &str) -> String {
    lockdep_sites::site(include_str!("lockdep_condvar.rs"), file!(), name)
}

/// Whether this thread holds a lock at a level of 15 or more for lockdep:
/// taking `Mid` (15) through a second root token is then refused.
fn holds_mid_or_above(mid: &Mutex<Mid>) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        let mut another_root = LockToken::new();
        drop(mid.try_lock(&mut another_root).expect("nobody else holds it"));
    }))
    .is_err()
}

/// Whether this thread holds a lock at a level of 5 or more for lockdep.
fn holds_low_or_above(low: &Mutex<Low>) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        let mut another_root = LockToken::new();
        drop(low.try_lock(&mut another_root).expect("nobody else holds it"));
    }))
    .is_err()
}

#[test]
fn an_inverted_retake_inside_an_async_wait_while_is_reported_at_the_wait_while_call() {
    let (jobs, stats, changed) = (Mutex::new(Jobs { round: 0 }), Mutex::new(Stats), Condvar::new());
    let (waker, _woken) = channel_waker(16);
    let mut token = LockToken::new();
    let (held, mut at_jobs) = jobs.try_lock(&mut token).unwrap();
    let mut wait = pin!(changed.wait_while(&jobs, held, &mut at_jobs, |jobs| jobs.round < 2)); // site: async wait_while
    assert!(ready(wait.as_mut(), &waker).is_none(), "released, listening");

    let mut notifier = LockToken::new();
    jobs.try_lock(&mut notifier).unwrap().0.round = 1;
    changed.notify_all();
    // Re-taken, still `round < 2`: it waits again, from inside the library.
    assert!(ready(wait.as_mut(), &waker).is_none(), "waiting again");

    jobs.try_lock(&mut notifier).unwrap().0.round = 2;
    changed.notify_all();
    // Held through a second root when the mutex below it is re-taken.
    let (_stats, _) = stats.try_lock(&mut notifier).unwrap(); // site: stats
    let caught = catch_unwind(AssertUnwindSafe(|| ready(wait.as_mut(), &waker)));
    let message = panic_message(caught.expect_err("the inverted re-take must be reported"));
    assert!(
        message.starts_with(&format!(
            "lock order violation: cannot acquire `Jobs` (level 20) at {}",
            site("async wait_while")
        )),
        "{message}"
    );
    assert!(
        message
            .contains(&format!("while holding `Stats` (level 30), acquired at {}", site("stats"))),
        "{message}"
    );
}

#[test]
fn an_async_wait_not_yet_polled_still_holds_the_mutex_and_releases_it_when_polled() {
    let (jobs, mid, changed) = (Mutex::new(Jobs { round: 0 }), Mutex::new(Mid), Condvar::new());
    let (waker, _woken) = channel_waker(16);
    let mut token = LockToken::new();
    let (held, mut at_jobs) = jobs.try_lock(&mut token).unwrap();
    let mut wait = pin!(changed.wait(&jobs, held, &mut at_jobs)); // site: unpolled wait
    assert!(holds_mid_or_above(&mid), "created, not polled: the task still holds `Jobs`");
    assert!(ready(wait.as_mut(), &waker).is_none());
    assert!(!holds_mid_or_above(&mid), "polled: released, and the hold ended with it");

    changed.notify_one();
    let retaken = ready(wait.as_mut(), &waker).expect("re-taken");
    assert!(holds_mid_or_above(&mid), "the re-take is a hold again");
    drop(retaken);
    assert!(!holds_mid_or_above(&mid), "and it ends with the guard");
}

#[test]
fn the_held_set_is_exact_after_an_async_wait_is_cancelled_in_any_state() {
    let (base, jobs, changed) = (Mutex::new(Base), Mutex::new(Jobs { round: 0 }), Condvar::new());
    let (low, mid) = (Mutex::new(Low), Mutex::new(Mid));
    let (waker, _woken) = channel_waker(16);
    let mut token = LockToken::new();
    let (base_held, mut at_base) = base.try_lock(&mut token).unwrap();

    for state in ["holding", "listening", "locking"] {
        let (held, mut at_jobs) = jobs.try_lock(&mut at_base).expect("free again");
        let mut wait = Box::pin(changed.wait(&jobs, held, &mut at_jobs));
        if state == "holding" {
            drop(wait);
        } else if state == "listening" {
            assert!(ready(wait.as_mut(), &waker).is_none());
            drop(wait);
        } else {
            assert!(ready(wait.as_mut(), &waker).is_none());
            let hold = |until_released: &mut dyn FnMut()| {
                let mut other = LockToken::new();
                let (_held, _) = jobs.try_lock(&mut other).expect("released by the wait");
                until_released();
            };
            while_held_elsewhere(hold, || {
                assert!(changed.notify_one());
                // Polled here, on the test's thread (its task for lockdep):
                // notified, it queues for the mutex the other thread holds.
                assert!(ready(wait.as_mut(), &waker).is_none(), "locking");
                drop(wait);
            });
        }
        assert!(!holds_mid_or_above(&mid), "{state}: no hold of `Jobs` left behind");
        assert!(holds_low_or_above(&low), "{state}: the hold of `Base` is still there");
    }
    drop(base_held);
    assert!(!holds_low_or_above(&low), "nothing held once `Base` is released");
}

/// Waits on `jobs` with the blocking `Condvar`'s method `name` (one call per
/// line, each marked with its site).
fn blocking_wait(
    name: &str,
    changed: &sync::Condvar,
    jobs: &sync::Mutex<Jobs>,
    held: &mut sync::MutexGuard<'_, Jobs>,
    at_jobs: &mut LockToken<'_, Jobs>,
) {
    let (long, later) = (Duration::from_secs(600), Instant::now() + Duration::from_secs(600));
    let waiting = |jobs: &mut Jobs| jobs.round == 0;
    match name {
        "wait" => changed.wait(jobs, held, at_jobs), // site: wait
        "wait_while" => changed.wait_while(jobs, held, at_jobs, waiting), // site: wait_while
        "wait_for" => {
            let _ = changed.wait_for(jobs, held, at_jobs, long); // site: wait_for
        }
        "wait_until" => {
            let _ = changed.wait_until(jobs, held, at_jobs, later); // site: wait_until
        }
        "wait_while_for" => {
            let _ = changed.wait_while_for(jobs, held, at_jobs, waiting, long); // site: wait_while_for
        }
        "wait_while_until" => {
            let _ = changed.wait_while_until(jobs, held, at_jobs, waiting, later); // site: wait_while_until
        }
        _ => unreachable!("{name}"),
    }
}

#[test]
fn every_blocking_wait_that_would_retake_below_a_held_lock_panics_at_the_call_before_releasing() {
    let names =
        ["wait", "wait_while", "wait_for", "wait_until", "wait_while_for", "wait_while_until"];
    for name in names {
        let locks = Arc::new((sync::Mutex::new(Jobs { round: 0 }), sync::Mutex::new(Stats)));
        let changed = Arc::new(sync::Condvar::new());
        let (report, reported) = mpsc::channel();
        // Not scoped: a wait that does not panic would block the test's join
        // forever; the watchdog below fails it instead.
        thread::spawn({
            let (locks, changed) = (locks.clone(), changed.clone());
            move || {
                let (jobs, stats) = &*locks;
                let waited = catch_unwind(AssertUnwindSafe(|| {
                    let mut token = LockToken::new();
                    let (mut held, mut at_jobs) = jobs.lock(&mut token);
                    // Held through a second root: re-taking `Jobs` would invert.
                    let mut second_root = LockToken::new();
                    let (_stats, _) = stats.lock(&mut second_root);
                    blocking_wait(name, &changed, jobs, &mut held, &mut at_jobs);
                }));
                let _ = report.send(waited.err().map(panic_message));
            }
        });
        let message = reported
            .recv_timeout(WATCHDOG)
            .unwrap_or_else(|_| panic!("{name}: still waiting, not reported"))
            .unwrap_or_else(|| panic!("{name}: returned without a report"));
        let expected = format!("cannot acquire `Jobs` (level 20) at {}", site(name));
        assert!(message.contains(&expected), "{name}: {message}");
        assert!(!changed.notify_one(), "{name}: it panicked before it queued");
        let mut token = LockToken::new();
        assert!(locks.0.try_lock(&mut token).is_ok(), "{name}: the unwinding released `Jobs`");
    }
}
