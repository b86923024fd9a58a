//! FileLock within one process: every acquisition has its own handle, so
//! threads and tasks exclude each other the way processes do.

mod support;

use std::sync::mpsc;
use std::time::Duration;

use lockladder::{FileLock, FileLockErrorKind, LockToken, Mutex, lock_level, sync};
use support::scratch::Scratch;

#[lock_level(10)]
enum StoreLevel {}

#[lock_level(20)]
struct Cache {
    hits: u64,
}

const WATCHDOG: Duration = Duration::from_secs(60);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap()
}

/// Runs `holder` on a thread of its own, as another holder would: one root token
/// per thread (with `lockdep`, a second root token taking the same level in this
/// thread is a lock order violation, and a real self-deadlock when it waits).
fn elsewhere<R: Send>(holder: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| scope.spawn(holder).join().unwrap())
}

#[test]
fn try_lock_error_names_the_path_and_the_holder() {
    let scratch = Scratch::new("try-lock-error");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let mut held_token = LockToken::new();
    let (_held, _) = store.try_lock(&mut held_token).unwrap();

    let err = elsewhere(|| store.try_lock(&mut LockToken::new()).unwrap_err());

    assert_eq!(err.kind(), FileLockErrorKind::WouldBlock);
    assert_eq!(err.holder().map(|holder| holder.pid()), Some(std::process::id()));
    let message = err.to_string();
    let program = std::env::current_exe().unwrap();
    let program = program.file_name().unwrap().to_string_lossy();
    let expected_start = format!(
        "lock file `{}` of `StoreLevel` (lock level 10) is held by pid {} ({program}), held for ",
        store.path().display(),
        std::process::id()
    );
    assert!(message.starts_with(&expected_start), "{message}");
    assert!(
        message.ends_with("s; `try_lock` does not wait for it (use `lock` to wait)"),
        "{message}"
    );
}

#[test]
fn wait_limit_error_names_the_holder() {
    let scratch = Scratch::new("wait-limit");
    let store: FileLock<StoreLevel> =
        FileLock::open(scratch.path("store.lock")).unwrap().wait_at_most(Duration::from_millis(20));
    let mut held_token = LockToken::new();
    let (_held, _) = store.try_lock(&mut held_token).unwrap();

    let err = elsewhere(|| runtime().block_on(store.lock(&mut LockToken::new())).unwrap_err());

    assert_eq!(err.kind(), FileLockErrorKind::TimedOut);
    assert_eq!(err.holder().map(|holder| holder.pid()), Some(std::process::id()));
    let message = err.to_string();
    assert!(message.starts_with("gave up after "), "{message}");
    assert!(message.contains(&format!("it is held by pid {}", std::process::id())), "{message}");
}

#[test]
fn blocking_wait_limit_error_names_the_holder() {
    let scratch = Scratch::new("blocking-wait-limit");
    let store: sync::FileLock<StoreLevel> = sync::FileLock::open(scratch.path("store.lock"))
        .unwrap()
        .wait_at_most(Duration::from_millis(20));
    let mut held_token = LockToken::new();
    let (_held, _) = store.try_lock(&mut held_token).unwrap();

    let err = elsewhere(|| store.lock(&mut LockToken::new()).unwrap_err());

    assert_eq!(err.kind(), FileLockErrorKind::TimedOut);
    assert_eq!(err.holder().map(|holder| holder.pid()), Some(std::process::id()));
}

#[test]
fn open_in_a_missing_directory_fails_with_context() {
    let scratch = Scratch::new("missing-dir");
    let path = scratch.path("no-such-dir/store.lock");

    let err = FileLock::<StoreLevel>::open(&path).unwrap_err();

    assert_eq!(err.kind(), FileLockErrorKind::Open);
    assert_eq!(
        err.to_string(),
        format!(
            "cannot open or create the lock file `{}` of `StoreLevel` (lock level 10)",
            path.display()
        )
    );
    let source = std::error::Error::source(&err).unwrap().downcast_ref::<std::io::Error>().unwrap();
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn shared_holders_coexist_and_keep_writers_out() {
    let scratch = Scratch::new("shared");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let mut first_token = LockToken::new();
    let (first, _) = store.try_lock_shared(&mut first_token).unwrap();
    elsewhere(|| {
        let mut second_token = LockToken::new();
        let (second, _) = store.try_lock_shared(&mut second_token).unwrap();

        let err = elsewhere(|| store.try_lock(&mut LockToken::new()).unwrap_err());
        assert_eq!(err.kind(), FileLockErrorKind::WouldBlock);
        assert_eq!(err.holder(), None, "shared holders record no pid");
        assert!(err.to_string().contains("a holder that recorded no pid"), "{err}");
        drop(second);
    });

    drop(first);
    assert!(store.try_lock(&mut LockToken::new()).is_ok());
}

#[test]
fn an_exclusive_holder_records_itself_and_clears_the_record_on_release() {
    let scratch = Scratch::new("record");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();

    let mut held_token = LockToken::new();
    let (held, _) = store.try_lock(&mut held_token).unwrap();
    let record = std::fs::read_to_string(store.path()).unwrap();
    assert!(record.starts_with(&format!("pid={} since=", std::process::id())), "{record}");

    drop(held);
    assert_eq!(std::fs::read_to_string(store.path()).unwrap(), "");
}

#[test]
fn async_lock_waits_for_the_holder_to_release() {
    let scratch = Scratch::new("async-wait");
    let store: &'static FileLock<StoreLevel> =
        Box::leak(Box::new(FileLock::open(scratch.path("store.lock")).unwrap()));
    runtime().block_on(async {
        let mut held_token = LockToken::new();
        let (held, _) = store.try_lock(&mut held_token).unwrap();
        let waiter = tokio::spawn(async move {
            let mut guard_token = LockToken::new();
            let (guard, _token) = store.lock(&mut guard_token).await.unwrap();
            guard.is_exclusive()
        });
        // On this single-threaded runtime the waiter runs until it pauses.
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "the waiter got the lock while it was held");

        drop(held);
        let exclusive = tokio::time::timeout(WATCHDOG, waiter).await.expect("watchdog").unwrap();
        assert!(exclusive);
    });
}

