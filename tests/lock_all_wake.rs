//! An async `lock_all`/`lock_many` waiting for a blocking `sync` lock sleeps
//! until that lock is released: it is not woken while the lock is held (no
//! busy retry), and it is woken by every kind of release (no lost wake-up).
//!
//! Locks are held on other threads (other tasks to `lockdep`); each future is
//! polled by hand with a waker that records its wake-ups. Every wait for a
//! wake-up is a watchdog, never a measurement.

mod set_support;

use std::pin::{Pin, pin};
use std::sync::{Arc, Condvar, Mutex as StdMutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use lockladder::{LockToken, Mutex, Read, Write, lock_level, sync};
use set_support::hold_elsewhere;

#[lock_level(20)]
#[derive(Debug, Default)]
struct Account {
    balance: u64,
}

#[lock_level(30)]
#[derive(Debug, Default)]
struct Ledger {
    entries: u64,
}

const WATCHDOG: Duration = Duration::from_secs(20);

/// A waker that counts its wake-ups.
#[derive(Default)]
struct Recorder {
    wakes: StdMutex<usize>,
    changed: Condvar,
}

impl Wake for Recorder {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        *self.wakes.lock().unwrap() += 1;
        self.changed.notify_all();
    }
}

impl Recorder {
    fn new() -> Arc<Self> {
        Arc::default()
    }

    fn wakes(&self) -> usize {
        *self.wakes.lock().unwrap()
    }

    /// Waits until woken at least once; a watchdog, not a measurement.
    fn wait_until_woken(&self) {
        let wakes = self.wakes.lock().unwrap();
        let (wakes, _) = self.changed.wait_timeout_while(wakes, WATCHDOG, |n| *n == 0).unwrap();
        assert!(
            *wakes > 0,
            "lost wake-up: the waiter was not woken within the {WATCHDOG:?} watchdog"
        );
    }

    fn poll<F: Future>(self: &Arc<Self>, future: Pin<&mut F>) -> Poll<F::Output> {
        let waker = Waker::from(self.clone());
        future.poll(&mut Context::from_waker(&waker))
    }
}

#[test]
fn lock_all_waiting_for_a_blocking_mutex_sleeps_until_its_release() {
    let ledger = sync::Mutex::new(Ledger::default());
    let account = Mutex::new(Account::default());
    std::thread::scope(|scope| {
        let held = hold_elsewhere(scope, |wait| {
            let mut root = LockToken::new();
            let (mut held, _token) = ledger.lock(&mut root);
            wait();
            held.entries = 1;
        });
        let mut token = LockToken::new();
        let mut all = pin!(token.lock_all((&ledger, &account)));
        let recorder = Recorder::new();
        assert!(recorder.poll(all.as_mut()).is_pending());
        assert_eq!(recorder.wakes(), 0, "woken while the lock is still held: a busy retry");
        held.release();
        recorder.wait_until_woken();
        let Poll::Ready(((ledger, _account), _token)) = recorder.poll(all.as_mut()) else {
            panic!("woken after the release, the lock is free");
        };
        assert_eq!(ledger.entries, 1);
    });
}

#[test]
fn lock_many_waiting_for_a_blocking_rwlock_sleeps_until_its_release() {
    let accounts: Vec<sync::RwLock<Account>> = (0..2).map(|_| sync::RwLock::default()).collect();
    std::thread::scope(|scope| {
        let held = hold_elsewhere(scope, |wait| {
            let mut root = LockToken::new();
            let (_held, _token) = accounts[1].read(&mut root);
            wait();
        });
        let mut token = LockToken::new();
        let mut many = pin!(token.lock_many([Write(&accounts[1]), Write(&accounts[0])]));
        let recorder = Recorder::new();
        assert!(recorder.poll(many.as_mut()).is_pending());
        assert_eq!(recorder.wakes(), 0, "woken while the lock is still held: a busy retry");
        held.release();
        recorder.wait_until_woken();
        assert!(recorder.poll(many.as_mut()).is_ready());
    });
}

