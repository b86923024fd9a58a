//! What the Gate's handshake is built on: std's atomics, or loom's under
//! `--cfg loom`, so `tests/gate_loom.rs` can explore every interleaving.

#[cfg(loom)]
pub(super) use loom::sync::atomic::{AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(super) use std::sync::atomic::{AtomicUsize, Ordering};

use std::time::Instant;

use event_listener::{EventListener, Listener};

/// Blocks until `listener` is notified or `deadline` passes; `true` if notified.
#[cfg(not(loom))]
pub(super) fn wait_until(listener: EventListener, deadline: Instant) -> bool {
    listener.wait_deadline(deadline).is_some()
}

/// loom has no clock: the model waits for the notification itself, so a lost
/// wake-up shows up as a deadlock that loom reports.
#[cfg(loom)]
pub(super) fn wait_until(listener: EventListener, deadline: Instant) -> bool {
    let _ = deadline;
    listener.wait();
    true
}
