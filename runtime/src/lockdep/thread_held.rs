//! The levels held by a thread outside any tokio task: a stack in the thread's
//! own storage, read and written without any lock or atomic read-modify-write.
//!
//! Tasks move between threads and are tracked in `held_set`; a thread is the
//! only identity of code that runs outside a task (plain threads, blocking
//! locks in `main`, `block_on`), and its holds stay in its storage. The one
//! exception is a guard sent to another thread and dropped there: that thread
//! posts the release to the owner's [`Inbox`], which the owner reads at its
//! next acquisition or release.

use core::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use super::held_set::{Conflict, conflict_in};
use super::site::Site;

thread_local! {
    static HELD: ThreadHeld = const {
        ThreadHeld { sites: RefCell::new(Vec::new()), inbox: Cell::new(None) }
    };
}

struct ThreadHeld {
    /// The sites held, in the order they were granted.
    sites: RefCell<Vec<&'static Site>>,
    /// Where other threads post releases of this thread's holds.
    inbox: Cell<Option<&'static Inbox>>,
}

/// Releases of a thread's holds made on other threads.
pub(crate) struct Inbox {
    /// Set when `released` is not empty: the owner checks it at every step.
    pending: AtomicBool,
    /// The owner's thread number (the owner of the moment: inboxes are
    /// reused) with the site released.
    released: Mutex<Vec<(u64, &'static Site)>>,
}

/// Inboxes of exited threads, for reuse.
static SPARE_INBOXES: Mutex<Vec<&'static Inbox>> = Mutex::new(Vec::new());

/// A hold taken by a thread: where to post its release if it ends elsewhere.
#[derive(Clone, Copy)]
pub(crate) struct ThreadHold {
    thread: u64,
    inbox: &'static Inbox,
}

/// Checks that the calling thread may take `site`.
#[inline]
pub(crate) fn check(site: &'static Site, in_set: bool) -> Result<(), Conflict> {
    HELD.with(|held| {
        held.take_posted_releases();
        let sites = held.sites.borrow();
        conflict_in(sites.iter().copied(), site, in_set).map_or(Ok(()), Err)
    })
}

/// Checks as [`check`] does, then records that the calling thread (number
/// `thread`) holds `site`; returns the highest site it held before, if any.
#[inline]
pub(crate) fn enter(
    thread: u64,
    site: &'static Site,
    in_set: bool,
) -> Result<(ThreadHold, Option<&'static Site>), Conflict> {
    HELD.with(|held| {
        held.take_posted_releases();
        let mut sites = held.sites.borrow_mut();
        if let Some(conflict) = conflict_in(sites.iter().copied(), site, in_set) {
            return Err(conflict);
        }
        let parent = highest(&sites);
        sites.push(site);
        Ok((ThreadHold { thread, inbox: held.inbox() }, parent))
    })
}

/// Ends a hold of `site` taken by `hold.thread`, from whatever thread.
#[inline]
pub(crate) fn leave(hold: ThreadHold, site: &'static Site, current_thread: u64) {
    if hold.thread == current_thread {
        let removed = HELD.try_with(|held| {
            held.take_posted_releases();
            remove(&mut held.sites.borrow_mut(), site);
        });
        if removed.is_ok() {
            return;
        }
    }
    post(hold, site);
}

#[cold]
fn post(hold: ThreadHold, site: &'static Site) {
    hold.inbox.released.lock().unwrap_or_else(PoisonError::into_inner).push((hold.thread, site));
    hold.inbox.pending.store(true, Ordering::Release);
}

fn highest(sites: &[&'static Site]) -> Option<&'static Site> {
    sites.iter().copied().max_by_key(|site| site.level)
}

fn remove(sites: &mut Vec<&'static Site>, site: &'static Site) {
    // Every entry at one site and level is alike: which one goes does not matter.
    if let Some(index) = sites.iter().rposition(|held| core::ptr::eq(*held, site)) {
        sites.swap_remove(index);
    }
}

impl ThreadHeld {
    #[inline]
    fn inbox(&self) -> &'static Inbox {
        match self.inbox.get() {
            Some(inbox) => inbox,
            None => self.new_inbox(),
        }
    }

    #[cold]
    fn new_inbox(&self) -> &'static Inbox {
        let spare = SPARE_INBOXES.lock().unwrap_or_else(PoisonError::into_inner).pop();
        // Leaked on purpose and reused: there are at most as many as threads
        // alive at once, and a release posted late must find its inbox.
        let inbox = spare.unwrap_or_else(|| {
            Box::leak(Box::new(Inbox {
                pending: AtomicBool::new(false),
                released: Mutex::new(Vec::new()),
            }))
        });
        self.inbox.set(Some(inbox));
        inbox
    }

    #[inline]
    fn take_posted_releases(&self) {
        if let Some(inbox) = self.inbox.get()
            && inbox.pending.load(Ordering::Acquire)
        {
            self.apply_posted(inbox);
        }
    }

    #[cold]
    fn apply_posted(&self, inbox: &Inbox) {
        let thread = super::task::thread_number();
        let mut released = inbox.released.lock().unwrap_or_else(PoisonError::into_inner);
        inbox.pending.store(false, Ordering::Relaxed);
        let mut sites = self.sites.borrow_mut();
        for (owner, site) in released.drain(..) {
            // A release for the thread that had this inbox before is void.
            if owner == thread {
                remove(&mut sites, site);
            }
        }
    }
}

impl Drop for ThreadHeld {
    fn drop(&mut self) {
        if let Some(inbox) = self.inbox.take() {
            inbox.released.lock().unwrap_or_else(PoisonError::into_inner).clear();
            inbox.pending.store(false, Ordering::Relaxed);
            SPARE_INBOXES.lock().unwrap_or_else(PoisonError::into_inner).push(inbox);
        }
    }
}
