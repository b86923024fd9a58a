//! [`Gate`]: lets operations in until it is closed, then waits for them to drain.

mod shim;
mod state;

use core::fmt;
use std::time::Instant;

use shim::{Listener, Notify};
use state::{Claim, GateState};

/// A quiescing gate: operations enter it, and one caller closes it and waits
/// until every operation that got in has left.
///
/// Use it in front of a resource that one caller will tear down while others
/// may still be using it, such as an FFI handle that `free` must not release
/// under an operation in flight. Each operation takes a [`GatePass`] with
/// [`try_enter`](Gate::try_enter) and holds it while it works; the teardown
/// calls [`close`](Gate::close) (or [`close_blocking`](Gate::close_blocking))
/// and frees the resource only on [`CloseOutcome::Drained`].
///
/// ```
/// use std::time::{Duration, Instant};
/// use lockladder::{CloseOutcome, Gate};
///
/// let gate = Gate::new();
/// let pass = gate.try_enter().expect("the gate is open");
/// // ... an operation uses the handle while `pass` lives ...
/// drop(pass);
///
/// let deadline = Instant::now() + Duration::from_secs(5);
/// assert_eq!(gate.close_blocking(deadline), CloseOutcome::Drained); // free the handle now
/// assert!(gate.try_enter().is_none()); // and nobody gets in any more
/// ```
///
/// # Guarantees
///
/// * Once a `close` has started, no new pass is granted, ever.
/// * Exactly one caller ever gets [`CloseOutcome::Drained`], and it gets it
///   only when no pass is alive; everything done under a pass happens before
///   it. Other closers get [`CloseOutcome::AlreadyClosing`] at once.
/// * The closer sleeps until the last pass drops and wakes it (an
///   [`event_listener`](https://docs.rs/event-listener) notification): no
///   polling, no sleep loop.
/// * A closer that times out (or whose `close` future is dropped) gives up its
///   claim; the gate stays closed and a later `close` may wait again.
///
/// A gate is not a lock: `try_enter` never waits, so it has no level and takes
/// no token. Do not call `close` while holding a pass of the same gate: it
/// waits for that pass too, until its deadline.
pub struct Gate {
    state: GateState,
    drained: Notify,
}

/// The permission to run one operation behind a [`Gate`]; the operation has
/// left the gate when the pass drops.
///
/// ```
/// use lockladder::Gate;
///
/// let gate = Gate::new();
/// let pass = gate.try_enter().unwrap();
/// drop(pass); // the operation is done
/// ```
#[must_use = "the operation leaves the gate as soon as the pass is dropped"]
pub struct GatePass<'a> {
    gate: &'a Gate,
}

/// How a call to [`Gate::close`] or [`Gate::close_blocking`] ended.
///
/// ```
/// use std::time::{Duration, Instant};
/// use lockladder::{CloseOutcome, Gate};
///
/// let gate = Gate::new();
/// let deadline = Instant::now() + Duration::from_secs(1);
/// assert_eq!(gate.close_blocking(deadline), CloseOutcome::Drained);
/// assert_eq!(gate.close_blocking(deadline), CloseOutcome::AlreadyClosing);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloseOutcome {
    /// Every pass has dropped and none will be granted again: this caller, and
    /// no other, may now tear the resource down.
    Drained,
    /// Another caller is closing the gate, or has drained it. Do not tear down.
    AlreadyClosing,
    /// A pass outlived the deadline. The gate stays closed to new passes and
    /// this caller's claim is released: call `close` again to keep waiting.
    TimedOut,
}

impl Gate {
    /// An open gate with no pass out.
    ///
    /// ```
    /// use lockladder::Gate;
    ///
    /// let gate = Gate::new();
    /// assert!(!gate.is_closed());
    /// ```
    pub fn new() -> Self {
        Gate { state: GateState::new(), drained: Notify::new() }
    }

