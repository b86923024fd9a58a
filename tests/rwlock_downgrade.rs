//! The async `RwLockWriteGuard::downgrade`: no gap, waiting readers let in,
//! a queued writer still served before later readers.
//!
//! These drive several tasks' futures by hand on one thread; lockdep counts a
//! thread as one task and would read that as one task taking the lock twice.
#![cfg(not(feature = "lockdep"))]

use std::pin::pin;
use std::time::Duration;

use lockladder::{LockToken, RwLock, RwLockWriteGuard, lock_level};

mod hand_polling;
use hand_polling::{channel_waker, ready};

#[lock_level(10)]
#[derive(Debug, Default)]
struct Registry {
    value: u64,
}

const WATCHDOG: Duration = Duration::from_secs(10);

#[test]
fn a_downgrade_lets_a_waiting_reader_in_while_the_read_is_held() {
    let registry = RwLock::new(Registry::default());
    let mut writer_token = LockToken::new();
    let (mut writing, _) = registry.try_write(&mut writer_token).unwrap();

    let (waker, woken) = channel_waker(16);
    let mut reader_token = LockToken::new();
    let mut reader = pin!(registry.read(&mut reader_token));
    assert!(ready(reader.as_mut(), &waker).is_none(), "the writer holds the lock");

    writing.value = 7;
    let reading = RwLockWriteGuard::downgrade(writing);
    woken.recv_timeout(WATCHDOG).expect("the downgrade woke the waiting reader");
    let (other, _) = ready(reader.as_mut(), &waker).expect("readers share the lock");
    assert_eq!((reading.value, other.value), (7, 7));
}

#[test]
fn a_queued_writer_is_not_passed_by_the_downgrade_and_sees_the_write() {
    let registry = RwLock::new(Registry::default());
    let mut first_token = LockToken::new();
    let (mut writing, _) = registry.try_write(&mut first_token).unwrap();

    let (waker, woken) = channel_waker(16);
    let mut writer_token = LockToken::new();
    let mut writer = pin!(registry.write(&mut writer_token));
    assert!(ready(writer.as_mut(), &waker).is_none());

    writing.value = 1;
    let reading = RwLockWriteGuard::downgrade(writing);
    while woken.try_recv().is_ok() {}
    assert!(ready(writer.as_mut(), &waker).is_none(), "the read hold is still there");
    let mut late_token = LockToken::new();
    assert!(registry.try_read(&mut late_token).is_err(), "late readers stand behind the writer");
    drop(reading);
    woken.recv_timeout(WATCHDOG).expect("the release woke the writer");
    let (mut next, _) = ready(writer.as_mut(), &waker).expect("its turn");
    assert_eq!(next.value, 1);
    next.value = 2;
}
