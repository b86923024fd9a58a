//! What the Gate's handshake is built on: std's atomics and an event-listener
//! notification, or, under `--cfg lockladder_loom` (see `crate::shim`),
//! loom's atomics and a loom condvar standing in for the notification (the
//! Gate's waits have deadlines, which loom cannot model), so
//! `tests/gate_loom.rs` can explore every interleaving.

// The Gate is made by a plain `fn`: eager atomics, not the lazily made ones.
pub(super) use crate::shim::atomic::Ordering;
pub(super) use crate::shim::atomic::eager::AtomicUsize;

#[cfg(not(lockladder_loom))]
pub(super) use event::{Listener, Notify};
#[cfg(lockladder_loom)]
pub(super) use model::{Listener, Notify};

#[cfg(not(lockladder_loom))]
mod event {
    use core::marker::PhantomData;
    use std::time::Instant;

    use event_listener::{Event, EventListener, Listener as _};

    /// Wakes whoever listens, when the last pass leaves a closed gate.
    pub(in crate::gate) struct Notify(Event);

    /// Registered interest in the next notification: listen first, then check
    /// the state again, and a notification in between is not lost.
    pub(in crate::gate) struct Listener<'a>(EventListener, PhantomData<&'a Notify>);

    impl Notify {
        pub(in crate::gate) fn new() -> Self {
            Notify(Event::new())
        }

        pub(in crate::gate) fn listen(&self) -> Listener<'_> {
            Listener(self.0.listen(), PhantomData)
        }

        pub(in crate::gate) fn notify_all(&self) {
            self.0.notify(usize::MAX);
        }
    }

    impl Listener<'_> {
        /// Blocks until notified (`true`) or `deadline` passes (`false`).
        pub(in crate::gate) fn wait_until(self, deadline: Instant) -> bool {
            self.0.wait_deadline(deadline).is_some()
        }

        /// Waits on tokio's timer until notified (`true`) or `deadline` passes.
        pub(in crate::gate) async fn wait_async(self, deadline: Instant) -> bool {
            let deadline = tokio::time::Instant::from_std(deadline);
            tokio::time::timeout_at(deadline, self.0).await.is_ok()
        }
    }
}

#[cfg(lockladder_loom)]
mod model {
    use loom::sync::{Condvar, Mutex};
    use std::time::Instant;

    /// A notification as a generation count under a loom mutex and condvar.
    pub(in crate::gate) struct Notify {
        generation: Mutex<u64>,
        changed: Condvar,
    }

    pub(in crate::gate) struct Listener<'a> {
        notify: &'a Notify,
        seen: u64,
    }

    impl Notify {
        pub(in crate::gate) fn new() -> Self {
            Notify { generation: Mutex::new(0), changed: Condvar::new() }
        }

        pub(in crate::gate) fn listen(&self) -> Listener<'_> {
            Listener { notify: self, seen: *self.generation.lock().unwrap() }
        }

        pub(in crate::gate) fn notify_all(&self) {
            *self.generation.lock().unwrap() += 1;
            self.changed.notify_all();
        }
    }

    impl Listener<'_> {
        /// loom has no clock: waits for the notification itself, so a lost
        /// wake-up shows as a deadlock that loom reports.
        pub(in crate::gate) fn wait_until(self, _deadline: Instant) -> bool {
            let mut generation = self.notify.generation.lock().unwrap();
            while *generation == self.seen {
                generation = self.notify.changed.wait(generation).unwrap();
            }
            true
        }

        /// The async close is not modeled (loom has no tokio timer).
        pub(in crate::gate) async fn wait_async(self, _deadline: Instant) -> bool {
            unimplemented!("the async close is not modeled under loom; use close_blocking")
        }
    }
}
