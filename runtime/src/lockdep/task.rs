//! Who holds a lock: the tokio task that runs, or the thread outside any task.

use core::cell::Cell;
use core::fmt;
use core::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Set on keys that name a thread rather than a tokio task.
const THREAD: u64 = 1 << 63;

/// The current task as a number: a tokio task id, or a thread when no task runs
/// (a plain thread, `block_on`, another executor).
///
/// A task moves between worker threads, so a thread is the wrong key inside
/// one; outside tokio the thread is the only identity there is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct TaskKey(u64);

impl TaskKey {
    /// The task (or thread) running now.
    #[inline]
    pub(crate) fn current() -> TaskKey {
        match tokio::task::try_id() {
            Some(id) => TaskKey(task_number(id) & !THREAD),
            None => TaskKey(THREAD | thread_number()),
        }
    }

    /// The running tokio task, if any.
    #[inline]
    pub(crate) fn current_task() -> Option<TaskKey> {
        tokio::task::try_id().map(|id| TaskKey(task_number(id) & !THREAD))
    }

    /// The thread numbered `number` (see [`thread_number`]).
    #[inline]
    pub(crate) fn of_thread(number: u64) -> TaskKey {
        TaskKey(THREAD | number)
    }

    /// The key whose [`bits`](TaskKey::bits) are `bits`.
    #[inline]
    pub(crate) fn from_bits(bits: u64) -> TaskKey {
        TaskKey(bits)
    }

    /// The thread's number when this key names a thread rather than a task.
    #[inline]
    pub(crate) fn thread(self) -> Option<u64> {
        (self.0 & THREAD != 0).then_some(self.0 & !THREAD)
    }

    /// The key as a number, never zero: the owner of a hold's entry.
    #[inline]
    pub(crate) fn bits(self) -> u64 {
        self.0
    }

    /// A well-spread number, to pick a shard.
    #[inline]
    pub(crate) fn spread(self) -> u64 {
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }
}

impl fmt::Display for TaskKey {
    /// Names the task; a thread is named only when it is the current one (the
    /// only case in which a report is written).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 & THREAD == 0 {
            return write!(f, "tokio task {}", self.0);
        }
        match std::thread::current().name() {
            Some(name) => write!(f, "thread `{name}`"),
            None => write!(f, "thread #{}", self.0 & !THREAD),
        }
    }
}

/// `tokio::task::Id` is opaque but hashes as its number: read it back that way.
fn task_number(id: tokio::task::Id) -> u64 {
    struct Number(u64);
    impl Hasher for Number {
        fn write(&mut self, bytes: &[u8]) {
            for byte in bytes {
                self.0 = self.0.rotate_left(8) ^ u64::from(*byte);
            }
        }
        fn write_u64(&mut self, number: u64) {
            self.0 = number;
        }
        fn finish(&self) -> u64 {
            self.0
        }
    }
    let mut number = Number(0);
    id.hash(&mut number);
    number.finish()
}

/// A number per thread, given out on first use (`ThreadId::as_u64` is unstable),
/// never reused.
#[inline]
pub(crate) fn thread_number() -> u64 {
    thread_local! {
        static NUMBER: Cell<u64> = const { Cell::new(0) };
    }
    // During thread exit the number may be gone: 0 names no thread.
    NUMBER
        .try_with(|number| match number.get() {
            0 => {
                let assigned = next_thread_number();
                number.set(assigned);
                assigned
            }
            assigned => assigned,
        })
        .unwrap_or(0)
}

#[cold]
fn next_thread_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