#[test]
fn a_dropped_lock_future_holds_nothing() {
    let scratch = Scratch::new("cancel");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    runtime().block_on(async {
        let mut held_token = LockToken::new();
        let (held, _) = store.try_lock(&mut held_token).unwrap();
        let abandoned = elsewhere(|| {
            let mut token = LockToken::new();
            runtime().block_on(async {
                tokio::time::timeout(Duration::from_millis(5), store.lock(&mut token))
                    .await
                    .is_err()
            })
        });
        assert!(abandoned, "the lock was held: the wait cannot have succeeded");
        drop(held);
        assert!(store.try_lock(&mut LockToken::new()).is_ok());
    });
}

#[test]
fn file_lock_takes_its_place_below_an_in_process_mutex() {
    let scratch = Scratch::new("hierarchy");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let cache = Mutex::new(Cache { hits: 0 });
    runtime().block_on(async {
        let mut token = LockToken::new();
        let (_store, mut token) = store.lock(&mut token).await.unwrap();
        let (mut cache, _token) = cache.lock(&mut token).await;
        cache.hits += 1;
    });
    assert_eq!(cache.into_inner().hits, 1);
}

#[test]
fn guard_verify_reports_a_lock_file_removed_while_held() {
    let scratch = Scratch::new("verify");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let mut held_token = LockToken::new();
    let (held, _) = store.try_lock(&mut held_token).unwrap();
    held.verify().unwrap();

    std::fs::remove_file(store.path()).unwrap();

    let err = held.verify().unwrap_err();
    assert_eq!(err.kind(), FileLockErrorKind::Lost);
    assert_eq!(
        err.to_string(),
        format!(
            "lock file `{}` of `StoreLevel` (lock level 10) was removed or replaced while held, so it no longer excludes other processes; stop and take the lock again",
            store.path().display()
        )
    );
}

/// How the lock file disappears from under its holder.
#[cfg(target_os = "linux")]
#[derive(Clone, Copy)]
enum Vandal {
    Remove,
    Replace,
}

/// A holds the lock and B waits for it (blocked in the kernel on A's file).
/// The file is removed or replaced; C then locks whatever the path names now.
/// When A releases, B's lock on the old file must not count: B must go back to
/// the path and wait for C, so B and C never hold it at once.
#[cfg(target_os = "linux")]
fn waiter_never_joins_a_second_holder(vandal: Vandal, name: &str) {
    use support::proc_locks::{inode, wait_for_blocked_waiter};

    let scratch = Scratch::new(name);
    let store: sync::FileLock<StoreLevel> =
        sync::FileLock::open(scratch.path("store.lock")).unwrap();
    let mut a_token = LockToken::new();
    let (a, _) = store.lock(&mut a_token).unwrap();
    let old_file = inode(store.path());

    std::thread::scope(|scope| {
        let (acquired, b_acquired) = mpsc::channel();
        let store = &store;
        scope.spawn(move || {
            let mut b_token = LockToken::new();
            let (b, _token) = store.lock(&mut b_token).unwrap();
            acquired.send((inode(store.path()), b.verify().is_ok())).unwrap();
        });
        wait_for_blocked_waiter(old_file, || {});

        match vandal {
            Vandal::Remove => std::fs::remove_file(store.path()).unwrap(),
            Vandal::Replace => {
                let fresh = scratch.path("store.lock.new");
                std::fs::write(&fresh, "").unwrap();
                std::fs::rename(&fresh, store.path()).unwrap();
            }
        }
        // C is a holder of its own, on a thread of its own.
        let (c_locked, c_holds) = mpsc::channel();
        let (release_c, c_released) = mpsc::channel::<()>();
        scope.spawn(move || {
            let mut c_token = LockToken::new();
            let (c, _) = store.try_lock(&mut c_token).expect("the new file is free");
            c_locked.send(()).unwrap();
            c_released.recv().unwrap();
            drop(c);
        });
        c_holds.recv_timeout(WATCHDOG).expect("watchdog");
        let new_file = inode(store.path());
        assert_ne!(new_file, old_file);
        assert_eq!(a.verify().unwrap_err().kind(), FileLockErrorKind::Lost);

        drop(a);
        // B wakes on the old file, sees the path names another one, and waits on it.
        let b_holds_too =
            || assert!(b_acquired.try_recv().is_err(), "B holds the lock while C does");
        wait_for_blocked_waiter(new_file, b_holds_too);
        b_holds_too();

        release_c.send(()).unwrap();
        let (b_file, b_verified) = b_acquired.recv_timeout(WATCHDOG).expect("watchdog");
        assert_eq!(b_file, new_file);
        assert!(b_verified);
    });
}

#[cfg(target_os = "linux")]
#[test]
fn lock_file_removed_while_held_never_yields_a_second_holder() {
    waiter_never_joins_a_second_holder(Vandal::Remove, "removed");
}

#[cfg(target_os = "linux")]
#[test]
fn lock_file_replaced_while_held_never_yields_a_second_holder() {
    waiter_never_joins_a_second_holder(Vandal::Replace, "replaced");
}
