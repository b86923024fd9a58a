//! The Gate's state in one atomic word, and the handshake on it.
//!
//! The low bits count the passes alive. `CLOSED` is set by the first `close`
//! and never cleared, so every `try_enter` ordered after it fails. `CLAIMED`
//! marks the one closer that waits for the drain; it is released only when that
//! closer gives up (timed out or cancelled), so at most one closer ever sees the
//! count at zero while holding the claim: exactly one `Drained`.

use super::shim::{AtomicUsize, Ordering};

const CLOSED: usize = 1 << (usize::BITS - 1);
const CLAIMED: usize = 1 << (usize::BITS - 2);
const PASSES: usize = CLAIMED - 1;

pub(super) struct GateState {
    word: AtomicUsize,
}

/// What a caller of `close` got: the claim to wait for the drain, or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Claim {
    Won,
    Taken,
}

impl GateState {
    pub(super) fn new() -> Self {
        GateState { word: AtomicUsize::new(0) }
    }

    /// Counts one more pass unless the gate is closed.
    pub(super) fn enter(&self) -> bool {
        let mut word = self.word.load(Ordering::Relaxed);
        loop {
            if word & CLOSED != 0 {
                return false;
            }
            // Documented misuse: 2^62 passes alive at once means a leak.
            assert!(word & PASSES != PASSES, "Gate: too many passes alive at once");
            match self.word.compare_exchange_weak(
                word,
                word + 1,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => word = now,
            }
        }
    }

    /// Counts a pass out; `true` if it was the last one of a closed gate, so
    /// the waiting closer must be woken.
    pub(super) fn leave(&self) -> bool {
        // Release: the work done under the pass happens before the closer's
        // `Acquire` load that sees the count at zero.
        let before = self.word.fetch_sub(1, Ordering::AcqRel);
        before & CLOSED != 0 && before & PASSES == 1
    }

    /// Closes the gate to new passes and tries to claim the drain.
    pub(super) fn close(&self) -> Claim {
        let before = self.word.fetch_or(CLOSED | CLAIMED, Ordering::AcqRel);
        if before & CLAIMED == 0 { Claim::Won } else { Claim::Taken }
    }

    /// No pass is alive (meaningful once closed: the count can only fall).
    pub(super) fn is_drained(&self) -> bool {
        self.word.load(Ordering::Acquire) & PASSES == 0
    }

    pub(super) fn is_closed(&self) -> bool {
        self.word.load(Ordering::Acquire) & CLOSED != 0
    }

    /// The claimed closer stops waiting; a later `close` may claim again.
    pub(super) fn release_claim(&self) {
        self.word.fetch_and(!CLAIMED, Ordering::AcqRel);
    }
}
