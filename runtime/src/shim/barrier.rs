//! An asymmetric memory barrier: a side that runs often and costs (almost)
//! nothing, `light`, and a side that runs rarely and pays for both, `heavy`.
//!
//! The wake-up of `sync/wake.rs` is a Dekker pair. A release of a blocking
//! lock unlocks, then reads the lock's async-waiter count; a waiter counts
//! itself, then tries the lock once more before it sleeps. Each side needs its
//! write ordered before its read, or both can read stale values and the waiter
//! sleeps on a free lock. A `fence(SeqCst)` on both sides does it, but the
//! release runs at every unlock and the fence is a locked instruction there.
//! So the release runs `light` and the waiter `heavy`.
//!
//! # Linux and Android: `membarrier`
//!
//! `light` is a compiler fence: the release's unlock and load stay in program
//! order in the machine code, and the processor may still reorder them.
//! `heavy` is `fence(SeqCst)` then `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)`,
//! whose contract (membarrier(2)) is that on return every thread of the
//! process has passed, between the call's entry and its return, through a
//! point where its memory accesses match program order: a running thread by a
//! full barrier the kernel makes it execute, a thread not running by the full
//! barriers of the scheduler that switches it in. Call that point `F` in the
//! releasing thread; it is ordered after the waiter's count and before the
//! waiter's retry (the kernel's full barriers around the call). Wherever `F`
//! falls in the release:
//!
//! - before the release's load: the count is ordered before `F`, `F` before
//!   the load, so the load sees the waiter, which is notified;
//! - after the load (so after the unlock, which comes before the load in
//!   program order, kept by `light`'s compiler fence): the unlock is ordered
//!   before `F`, `F` before the retry, so the retry finds the lock free.
//!
//! Either way the waiter does not sleep on a free lock.
//!
//! ## Registration, and when the kernel refuses
//!
//! The expedited command needs the process to register first, and
//! `membarrier` may be missing or forbidden (kernels before 4.14, seccomp
//! filters: `ENOSYS`, `EPERM`, `EINVAL`). So the release may skip its fence
//! only once the kernel has accepted. The registration runs once per process
//! (`REGISTRATION`, a `OnceLock`): `REGISTER_PRIVATE_EXPEDITED` and one
//! expedited barrier, whose one result holds ever after. `asymmetric` gives
//! that result, running or waiting for the registration; every `heavy` goes
//! through it and acts on the result: a process-wide barrier if accepted, its
//! leading `fence(SeqCst)` alone if refused. Releases ask
//! `asymmetric_without_waiting` instead: the first release to ask starts the
//! registration on a short-lived thread (`lockladder-membarrier`; in a
//! process with several threads the registration waits for an RCU grace
//! period, 10–17 ms measured on Linux 6.18, once, which no release should
//! pay), and every release answers "not yet" and keeps its fence until it is
//! done. Where no thread can be started, that first release registers itself.
//!
//! A release (`Wake::released`) makes `light`, then reads its lock's word: the
//! waiter count and one flag, "this lock's releases may skip the fence". The
//! flag is set (once, by a release) only after `asymmetric_without_waiting`
//! returned `true`, that is after the registration was accepted, and never
//! cleared. A release that reads "flag set, no waiter" is done. Any
//! other value sends it to a slow path: `fence(SeqCst)`, read the word again,
//! notify if there is a waiter, set the flag if `asymmetric_without_waiting`.
//! So:
//!
//! - a release that skipped the fence read the flag, so the registration's
//!   result is "accepted", so every `heavy` (all go through it) is a
//!   process-wide barrier: the argument above;
//! - a release that did not skip it has a full fence between its unlock and
//!   its second read, which pairs with the `heavy`'s leading
//!   `fence(SeqCst)`: the symmetric pair, whatever the result.
//!
//! The result is decided once and never changes, so no release can skip its
//! fence while some waiter's barrier is only a fence: there is no window in
//! which the two modes mix. A release of a lock with no waiter pays the
//! compiler fence (no instruction) and one load and compare of a word it
//! already touches; the first releases of each lock pay the fence until one
//! sets the flag, and the first in the process the registration (two system
//! calls).
//!
//! If the expedited command fails after the registration succeeded (which
//! membarrier(2) rules out, short of a seccomp filter installed later, or a
//! child forked from a registered process on a kernel that does not carry the
//! registration over), `heavy` tries the global command and, if that fails
//! too, returns `false`: its caller must not sleep on what it read (the waiter
//! polls again instead, see `Waiter::poll_try`).
//!
//! # Elsewhere
//!
//! Other targets have no such system call here: `light` and `heavy` are both
//! `fence(SeqCst)`, `asymmetric` is `false`, no lock's flag is ever set,
//! chosen at compile time (`RELEASES_MAY_SKIP_THE_FENCE` is `false`, and a
//! release takes the slow path only when a waiter is counted).
//!
//! # Under loom
//!
//! With `--cfg lockladder_loom` both are loom's `fence(SeqCst)`, as elsewhere.
//! That models the contract above: the case analysis shows the waiter is safe
//! wherever `F` falls in the release, provided `F` is a full fence ordered
//! after the count and before the retry; a fence at `light`'s place, between
//! the unlock and the load, paired with a fence in the waiter, is the case
//! where both sides' orders matter, and loom explores every outcome of it. The
//! mutants `wake_release_fence` (no fence in `light`) and
//! `wake_waiter_barrier` (no fence in `heavy`) must each make the model of
//! `sync/wake_loom.rs` fail. The flag's argument is not a race (it follows
//! from a result decided once), and loom cannot make `membarrier`, so it is
//! not modelled; `sync/wake_tests.rs` runs real threads in each mode.

