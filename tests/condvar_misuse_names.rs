//! A `Condvar` wait given the guard of another mutex panics naming the
//! method the user called (`Condvar::wait_for`, not `Condvar::wait`), before
//! anything is released: each blocking and async wait.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use lockladder::{LockToken, lock_level, sync};

mod lockdep_sites;
use lockdep_sites::panic_message;

#[lock_level(20)]
struct Jobs;

/// Calls a wait of `condvar` on `jobs` with the guard of `other`.
type Wait = fn(
    &sync::Condvar,
    &sync::Mutex<Jobs>,
    &mut sync::MutexGuard<'_, Jobs>,
    &mut LockToken<'_, Jobs>,
);

const BLOCKING: &[(&str, Wait)] = &[
    ("wait", |condvar, jobs, guard, token| condvar.wait(jobs, guard, token)),
    ("wait_while", |condvar, jobs, guard, token| condvar.wait_while(jobs, guard, token, |_| true)),
    ("wait_for", |condvar, jobs, guard, token| {
        _ = condvar.wait_for(jobs, guard, token, Duration::ZERO);
    }),
    ("wait_until", |condvar, jobs, guard, token| {
        _ = condvar.wait_until(jobs, guard, token, Instant::now());
    }),
    ("wait_while_for", |condvar, jobs, guard, token| {
        _ = condvar.wait_while_for(jobs, guard, token, |_| true, Duration::ZERO);
    }),
    ("wait_while_until", |condvar, jobs, guard, token| {
        _ = condvar.wait_while_until(jobs, guard, token, |_| true, Instant::now());
    }),
];

#[test]
fn each_blocking_wait_given_another_mutexs_guard_panics_naming_itself() {
    for (method, wait) in BLOCKING {
        let (jobs, other, condvar) =
            (sync::Mutex::new(Jobs), sync::Mutex::new(Jobs), sync::Condvar::new());
        let mut token = LockToken::new();
        let (mut other_guard, mut at_jobs) = other.lock(&mut token);
        let caught = catch_unwind(AssertUnwindSafe(|| {
            wait(&condvar, &jobs, &mut other_guard, &mut at_jobs)
        }));
        let message = panic_message(caught.expect_err("a guard of another mutex panics"));
        let expected = format!(
            "Condvar::{method} was given a guard of another mutex than `Jobs` (lock level 20)"
        );
        assert_eq!(message, expected);
    }
}

#[test]
fn each_async_wait_given_another_mutexs_guard_panics_naming_itself() {
    type AsyncWait = fn(
        &lockladder::Condvar,
        &lockladder::Mutex<Jobs>,
        lockladder::MutexGuard<'_, Jobs>,
        &mut LockToken<'_, Jobs>,
    );
    let waits: [(&str, AsyncWait); 2] = [
        ("wait", |condvar, jobs, guard, token| drop(condvar.wait(jobs, guard, token))),
        ("wait_while", |condvar, jobs, guard, token| {
            drop(condvar.wait_while(jobs, guard, token, |_| true))
        }),
    ];
    for (method, wait) in waits {
        let (jobs, other) = (lockladder::Mutex::new(Jobs), lockladder::Mutex::new(Jobs));
        let condvar = lockladder::Condvar::new();
        let mut token = LockToken::new();
        let (other_guard, mut at_jobs) = other.try_lock(&mut token).expect("free");
        let caught =
            catch_unwind(AssertUnwindSafe(|| wait(&condvar, &jobs, other_guard, &mut at_jobs)));
        let message = panic_message(caught.expect_err("a guard of another mutex panics"));
        let expected = format!(
            "Condvar::{method} was given a guard of another mutex than `Jobs` (lock level 20)"
        );
        assert_eq!(message, expected);
    }
}
