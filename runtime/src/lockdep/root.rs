//! Live root tokens per task, so that a second root in one task is reported
//! where it is created, naming where both were created.
//!
//! The types check one token's lineage; two roots in one task can take locks
//! in any order without a compile error. `LockToken::new()` registers the root
//! here (with `lockdep`) and the registration ends when the token drops.
//!
//! The report is a `tracing` warning (target `lockladder::lockdep`) unless
//! the program chose [`SecondRootPolicy::Panic`], because a second live root
//! is not always a bug: a root created in `main` and moved into a spawned
//! thread or task is still counted as `main`'s (nothing observes the move),
//! so `for _ in 0..n { let token = LockToken::new(); spawn(move || ...) }`
//! would report a second root on the second round. An actual inversion
//! through two roots panics at the acquisition whatever the policy, and that
//! message lists the roots alive in the task. Create each root at its task's
//! entry point and neither report is ever a false one.

use core::cell::RefCell;
use core::fmt;
use core::panic::Location;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::task::{self, TaskKey};

/// A live root token of the current task (or thread), registered where it was
/// created; dropping it ends the registration.
pub(crate) struct RootRegistration {
    task: TaskKey,
    id: u64,
}

/// One live root: which, and where it was created.
#[derive(Clone, Copy)]
struct Root {
    id: u64,
    created_at: &'static Location<'static>,
}

/// A second root in one task, as reported.
pub(crate) struct SecondRoot {
    task: TaskKey,
    created_at: &'static Location<'static>,
    alive: Vec<&'static Location<'static>>,
}

impl RootRegistration {
    /// Registers a root created at the caller, for the current task or thread;
    /// warns if another root of this task is alive.
    /// Panics instead, after ending this registration, under
    /// [`SecondRootPolicy::Panic`].
    #[track_caller]
    pub(crate) fn register() -> Self {
        let (registration, second) = Self::register_at(Location::caller());
        if let Some(second) = second {
            match second_root_policy() {
                SecondRootPolicy::Warn => warn(&second),
                // `registration` drops while unwinding: the root is not left alive.
                SecondRootPolicy::Panic => panic!("{second}"),
            }
        }
        registration
    }

    /// Registers without reporting: the registration and what to report.
    pub(crate) fn register_at(
        created_at: &'static Location<'static>,
    ) -> (Self, Option<SecondRoot>) {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let task = TaskKey::current();
        let root = Root { id: NEXT_ID.fetch_add(1, Ordering::Relaxed), created_at };
        let alive = with_roots(task, |roots| {
            let alive: Vec<_> = roots.iter().map(|root| root.created_at).collect();
            roots.push(root);
            alive
        });
        let second = (!alive.is_empty()).then_some(SecondRoot { task, created_at, alive });
        (RootRegistration { task, id: root.id }, second)
    }
}

impl Drop for RootRegistration {
    fn drop(&mut self) {
        let id = self.id;
        // A thread's roots live in its storage; a root dropped on another
        // thread (moved away) is removed from its thread's list by that thread
        // later, when it next creates or reports roots.
        if self.task.thread().is_some_and(|thread| thread != task::thread_number()) {
            moved_away(self.task, id);
            return;
        }
        with_roots(self.task, |roots| roots.retain(|root| root.id != id));
    }
}

/// Where the live roots of `task` were created, oldest first.
pub(crate) fn alive_in(task: TaskKey) -> Vec<&'static Location<'static>> {
    with_roots(task, |roots| roots.iter().map(|root| root.created_at).collect())
}

/// Runs `f` on the live roots of `task`: the thread's own list for a thread
/// (no lock), a shard for a tokio task.
fn with_roots<R>(task: TaskKey, mut f: impl FnMut(&mut Vec<Root>) -> R) -> R {
    thread_local! {
        static THREAD_ROOTS: RefCell<Vec<Root>> = const { RefCell::new(Vec::new()) };
    }
    if task.thread().is_some() {
        let on_thread = THREAD_ROOTS.try_with(|roots| {
            let mut roots = roots.borrow_mut();
            forget_moved_away(task, &mut roots);
            f(&mut roots)
        });
        return on_thread.unwrap_or_else(|_| f(&mut Vec::new()));
    }
    f(&mut shard(task).lock().unwrap_or_else(PoisonError::into_inner).roots_of(task))
}

const SHARDS: usize = 16;

