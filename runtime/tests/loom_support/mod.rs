//! What the loom models share: polling a future by hand (a task that gives up
//! after one poll is a cancellation) and the data the locks guard.
#![allow(dead_code)] // each model uses a part

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use loom::sync::atomic::{AtomicUsize, Ordering};

/// Polls `future` once with a waker that does nothing: the future either
/// completes now or stays queued until it is polled again or dropped.
pub fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
}

/// Polls `future` once on the current loom thread's waker, so a later
/// `loom::future::block_on` of it sleeps until that waker is woken.
pub fn poll_once_here<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
    loom::future::block_on(std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *future).poll(cx))))
}

/// A count that only a lock keeps right: `Relaxed` on purpose, so a hold
/// that does not see the previous holder's write (a missing
/// acquire/release) loses an increment, and loom finds it.
pub struct Count(AtomicUsize);

impl Count {
    pub fn new() -> Count {
        Count(AtomicUsize::new(0))
    }

    pub fn bump(&self) {
        let seen = self.0.load(Ordering::Relaxed);
        self.0.store(seen + 1, Ordering::Relaxed);
    }

    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}
