//! A stand-in for `event_listener::Event` with the contract the locks rely on,
//! on a loom mutex (loom cannot see into event-listener's own atomics without
//! `--cfg loom`, see the module docs of `shim`):
//!
//! - listeners are served in the order they started listening;
//! - `notify(n)` makes sure `n` listeners are notified, counting those
//!   notified already and not yet woken; `notify_additional(n)` notifies `n`
//!   more; neither is stored for listeners that come later;
//! - a notified listener dropped before it is polled passes its notification
//!   on to the next listener (as an additional one if it was one).

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

type List = Arc<loom::sync::Mutex<Listeners>>;

/// See the module docs.
pub(crate) struct Event {
    list: OnceLock<List>,
}

/// One registered interest in the next notification of an [`Event`].
pub(crate) struct EventListener {
    list: List,
    id: u64,
}

#[derive(Default)]
struct Listeners {
    /// Arrival order; the notified ones are a prefix.
    entries: VecDeque<Entry>,
    notified: usize,
    next_id: u64,
}

struct Entry {
    id: u64,
    /// `Some(additional)` once notified.
    notified: Option<bool>,
    waker: Option<Waker>,
}

impl Event {
    pub(crate) const fn new() -> Self {
        Event { list: OnceLock::new() }
    }

    fn list(&self) -> &List {
        self.list.get_or_init(List::default)
    }

    pub(crate) fn listen(&self) -> EventListener {
        let list = self.list().clone();
        let id = {
            let mut listeners = list.lock().unwrap();
            let id = listeners.next_id;
            listeners.next_id += 1;
            listeners.entries.push_back(Entry { id, notified: None, waker: None });
            id
        };
        EventListener { list, id }
    }

    pub(crate) fn notify(&self, n: usize) -> usize {
        notify(self.list(), n, false)
    }

    /// The stand-in always takes its lock; event-listener's relaxed notify
    /// skips its fence (the callers' own fence comes before).
    pub(crate) fn notify_relaxed(&self, n: usize) -> usize {
        notify(self.list(), n, false)
    }

    pub(crate) fn notify_additional(&self, n: usize) -> usize {
        notify(self.list(), n, true)
    }
}

fn notify(list: &List, n: usize, additional: bool) -> usize {
    let (count, wakers) = {
        let mut listeners = list.lock().unwrap();
        let n = if additional { n } else { n.saturating_sub(listeners.notified) };
        let first = listeners.notified;
        let count = n.min(listeners.entries.len() - first);
        let wakers: Vec<Waker> = listeners
            .entries
            .iter_mut()
            .skip(first)
            .take(n)
            .filter_map(|entry| {
                entry.notified = Some(additional);
                entry.waker.take()
            })
            .collect();
        listeners.notified = first + count;
        (count, wakers)
    };
    for waker in wakers {
        waker.wake();
    }
    count
}

impl Future for EventListener {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut listeners = self.list.lock().unwrap();
        let Some(index) = listeners.entries.iter().position(|entry| entry.id == self.id) else {
            return Poll::Ready(());
        };
        if listeners.entries[index].notified.is_some() {
            listeners.entries.remove(index);
            listeners.notified -= 1;
            return Poll::Ready(());
        }
        listeners.entries[index].waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for EventListener {
    fn drop(&mut self) {
        let pass_on = {
            let mut listeners = self.list.lock().unwrap();
            let Some(index) = listeners.entries.iter().position(|entry| entry.id == self.id) else {
                return;
            };
            let entry = listeners.entries.remove(index).expect("found");
            if entry.notified.is_some() {
                listeners.notified -= 1;
            }
            entry.notified
        };
        if let Some(additional) = pass_on {
            notify(&self.list, 1, additional);
        }
    }
}
