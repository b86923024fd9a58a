//! The Gate's promises: one winner, no pass after close, close waits for the
//! passes in flight, and gives up at its deadline.

use std::sync::{Barrier, mpsc};
use std::time::{Duration, Instant};

use lockladder::{CloseOutcome, Gate};

/// Only reached when something is broken.
const WATCHDOG: Duration = Duration::from_secs(60);
const CLOSERS: usize = 8;

fn far_deadline() -> Instant {
    Instant::now() + WATCHDOG
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap()
}

#[test]
fn concurrent_closers_yield_exactly_one_drained() {
    let gate = Gate::new();
    let pass = gate.try_enter().unwrap();
    let start = Barrier::new(CLOSERS);
    let (outcomes, collected) = mpsc::channel();

    std::thread::scope(|scope| {
        for closer in 0..CLOSERS {
            let (gate, start, outcomes) = (&gate, &start, outcomes.clone());
            scope.spawn(move || {
                start.wait();
                let outcome = if closer % 2 == 0 {
                    gate.close_blocking(far_deadline())
                } else {
                    runtime().block_on(gate.close(far_deadline()))
                };
                outcomes.send(outcome).unwrap();
            });
        }
        // Every closer but the winner returns at once; the winner waits for `pass`.
        for _ in 1..CLOSERS {
            let outcome = collected.recv_timeout(WATCHDOG).expect("watchdog");
            assert_eq!(outcome, CloseOutcome::AlreadyClosing);
        }
        assert!(collected.try_recv().is_err(), "drained while a pass was out");
        drop(pass);
        assert_eq!(collected.recv_timeout(WATCHDOG).expect("watchdog"), CloseOutcome::Drained);
    });
}

#[test]
fn close_waits_for_the_pass_in_flight() {
    let gate = Gate::new();
    runtime().block_on(async {
        let in_flight = gate.try_enter().unwrap();
        let mut close = std::pin::pin!(gate.close(far_deadline()));

        // One poll: the gate closes and the closer waits.
        assert!(futures_poll_once(close.as_mut()).await.is_none());
        assert!(gate.is_closed());
        assert!(gate.try_enter().is_none(), "a pass was granted after close began");

        drop(in_flight);
        let outcome = tokio::time::timeout(WATCHDOG, close).await.expect("watchdog");
        assert_eq!(outcome, CloseOutcome::Drained);
    });
}

#[test]
fn blocking_close_waits_for_the_pass_in_flight() {
    let gate = Gate::new();
    let in_flight = gate.try_enter().unwrap();
    std::thread::scope(|scope| {
        let closed = start_blocking_close(scope, &gate);
        assert!(gate.try_enter().is_none(), "a pass was granted after close began");
        assert!(closed.try_recv().is_err(), "drained while a pass was out");

        drop(in_flight);
        assert_eq!(closed.recv_timeout(WATCHDOG).expect("watchdog"), CloseOutcome::Drained);
    });
}

#[test]
fn close_times_out_when_a_pass_outlives_the_deadline() {
    let gate = Gate::new();
    let pass = gate.try_enter().unwrap();

    let soon = Instant::now() + Duration::from_millis(10);
    assert_eq!(runtime().block_on(gate.close(soon)), CloseOutcome::TimedOut);
    assert_eq!(gate.close_blocking(soon), CloseOutcome::TimedOut);

    // Still closed to new passes; once the pass is gone a new close drains it.
    assert!(gate.try_enter().is_none());
    drop(pass);
    assert_eq!(gate.close_blocking(soon), CloseOutcome::Drained);
    assert_eq!(gate.close_blocking(soon), CloseOutcome::AlreadyClosing);
}

#[test]
fn a_dropped_close_future_releases_the_claim() {
    let gate = Gate::new();
    let pass = gate.try_enter().unwrap();
    runtime().block_on(async {
        let mut close = Box::pin(gate.close(far_deadline()));
        assert!(futures_poll_once(close.as_mut()).await.is_none());
        drop(close);
    });
    assert!(gate.try_enter().is_none(), "the gate stays closed");
    drop(pass);
    assert_eq!(gate.close_blocking(far_deadline()), CloseOutcome::Drained);
}

#[test]
fn refused_entries_do_not_count_a_pass_out() {
    let gate = Gate::new();
    let in_flight = gate.try_enter().unwrap();
    let soon = Instant::now() + Duration::from_millis(1);
    assert_eq!(gate.close_blocking(soon), CloseOutcome::TimedOut);
    for _ in 0..3 {
        assert!(gate.try_enter().is_none());
    }
    // Were a refusal counted as a leave, the count would read zero (or wrap) here.
    assert_eq!(gate.close_blocking(soon), CloseOutcome::TimedOut);
    drop(in_flight);
    assert_eq!(gate.close_blocking(soon), CloseOutcome::Drained);
}

#[test]
fn closing_an_idle_gate_drains_at_once_without_a_timer() {
    let gate = Gate::new();
    let no_timer = tokio::runtime::Builder::new_current_thread().build().unwrap();
    assert_eq!(no_timer.block_on(gate.close(far_deadline())), CloseOutcome::Drained);
}

#[test]
fn many_passes_drain_only_when_the_last_one_drops() {
    let gate = Gate::new();
    let mut passes: Vec<_> = (0..100).map(|_| gate.try_enter().unwrap()).collect();
    std::thread::scope(|scope| {
        let closed = start_blocking_close(scope, &gate);
        while passes.len() > 1 {
            passes.pop();
            assert!(closed.try_recv().is_err(), "drained with {} passes out", passes.len());
        }
        passes.pop();
        assert_eq!(closed.recv_timeout(WATCHDOG).expect("watchdog"), CloseOutcome::Drained);
    });
}

/// Starts `close_blocking` on a thread of `scope` and returns once the gate is
/// closed; the receiver gets the outcome.
fn start_blocking_close<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    gate: &'scope Gate,
) -> mpsc::Receiver<CloseOutcome> {
    let (done, closed) = mpsc::channel();
    scope.spawn(move || done.send(gate.close_blocking(far_deadline())).unwrap());
    while !gate.is_closed() {
        std::thread::yield_now();
    }
    closed
}

/// Polls `future` once; `Some` if it completed.
async fn futures_poll_once<F: std::future::Future + Unpin>(future: F) -> Option<F::Output> {
    let mut future = future;
    std::future::poll_fn(|cx| {
        std::task::Poll::Ready(match std::pin::Pin::new(&mut future).poll(cx) {
            std::task::Poll::Ready(output) => Some(output),
            std::task::Poll::Pending => None,
        })
    })
    .await
}