#[test]
fn every_reader_waiting_for_a_blocking_rwlock_is_woken_by_the_writers_release() {
    let account = sync::RwLock::new(Account::default());
    std::thread::scope(|scope| {
        let held = hold_elsewhere(scope, |wait| {
            let mut root = LockToken::new();
            let (_held, _token) = account.write(&mut root);
            wait();
        });
        // The second reader on a thread of its own: another task to `lockdep`.
        let (registered_tx, registered_rx) = std::sync::mpsc::channel();
        let account = &account;
        let second = scope.spawn(move || {
            let mut token = LockToken::new();
            let mut second = pin!(token.lock_all((Read(account),)));
            let recorder = Recorder::new();
            assert!(recorder.poll(second.as_mut()).is_pending());
            registered_tx.send(()).unwrap();
            recorder.wait_until_woken();
            assert!(recorder.poll(second.as_mut()).is_ready(), "free to read");
        });
        let mut token = LockToken::new();
        let mut first = pin!(token.lock_all((Read(account),)));
        let recorder = Recorder::new();
        assert!(recorder.poll(first.as_mut()).is_pending());
        registered_rx.recv().unwrap();
        held.release();
        // Both may read at once, so both must be woken: waking one would leave
        // the other asleep for as long as the first reads.
        recorder.wait_until_woken();
        let Poll::Ready(first) = recorder.poll(first.as_mut()) else { panic!("free to read") };
        second.join().unwrap();
        drop(first);
    });
}

#[test]
fn a_waiter_cancelled_after_its_wake_up_passes_it_on() {
    let account = sync::Mutex::new(Account::default());
    std::thread::scope(|scope| {
        let held = hold_elsewhere(scope, |wait| {
            let mut root = LockToken::new();
            let (_held, _token) = account.lock(&mut root);
            wait();
        });
        let (mut first_token, mut second_token) = (LockToken::new(), LockToken::new());
        let mut first = Box::pin(first_token.lock_all((&account,)));
        let mut second = pin!(second_token.lock_many([&account]));
        let (first_waker, second_waker) = (Recorder::new(), Recorder::new());
        assert!(first_waker.poll(first.as_mut()).is_pending());
        assert!(second_waker.poll(second.as_mut()).is_pending());
        held.release();
        // A mutex wakes one waiter per release: the first in line.
        first_waker.wait_until_woken();
        drop(first);
        second_waker.wait_until_woken();
        assert!(second_waker.poll(second.as_mut()).is_ready());
    });
}

#[test]
fn a_cancelled_lock_all_that_held_a_blocking_lock_wakes_its_waiters() {
    let account = sync::Mutex::new(Account::default());
    let ledger = Mutex::new(Ledger::default());
    std::thread::scope(|scope| {
        // The async ledger is held elsewhere, so the first `lock_all` takes
        // the blocking account and then waits for the ledger.
        let held = hold_elsewhere(scope, |wait| {
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            runtime.block_on(async {
                let mut root = LockToken::new();
                let (_held, _token) = ledger.lock(&mut root).await;
                wait();
            });
        });
        let (mut first_token, mut second_token) = (LockToken::new(), LockToken::new());
        let mut first = Box::pin(first_token.lock_all((&ledger, &account)));
        let mut second = pin!(second_token.lock_all((&account,)));
        let (first_waker, second_waker) = (Recorder::new(), Recorder::new());
        assert!(first_waker.poll(first.as_mut()).is_pending());
        assert!(second_waker.poll(second.as_mut()).is_pending());
        assert_eq!(second_waker.wakes(), 0);
        // Dropping the first releases the account it took: the second wakes.
        drop(first);
        second_waker.wait_until_woken();
        assert!(second_waker.poll(second.as_mut()).is_ready());
        held.release();
    });
}

#[test]
fn lock_all_waiting_for_a_lock_held_by_lock_all_blocking_is_woken_by_its_release() {
    let (a, b) = (sync::Mutex::new(Account::default()), sync::Mutex::new(Account::default()));
    std::thread::scope(|scope| {
        let held = hold_elsewhere(scope, |wait| {
            let mut root = LockToken::new();
            let (mut guards, _token) = root.lock_many_blocking([&a, &b]);
            wait();
            guards[1].balance = 5;
        });
        let mut token = LockToken::new();
        let mut all = pin!(token.lock_all((&b,)));
        let recorder = Recorder::new();
        assert!(recorder.poll(all.as_mut()).is_pending());
        held.release();
        recorder.wait_until_woken();
        let Poll::Ready(((b,), _token)) = recorder.poll(all.as_mut()) else { panic!("free") };
        assert_eq!(b.balance, 5);
    });
}