/// The live roots of tokio tasks, by task.
struct TaskRoots(Vec<(TaskKey, Root)>);

static TASK_ROOTS: [Mutex<TaskRoots>; SHARDS] =
    [const { Mutex::new(TaskRoots(Vec::new())) }; SHARDS];

fn shard(task: TaskKey) -> &'static Mutex<TaskRoots> {
    &TASK_ROOTS[(task.spread() >> 60) as usize % SHARDS]
}

impl TaskRoots {
    /// This task's roots as a list to edit; written back when dropped.
    fn roots_of(&mut self, task: TaskKey) -> TaskRootsOf<'_> {
        let mut roots = Vec::new();
        self.0.retain(|(owner, root)| {
            let mine = *owner == task;
            if mine {
                roots.push(*root);
            }
            !mine
        });
        TaskRootsOf { all: self, task, roots }
    }
}

struct TaskRootsOf<'a> {
    all: &'a mut TaskRoots,
    task: TaskKey,
    roots: Vec<Root>,
}

impl core::ops::Deref for TaskRootsOf<'_> {
    type Target = Vec<Root>;
    fn deref(&self) -> &Vec<Root> {
        &self.roots
    }
}

impl core::ops::DerefMut for TaskRootsOf<'_> {
    fn deref_mut(&mut self) -> &mut Vec<Root> {
        &mut self.roots
    }
}

impl Drop for TaskRootsOf<'_> {
    fn drop(&mut self) {
        let task = self.task;
        self.all.0.extend(self.roots.drain(..).map(|root| (task, root)));
    }
}

/// Roots of threads dropped on another thread, to be forgotten by their own.
static MOVED_AWAY: Mutex<Vec<(TaskKey, u64)>> = Mutex::new(Vec::new());
static ANY_MOVED_AWAY: AtomicU64 = AtomicU64::new(0);

#[cold]
fn moved_away(task: TaskKey, id: u64) {
    lock_moved().push((task, id));
    ANY_MOVED_AWAY.fetch_add(1, Ordering::Release);
}

fn forget_moved_away(task: TaskKey, roots: &mut Vec<Root>) {
    if ANY_MOVED_AWAY.load(Ordering::Acquire) == 0 {
        return;
    }
    let mut moved = lock_moved();
    moved.retain(|(owner, id)| {
        let mine = *owner == task;
        if mine {
            roots.retain(|root| root.id != *id);
            ANY_MOVED_AWAY.fetch_sub(1, Ordering::Relaxed);
        }
        !mine
    });
}

fn lock_moved() -> MutexGuard<'static, Vec<(TaskKey, u64)>> {
    MOVED_AWAY.lock().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Display for SecondRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a second root `LockToken` was created at {} in {}, while ",
            self.created_at, self.task
        )?;
        match self.alive.as_slice() {
            [one] => write!(f, "the root created at {one} is still alive")?,
            many => {
                write!(f, "the roots created at ")?;
                for (index, site) in many.iter().enumerate() {
                    let separator = if index == 0 { "" } else { ", " };
                    write!(f, "{separator}{site}")?;
                }
                write!(f, " are still alive")?;
            }
        }
        write!(
            f,
            ": the types cannot check the lock order between two roots. Create one root \
             per task, at its entry point, and pass `&mut token` down (if the older root \
             was moved into another thread or task, it is that one's own and this report \
             is a false alarm: create the root inside it instead)"
        )
    }
}

/// What `lockdep` does when a root [`LockToken`](crate::LockToken) is created
/// in a task (or thread) whose earlier root is still alive; set for the whole
/// program with [`set_second_root_policy`].
///
/// Whatever the policy, an acquisition through either root that breaks the
/// order panics, naming the live roots: the policy decides only whether the
/// second root itself, before any lock is taken through it, is a warning or
/// a panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecondRootPolicy {
    /// A `tracing` warning (target `lockladder::lockdep`) where the second
    /// root is created, naming where both roots were created. The default:
    /// a root created in one thread and moved into another still counts as
    /// its creator's, so a program that does that gets a false report.
    Warn,
    /// A panic where the second root is created, with the same message. For
    /// programs (and test suites) that create every root at its task's entry
    /// point: a second root is then always a seam the types cannot check. A
    /// method that has to start a token of its own while its caller holds
    /// locks (one of a trait of another crate) starts it with
    /// [`LockToken::entered_holding`](crate::LockToken::entered_holding):
    /// an entry token is not a root, and `lockdep` checks it instead.
    Panic,
}