/// Fences on both sides: targets without `membarrier`, and loom (whose fences
/// these are under `--cfg lockladder_loom`, and where the mutants apply).
#[cfg(any(lockladder_loom, not(any(target_os = "linux", target_os = "android"))))]
mod imp {
    use crate::shim::atomic::{Ordering, fence};

    /// The release side: a `fence(SeqCst)`.
    #[inline(always)]
    pub(crate) fn light() {
        #[cfg(not(lockladder_mutant = "wake_release_fence"))]
        fence(Ordering::SeqCst);
    }

    /// The waiter side: a `fence(SeqCst)`, always made.
    pub(crate) fn heavy() -> bool {
        #[cfg(not(lockladder_mutant = "wake_waiter_barrier"))]
        fence(Ordering::SeqCst);
        true
    }

    /// Never: `light` is a fence.
    pub(crate) const RELEASES_MAY_SKIP_THE_FENCE: bool = false;

    /// Never: `light` is a fence.
    #[cfg(all(test, not(lockladder_loom)))]
    pub(crate) fn asymmetric() -> bool {
        false
    }

    /// Never: `light` is a fence.
    pub(crate) fn asymmetric_without_waiting() -> bool {
        false
    }
}

#[cfg(all(not(lockladder_loom), any(target_os = "linux", target_os = "android")))]
mod imp {
    use core::sync::atomic::{AtomicBool, Ordering, compiler_fence, fence};
    use std::sync::OnceLock;

    use rustix::thread::{MembarrierCommand, membarrier};

    /// Whether the kernel accepted the expedited barrier, decided once, by the
    /// first release or waiter (see the module docs).
    static REGISTRATION: OnceLock<bool> = OnceLock::new();

    /// Someone runs (or ran) the registration: releases do not wait for it.
    static CLAIMED: AtomicBool = AtomicBool::new(false);

    /// The release side, between the unlock and the read of the lock's word:
    /// a compiler fence (see the module docs for when that is enough).
    #[inline(always)]
    pub(crate) fn light() {
        compiler_fence(Ordering::SeqCst);
    }

    /// The waiter side, between its count and its retry. `false`: no barrier
    /// could be made, and the caller must not sleep on what it reads next.
    pub(crate) fn heavy() -> bool {
        fence(Ordering::SeqCst);
        if !asymmetric() {
            return true;
        }
        expedited() || global()
    }

    /// This build has the process-wide barrier; whether this process may use
    /// it is `asymmetric`.
    pub(crate) const RELEASES_MAY_SKIP_THE_FENCE: bool = true;

    /// Whether every `heavy` makes the process-wide barrier, so that releases
    /// may skip their fence: registers the process on the first call (or waits
    /// for the registration under way), and returns the same answer ever after.
    pub(crate) fn asymmetric() -> bool {
        CLAIMED.store(true, Ordering::Relaxed);
        *REGISTRATION.get_or_init(register)
    }

    /// `asymmetric` for a release, which must not wait: `false` while the
    /// registration is not done. The first release that asks (unless a waiter
    /// started it) starts the registration on a thread of its own, so that no
    /// release waits for the kernel's grace period; where no thread can be
    /// started, it registers itself.
    pub(crate) fn asymmetric_without_waiting() -> bool {
        match REGISTRATION.get() {
            Some(&accepted) => accepted,
            None if CLAIMED.swap(true, Ordering::Relaxed) => false,
            None => {
                let started = std::thread::Builder::new()
                    .name("lockladder-membarrier".into())
                    .spawn(|| REGISTRATION.get_or_init(register));
                started.is_err() && *REGISTRATION.get_or_init(register)
            }
        }
    }

    /// Registers the process for expedited barriers and makes one.
    fn register() -> bool {
        membarrier(MembarrierCommand::RegisterPrivateExpedited).is_ok()
            && membarrier(MembarrierCommand::PrivateExpedited).is_ok()
            && test_kernel::accepts_registration()
    }

    fn expedited() -> bool {
        test_kernel::accepts_barriers() && membarrier(MembarrierCommand::PrivateExpedited).is_ok()
    }

    /// Every thread of every process, without registration (an RCU grace
    /// period: milliseconds), for a kernel that stopped taking the expedited
    /// command.
    fn global() -> bool {
        test_kernel::accepts_barriers() && membarrier(MembarrierCommand::Global).is_ok()
    }

    /// A kernel that accepts everything, outside this crate's tests.
    #[cfg(not(test))]
    mod test_kernel {
        #[inline(always)]
        pub(super) fn accepts_registration() -> bool {
            true
        }

        #[inline(always)]
        pub(super) fn accepts_barriers() -> bool {
            true
        }
    }

    /// In this crate's tests, `LOCKLADDER_TEST_MEMBARRIER` plays a kernel
    /// that refuses: `refused` the registration (the fence mode), `revoked`
    /// every barrier after the registration succeeded (the waiters poll).
    #[cfg(test)]
    pub(super) mod test_kernel {
        pub(crate) const VARIABLE: &str = "LOCKLADDER_TEST_MEMBARRIER";

        fn plays(behaviour: &str) -> bool {
            std::env::var(VARIABLE).is_ok_and(|value| value == behaviour)
        }

        pub(super) fn accepts_registration() -> bool {
            !plays("refused")
        }

        pub(super) fn accepts_barriers() -> bool {
            !plays("revoked")
        }
    }
}

#[cfg(all(test, not(lockladder_loom)))]
pub(crate) use imp::asymmetric;
pub(crate) use imp::{RELEASES_MAY_SKIP_THE_FENCE, asymmetric_without_waiting, heavy, light};

#[cfg(all(test, not(lockladder_loom), any(target_os = "linux", target_os = "android")))]
pub(crate) use imp::test_kernel::VARIABLE as TEST_KERNEL_VARIABLE;
