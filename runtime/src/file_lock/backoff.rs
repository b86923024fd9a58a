//! The pauses between attempts when a lock file is waited for by polling.

use std::time::{Duration, Instant};

/// The first pause: a lock held for a moment is retried almost at once.
const FIRST_PAUSE: Duration = Duration::from_millis(1);
/// The longest pause, so a released lock is noticed within this long.
const MAX_PAUSE: Duration = Duration::from_millis(32);

/// Doubling pauses from 1 ms to 32 ms, cut short by the wait limit.
pub(super) struct Backoff {
    next: Duration,
    started: Instant,
    deadline: Option<Instant>,
}

impl Backoff {
    pub(super) fn new(limit: Option<Duration>) -> Self {
        let started = Instant::now();
        Backoff {
            next: FIRST_PAUSE,
            started,
            deadline: limit.and_then(|limit| started.checked_add(limit)),
        }
    }

    /// The pause before the next attempt, or `None` once the limit has passed.
    pub(super) fn next_pause(&mut self) -> Option<Duration> {
        let pause = self.next;
        self.next = (pause * 2).min(MAX_PAUSE);
        match self.deadline {
            None => Some(pause),
            Some(deadline) => {
                let left = deadline.checked_duration_since(Instant::now())?;
                (!left.is_zero()).then(|| pause.min(left))
            }
        }
    }

    /// How long the caller has waited so far.
    pub(super) fn waited(&self) -> Duration {
        self.started.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_cap() {
        let mut backoff = Backoff::new(None);
        let pauses: Vec<u64> =
            (0..8).map(|_| backoff.next_pause().unwrap().as_millis() as u64).collect();
        assert_eq!(pauses, [1, 2, 4, 8, 16, 32, 32, 32]);
    }

    #[test]
    fn no_pause_once_the_limit_has_passed() {
        let mut backoff = Backoff::new(Some(Duration::ZERO));
        assert_eq!(backoff.next_pause(), None);
    }
}