static POLICY: AtomicU8 = AtomicU8::new(SecondRootPolicy::Warn as u8);

/// Chooses, for the whole program, what a second live root token in one task
/// does: warn (the default) or panic. Call it at the start of `main` or of a
/// test; it applies to roots created from then on.
///
/// ```
/// use std::panic::{AssertUnwindSafe, catch_unwind};
///
/// use lockladder::LockToken;
/// use lockladder::lockdep::{SecondRootPolicy, set_second_root_policy};
///
/// set_second_root_policy(SecondRootPolicy::Panic);
/// let _root = LockToken::new();
/// let second = catch_unwind(AssertUnwindSafe(|| LockToken::new()));
/// let message = *second.unwrap_err().downcast::<String>().unwrap();
/// assert!(message.starts_with("a second root `LockToken` was created at "), "{message}");
/// # set_second_root_policy(SecondRootPolicy::Warn);
/// ```
pub fn set_second_root_policy(policy: SecondRootPolicy) {
    POLICY.store(policy as u8, Ordering::Relaxed);
}

/// The current [`SecondRootPolicy`] (see [`set_second_root_policy`]).
///
/// ```
/// use lockladder::lockdep::{SecondRootPolicy, second_root_policy};
///
/// assert_eq!(second_root_policy(), SecondRootPolicy::Warn); // unless set
/// ```
pub fn second_root_policy() -> SecondRootPolicy {
    if POLICY.load(Ordering::Relaxed) == SecondRootPolicy::Panic as u8 {
        SecondRootPolicy::Panic
    } else {
        SecondRootPolicy::Warn
    }
}

#[cold]
fn warn(second: &SecondRoot) {
    tracing::warn!(
        target: "lockladder::lockdep",
        created_at = %second.created_at,
        "{second}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    // Each test runs on a thread of its own: its own "task" for lockdep.

    #[test]
    fn a_second_live_root_in_one_thread_is_reported_naming_both_creation_sites() {
        let first_site = Location::caller();
        let (_first, report) = RootRegistration::register_at(first_site);
        assert!(report.is_none(), "the first root is alone");
        let (second_site, (second, report)) = {
            let site = Location::caller();
            (site, RootRegistration::register_at(site))
        };
        let report = report.expect("a second live root is reported").to_string();
        assert!(
            report.starts_with(&format!(
                "a second root `LockToken` was created at {second_site} in thread"
            )),
            "{report}"
        );
        assert!(
            report.contains(&format!("while the root created at {first_site} is still alive")),
            "{report}"
        );
        assert_eq!(alive_in(TaskKey::current()), [first_site, second_site]);
        drop(second);
        assert_eq!(alive_in(TaskKey::current()), [first_site]);
    }

    #[test]
    fn a_root_created_after_the_first_one_dropped_is_not_reported() {
        let (first, _) = RootRegistration::register_at(Location::caller());
        drop(first);
        let (_second, report) = RootRegistration::register_at(Location::caller());
        assert!(report.is_none());
    }

    #[test]
    fn roots_in_two_tasks_are_independent_and_a_second_one_in_a_task_is_reported() {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build();
        let runtime = runtime.expect("a runtime");
        let reports = runtime.block_on(async {
            let task = || {
                tokio::spawn(async {
                    let (_first, alone) = RootRegistration::register_at(Location::caller());
                    tokio::task::yield_now().await;
                    let (_second, report) = RootRegistration::register_at(Location::caller());
                    (alone.is_none(), report.map(|report| report.to_string()))
                })
            };
            let (a, b) = (task(), task());
            [a.await.expect("task"), b.await.expect("task")]
        });
        for (alone, report) in reports {
            assert!(alone, "a root in another task does not count");
            assert!(report.expect("the second root of one task").contains("in tokio task "));
        }
    }

    #[test]
    fn a_root_moved_to_another_thread_and_dropped_there_is_forgotten_by_its_thread() {
        let (first, _) = RootRegistration::register_at(Location::caller());
        std::thread::spawn(move || drop(first)).join().expect("the thread");
        let (_second, report) = RootRegistration::register_at(Location::caller());
        assert!(report.is_none(), "the first root was dropped");
    }
}
