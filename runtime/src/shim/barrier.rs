//! An asymmetric memory barrier: a side that runs often and costs (almost)
//! nothing, `light`, and a side that runs rarely and pays for both,
//! `heavy`.
//!
//! The wake-up of `wake.rs` is a Dekker pair. A release of a blocking lock
//! unlocks, then reads the lock's async-waiter count; a waiter counts itself,
//! then tries the lock once more before it sleeps. Each side needs its write
//! ordered before its read, or both can read stale values and the waiter
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
//! Either way the waiter does not sleep on a free lock. A release of a lock
//! with no waiter pays a compiler fence (no instruction) and the load of a
//! process-wide mode word that changes at most once.
//!
//! ## Registration, and when the kernel refuses
//!
//! The expedited command needs the process to register first. That happens
//! once per process, in the one-time `REGISTRATION`, run by the first release
//! or waiter that finds it undone (others wait for it): a release, because a
//! process whose locks no async task ever waits on must not fence forever.
//!
//! `membarrier` may be missing or forbidden (kernels before 4.14, seccomp
//! filters, `ENOSYS`/`EPERM`/`EINVAL`). The process then stays in the fence
//! mode: `light` is `fence(SeqCst)`, as before, chosen by a process-wide word
//! (`MODE`) that `light` reads relaxed. The word changes only once, from
//! "fence" to "asymmetric", and only inside the registration, after the
//! kernel accepted both the registration and one expedited barrier. Until
//! then every `light` fences (and, while the registration is undone, runs it).
//! Every `heavy` goes through the registration and acts on its one result:
//!
//! - result "refused": the word never changes, every `light` is a
//!   `fence(SeqCst)`, and every `heavy` starts with one: the symmetric pair;
//! - result "accepted": every `heavy` makes the process-wide barrier, the
//!   first one after the word flipped. A `light` that still reads "fence"
//!   pairs its full fence with the `heavy`'s own leading `fence(SeqCst)` (or
//!   with the kernel's); one that reads "asymmetric" is covered by the
//!   argument above.
//!
//! So no `heavy` is ever a plain fence while some `light` skips its fence:
//! the flip cannot race with a waiter's barrier, since no waiter's barrier
//! runs before the registration's result is known.
//!
//! If the expedited command fails after the registration succeeded (which
//! membarrier(2) rules out, short of a seccomp filter installed later),
//! `heavy` tries the global command and, if that fails too, returns `false`:
//! its caller must not sleep on what it read (the waiter polls again instead,
//! see `Waiter::poll_try`).
//!
//! # Elsewhere
//!
//! Other targets have no such system call here: `light` and `heavy` are both
//! `fence(SeqCst)`, chosen at compile time.
//!
//! # Under loom
//!
//! With `--cfg lockladder_loom` both are loom's `fence(SeqCst)`. That models
//! the contract above: the case analysis shows the waiter is safe wherever `F`
//! falls in the release, provided `F` is a full fence ordered after the count
//! and before the retry; a fence at `light`'s place, between the unlock and the
//! load, paired with a fence in the waiter, is the case where both sides'
//! orders matter, and loom explores every outcome of it. The mutants
//! `wake_release_fence` (no fence in `light`) and `wake_waiter_barrier` (no
//! fence in `heavy`) must each make the model of `wake_loom.rs` fail.

#[cfg(lockladder_loom)]
mod imp {
    use crate::shim::atomic::{Ordering, fence};

    /// The release side: a `fence(SeqCst)` (see the module docs).
    #[inline(always)]
    pub(crate) fn light() {
        #[cfg(not(lockladder_mutant = "wake_release_fence"))]
        fence(Ordering::SeqCst);
    }

    /// The waiter side: a `fence(SeqCst)` (see the module docs).
    pub(crate) fn heavy() -> bool {
        #[cfg(not(lockladder_mutant = "wake_waiter_barrier"))]
        fence(Ordering::SeqCst);
        true
    }
}

#[cfg(all(not(lockladder_loom), not(any(target_os = "linux", target_os = "android"))))]
mod imp {
    use core::sync::atomic::{Ordering, fence};

    /// The release side: a `fence(SeqCst)` on this target.
    #[inline(always)]
    pub(crate) fn light() {
        fence(Ordering::SeqCst);
    }

    /// The waiter side: a `fence(SeqCst)` on this target; always made.
    pub(crate) fn heavy() -> bool {
        fence(Ordering::SeqCst);
        true
    }
}

#[cfg(all(not(lockladder_loom), any(target_os = "linux", target_os = "android")))]
mod imp {
    use core::sync::atomic::{AtomicBool, Ordering, compiler_fence, fence};
    use std::sync::OnceLock;

    use rustix::thread::{MembarrierCommand, membarrier};

    /// `true` once the kernel accepted the expedited barrier: releases then
    /// skip their fence. Set once, only by `register` (see the module docs).
    pub(super) static MODE: AtomicBool = AtomicBool::new(false);

    /// Whether the kernel accepted the expedited barrier, decided once, by the
    /// first release or waiter.
    pub(super) static REGISTRATION: OnceLock<bool> = OnceLock::new();

    /// The release side, between the unlock and the read of the waiter count.
    #[inline(always)]
    pub(crate) fn light() {
        if MODE.load(Ordering::Relaxed) {
            compiler_fence(Ordering::SeqCst);
        } else {
            fenced();
        }
    }

    /// `light` in the fence mode: registers the process if no one has yet.
    #[cold]
    #[inline(never)]
    fn fenced() {
        fence(Ordering::SeqCst);
        REGISTRATION.get_or_init(register);
    }

    /// The waiter side, between its count and its retry. `false`: no barrier
    /// could be made, and the caller must not sleep on what it reads next.
    pub(crate) fn heavy() -> bool {
        fence(Ordering::SeqCst);
        if !*REGISTRATION.get_or_init(register) {
            return true;
        }
        expedited() || global()
    }

    /// Registers the process for expedited barriers and makes one; on success
    /// flips `MODE`. Runs once (inside `REGISTRATION`).
    fn register() -> bool {
        let accepted = membarrier(MembarrierCommand::RegisterPrivateExpedited).is_ok()
            && membarrier(MembarrierCommand::PrivateExpedited).is_ok()
            && test_kernel::accepts_registration();
        if accepted {
            MODE.store(true, Ordering::Relaxed);
        }
        accepted
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

pub(crate) use imp::{heavy, light};

/// Whether releases run without a fence (the asymmetric mode is on).
#[cfg(all(test, not(lockladder_loom), any(target_os = "linux", target_os = "android")))]
pub(crate) fn asymmetric() -> bool {
    imp::MODE.load(core::sync::atomic::Ordering::Relaxed)
}

#[cfg(all(test, not(lockladder_loom), any(target_os = "linux", target_os = "android")))]
pub(crate) use imp::test_kernel::VARIABLE as TEST_KERNEL_VARIABLE;