    /// A pass for one operation, or `None` once the gate is closing or closed.
    /// Never waits.
    ///
    /// # Panics
    ///
    /// If about 2^62 passes are alive at once (they are being leaked).
    ///
    /// ```
    /// use lockladder::Gate;
    ///
    /// let gate = Gate::new();
    /// match gate.try_enter() {
    ///     Some(_pass) => { /* use the resource while `_pass` lives */ }
    ///     None => { /* the resource is going away: fail the operation */ }
    /// }
    /// ```
    pub fn try_enter(&self) -> Option<GatePass<'_>> {
        // `then`, not `then_some`: a pass built and dropped would count itself out.
        self.state.enter().then(|| GatePass { gate: self })
    }

    /// Closes the gate and waits, without blocking the thread, until every
    /// pass has dropped or `deadline` passes.
    ///
    /// Cancel safe: dropping the future gives up the claim as a timeout does.
    ///
    /// # Panics
    ///
    /// When it has to wait, outside a tokio runtime with the time driver
    /// enabled (`#[tokio::main]` enables it).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{CloseOutcome, Gate};
    ///
    /// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
    /// let gate = Gate::new();
    /// let deadline = Instant::now() + Duration::from_secs(5);
    /// if gate.close(deadline).await == CloseOutcome::Drained {
    ///     // the only caller that may free the resource
    /// }
    /// # });
    /// ```
    pub async fn close(&self, deadline: Instant) -> CloseOutcome {
        let Some(closer) = self.claim() else { return CloseOutcome::AlreadyClosing };
        while let Some(listener) = self.listen_unless_drained() {
            if !listener.wait_async(deadline).await {
                return closer.timed_out();
            }
        }
        closer.drained()
    }

    /// Closes the gate and blocks the thread until every pass has dropped or
    /// `deadline` passes. In async code use [`close`](Gate::close).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use lockladder::{CloseOutcome, Gate};
    ///
    /// let gate = Gate::new();
    /// let pass = gate.try_enter().unwrap();
    /// let soon = Instant::now() + Duration::from_millis(10);
    /// assert_eq!(gate.close_blocking(soon), CloseOutcome::TimedOut); // `pass` is still out
    /// drop(pass);
    /// assert_eq!(gate.close_blocking(soon), CloseOutcome::Drained);
    /// ```
    pub fn close_blocking(&self, deadline: Instant) -> CloseOutcome {
        let Some(closer) = self.claim() else { return CloseOutcome::AlreadyClosing };
        while let Some(listener) = self.listen_unless_drained() {
            if !listener.wait_until(deadline) {
                return closer.timed_out();
            }
        }
        closer.drained()
    }

    /// `true` once a `close` has started: no pass will be granted any more.
    ///
    /// ```
    /// use std::time::Instant;
    /// use lockladder::Gate;
    ///
    /// let gate = Gate::new();
    /// gate.close_blocking(Instant::now());
    /// assert!(gate.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.state.is_closed()
    }

    fn claim(&self) -> Option<Closer<'_>> {
        match self.state.close() {
            Claim::Won => Some(Closer { state: &self.state, settled: false }),
            Claim::Taken => None,
        }
    }

    /// A listener for the last pass's drop, or `None` if none is alive. The
    /// count is checked again after listening, so a drop in between is seen.
    fn listen_unless_drained(&self) -> Option<Listener<'_>> {
        if self.state.is_drained() {
            return None;
        }
        let listener = self.drained.listen();
        (!self.state.is_drained()).then_some(listener)
    }
}

impl Default for Gate {
    fn default() -> Self {
        Gate::new()
    }
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gate").field("closed", &self.is_closed()).finish_non_exhaustive()
    }
}

impl Drop for GatePass<'_> {
    fn drop(&mut self) {
        if self.gate.state.leave() {
            self.gate.drained.notify_all();
        }
    }
}

impl fmt::Debug for GatePass<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GatePass")
    }
}

/// The claim of the one closer allowed to wait for the drain. Dropped without
/// a drain (timeout, cancellation, panic), it releases the claim.
struct Closer<'a> {
    state: &'a GateState,
    settled: bool,
}

impl Closer<'_> {
    fn drained(mut self) -> CloseOutcome {
        self.settled = true;
        CloseOutcome::Drained
    }

    /// The deadline passed; the last pass may still have dropped just now.
    fn timed_out(self) -> CloseOutcome {
        if self.state.is_drained() { self.drained() } else { CloseOutcome::TimedOut }
    }
}

impl Drop for Closer<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.state.release_claim();
        }
    }
}
