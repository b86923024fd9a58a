//! Holding a lock on another thread (another task for lockdep) while the
//! test drives a waiter by hand on its own thread.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::sync::mpsc;
use std::thread;

/// Runs `hold` on another thread, which takes a lock and then calls the
/// function it is given, returning once `meanwhile` (run here after the lock
/// was taken) is done; the lock is released after that.
pub fn while_held_elsewhere<R>(
    hold: impl FnOnce(&mut dyn FnMut()) + Send,
    meanwhile: impl FnOnce() -> R,
) -> R {
    thread::scope(|scope| {
        let (taken, is_taken) = mpsc::channel();
        let (release, is_released) = mpsc::channel::<()>();
        scope.spawn(move || {
            hold(&mut || {
                taken.send(()).unwrap();
                // Returns when `release` is dropped, after `meanwhile`.
                let _ = is_released.recv();
            });
        });
        is_taken.recv().expect("the other thread took the lock");
        let result = meanwhile();
        drop(release);
        result
    })
}
