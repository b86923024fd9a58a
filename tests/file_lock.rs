//! FileLock within one process. Another process's hold is played by a plain
//! `File::lock` on a handle of its own (tests/file_lock_processes.rs has real
//! processes). Sections: holders and waiting; never altering the file; only
//! regular files; never waiting for this process; a file replaced at the path.

mod support;

use std::fs::File;
use std::path::Path;
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

/// Takes the lock on `path` as another process would (a handle of its own
/// that no `FileLock` knows of); released when dropped.
fn foreign_lock(path: &Path, mode: Mode) -> File {
    let file = File::open(path).unwrap();
    match mode {
        Mode::Exclusive => file.lock().unwrap(),
        Mode::Shared => file.lock_shared().unwrap(),
    }
    file
}

/// Takes the lock and lets go, waiting if need be (under the watchdog): a
/// failure means a hold was left behind. Not `try_lock`: while another test
/// of this binary spawns a process, the child shares every handle of ours
/// between its fork and its exec, so a release can lag that long.
fn take_and_release(store: &FileLock<StoreLevel>) {
    let mut token = LockToken::new();
    let taken =
        runtime().block_on(async { tokio::time::timeout(WATCHDOG, store.lock(&mut token)).await });
    let (guard, _) = taken.expect("watchdog").expect("no hold left behind");
    drop(guard);
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Exclusive,
    Shared,
}

#[test]
fn try_lock_error_names_the_path_and_the_holder() {
    let scratch = Scratch::new("try-lock-error");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let _other = foreign_lock(store.path(), Mode::Exclusive);

    let err = store.try_lock(&mut LockToken::new()).unwrap_err();

    assert_eq!(err.kind(), FileLockErrorKind::WouldBlock);
    let message = err.to_string();
    assert!(
        message.ends_with("; `try_lock` does not wait for it (use `lock` to wait)"),
        "{message}"
    );
    if cfg!(target_os = "linux") {
        let holder = err.holder().expect("the kernel names the holder");
        assert_eq!(holder.pid(), std::process::id());
        assert!(holder.is_exclusive());
        let program = std::env::current_exe().unwrap();
        let program = program.file_name().unwrap().to_string_lossy();
        assert_eq!(holder.program(), Some(program.as_ref()));
        let expected_start = format!(
            "lock file `{}` of `StoreLevel` (lock level 10) is held by pid {} ({program}, exclusive, started ",
            store.path().display(),
            std::process::id()
        );
        assert!(message.starts_with(&expected_start), "{message}");
    }
}

#[test]
fn wait_limit_error_names_the_holder() {
    let scratch = Scratch::new("wait-limit");
    let store: FileLock<StoreLevel> =
        FileLock::open(scratch.path("store.lock")).unwrap().wait_at_most(Duration::from_millis(20));
    let _other = foreign_lock(store.path(), Mode::Exclusive);

    let err = runtime().block_on(store.lock(&mut LockToken::new())).unwrap_err();

    assert_eq!(err.kind(), FileLockErrorKind::TimedOut);
    let message = err.to_string();
    assert!(message.starts_with("gave up after "), "{message}");
    if cfg!(target_os = "linux") {
        assert_eq!(err.holder().map(|holder| holder.pid()), Some(std::process::id()));
        let held_by = format!("it is held by pid {}", std::process::id());
        assert!(message.contains(&held_by), "{message}");
    }
}

#[test]
fn blocking_wait_limit_error_names_the_holder() {
    let scratch = Scratch::new("blocking-wait-limit");
    let store: sync::FileLock<StoreLevel> = sync::FileLock::open(scratch.path("store.lock"))
        .unwrap()
        .wait_at_most(Duration::from_millis(20));
    let _other = foreign_lock(store.path(), Mode::Exclusive);

    let err = store.lock(&mut LockToken::new()).unwrap_err();

    assert_eq!(err.kind(), FileLockErrorKind::TimedOut);
    if cfg!(target_os = "linux") {
        assert_eq!(err.holder().map(|holder| holder.pid()), Some(std::process::id()));
    }
}

#[test]
fn shared_holders_elsewhere_are_named_as_shared() {
    let scratch = Scratch::new("shared-named");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let first = foreign_lock(store.path(), Mode::Shared);
    let second = foreign_lock(store.path(), Mode::Shared);

    // Another reader gets in, a writer does not.
    let mut reader_token = LockToken::new();
    let reader = store.try_lock_shared(&mut reader_token).unwrap();
    drop(reader);
    let err = store.try_lock(&mut LockToken::new()).unwrap_err();

    assert_eq!(err.kind(), FileLockErrorKind::WouldBlock);
    if cfg!(target_os = "linux") {
        // Two handles of one process: one holder, named once.
        let holder = err.holder().expect("the kernel names shared holders too");
        assert_eq!(holder.pid(), std::process::id());
        assert!(!holder.is_exclusive());
        assert!(err.to_string().contains(", shared"), "{err}");
    }
    drop((first, second));
    take_and_release(&store);
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
fn async_lock_waits_for_another_holder_to_release() {
    let scratch = Scratch::new("async-wait");
    let store: &'static FileLock<StoreLevel> =
        Box::leak(Box::new(FileLock::open(scratch.path("store.lock")).unwrap()));
    runtime().block_on(async {
        let other = foreign_lock(store.path(), Mode::Exclusive);
        let waiter = tokio::spawn(async move {
            let mut guard_token = LockToken::new();
            let (guard, _token) = store.lock(&mut guard_token).await.unwrap();
            guard.is_exclusive()
        });
        // On this single-threaded runtime the waiter runs until it pauses.
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished(), "the waiter got the lock while it was held");

        drop(other);
        let exclusive = tokio::time::timeout(WATCHDOG, waiter).await.expect("watchdog").unwrap();
        assert!(exclusive);
    });
}

#[test]
fn a_dropped_lock_future_holds_nothing() {
    let scratch = Scratch::new("cancel");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let other = foreign_lock(store.path(), Mode::Exclusive);
    let abandoned = runtime().block_on(async {
        let mut token = LockToken::new();
        tokio::time::timeout(Duration::from_millis(5), store.lock(&mut token)).await.is_err()
    });
    assert!(abandoned, "the lock was held: the wait cannot have succeeded");
    drop(other);
    take_and_release(&store);
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

/// A (another process) holds the lock and B waits for it (blocked in the
/// kernel on A's file). The file is removed or replaced; C (another process)
/// then locks whatever the path names now. When A releases, B's lock on the
/// old file must not count: B must go back to the path and wait for C, so B
/// and C never hold it at once.
#[cfg(target_os = "linux")]
fn waiter_never_joins_a_second_holder(vandal: Vandal, name: &str) {
    use support::proc_locks::{inode, wait_for_blocked_waiter};

    let scratch = Scratch::new(name);
    let store: sync::FileLock<StoreLevel> =
        sync::FileLock::open(scratch.path("store.lock")).unwrap();
    let a = foreign_lock(store.path(), Mode::Exclusive);
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
        // C creates the file if it was removed, as a `FileLock` would.
        let c = File::options().write(true).create(true).truncate(false).open(store.path());
        let c = c.unwrap();
        c.try_lock().expect("the new file is free");
        let new_file = inode(store.path());
        assert_ne!(new_file, old_file);

        drop(a);
        // B wakes on the old file, sees the path names another one, and waits on it.
        let b_holds_too =
            || assert!(b_acquired.try_recv().is_err(), "B holds the lock while C does");
        wait_for_blocked_waiter(new_file, b_holds_too);
        b_holds_too();

        drop(c);
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

/// This process holds the old file; the path now names a new one, which is
/// another file (another inode): taking it is no wait for ourselves.
#[cfg(unix)]
#[test]
fn a_lock_file_replaced_while_held_is_a_new_file_for_this_process_too() {
    let scratch = Scratch::new("replaced-here");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let mut token = LockToken::new();
    let (old, _) = store.try_lock(&mut token).unwrap();

    let fresh = scratch.path("store.lock.new");
    std::fs::write(&fresh, "").unwrap();
    std::fs::rename(&fresh, store.path()).unwrap();

    assert_eq!(old.verify().unwrap_err().kind(), FileLockErrorKind::Lost);
    let new = elsewhere(|| store.try_lock(&mut LockToken::new()).map(|(new, _)| new.verify()));
    new.expect("the new file is free").expect("and is the one the path names");
}

// ---- never altering the file --------------------------------------------

const PRECIOUS: &str = "{\"balance\": 100}\n";

/// A data file with content and an mtime in the past, so that any write
/// shows in the content, the length or the mtime.
fn data_file(scratch: &Scratch) -> std::path::PathBuf {
    let path = scratch.path("data.json");
    std::fs::write(&path, PRECIOUS).unwrap();
    let past = std::time::SystemTime::now() - Duration::from_secs(3600);
    File::options().write(true).open(&path).unwrap().set_modified(past).unwrap();
    path
}

/// Content, length and mtime.
fn snapshot(path: &Path) -> (String, u64, std::time::SystemTime) {
    let metadata = std::fs::metadata(path).unwrap();
    (std::fs::read_to_string(path).unwrap(), metadata.len(), metadata.modified().unwrap())
}

/// How a test reaches the data file.
#[derive(Clone, Copy, Debug)]
enum Route {
    Direct,
    #[cfg(unix)]
    Symlink,
}

fn routes() -> Vec<Route> {
    #[cfg(unix)]
    return vec![Route::Direct, Route::Symlink];
    #[cfg(not(unix))]
    return vec![Route::Direct];
}

fn route_to(scratch: &Scratch, data: &Path, route: Route) -> std::path::PathBuf {
    match route {
        Route::Direct => data.to_owned(),
        #[cfg(unix)]
        Route::Symlink => {
            let link = scratch.path("data.lock");
            std::os::unix::fs::symlink(data, &link).unwrap();
            link
        }
    }
}

/// One row of the table below: opens the lock on the path with `$open`,
/// takes it with `$take`, runs the check while it is held, then releases it.
macro_rules! take {
    ($open:expr, |$store:ident, $token:ident| $take:expr) => {
        |path, check| {
            let $store = $open(path).unwrap();
            let mut $token = LockToken::new();
            let (guard, _) = $take.unwrap();
            check();
            drop(guard);
        }
    };
}

/// Every way to take the lock, exclusive and shared, async and blocking:
/// the data file reads the same while held and after release.
#[test]
fn locking_a_data_file_never_changes_its_content_length_or_mtime() {
    type Take = fn(&Path, &mut dyn FnMut());
    type Opened<Lock> = Result<Lock, lockladder::FileLockError>;
    fn open_async(path: &Path) -> Opened<FileLock<StoreLevel>> {
        FileLock::open(path)
    }
    fn open_sync(path: &Path) -> Opened<sync::FileLock<StoreLevel>> {
        sync::FileLock::open(path)
    }
    fn open_sync_limited(path: &Path) -> Opened<sync::FileLock<StoreLevel>> {
        Ok(sync::FileLock::open(path)?.wait_at_most(WATCHDOG))
    }
    let takes: [(&str, Take); 8] = [
        ("lock", take!(open_async, |store, token| runtime().block_on(store.lock(&mut token)))),
        (
            "lock_shared",
            take!(open_async, |store, token| runtime().block_on(store.lock_shared(&mut token))),
        ),
        ("try_lock", take!(open_async, |store, token| store.try_lock(&mut token))),
        ("try_lock_shared", take!(open_async, |store, token| store.try_lock_shared(&mut token))),
        ("sync lock", take!(open_sync, |store, token| store.lock(&mut token))),
        ("sync lock_shared", take!(open_sync, |store, token| store.lock_shared(&mut token))),
        ("sync try_lock", take!(open_sync, |store, token| store.try_lock(&mut token))),
        (
            "sync lock with a wait limit",
            take!(open_sync_limited, |store, token| store.lock(&mut token)),
        ),
    ];
    for route in routes() {
        for (name, take) in takes {
            let scratch = Scratch::new("untouched");
            let data = data_file(&scratch);
            let before = snapshot(&data);
            let path = route_to(&scratch, &data, route);
            take(&path, &mut || assert_eq!(snapshot(&data), before, "{name} via {route:?}, held"));
            assert_eq!(snapshot(&data), before, "{name} via {route:?}, released");
        }
    }
}

/// `open` creates a missing lock file empty, and touches an existing one no more
/// than a lock does.
#[test]
fn open_creates_a_missing_file_empty_and_leaves_an_existing_one_alone() {
    let scratch = Scratch::new("open-untouched");
    let created: FileLock<StoreLevel> = FileLock::open(scratch.path("new.lock")).unwrap();
    assert_eq!(std::fs::read_to_string(created.path()).unwrap(), "");

    let data = data_file(&scratch);
    let before = snapshot(&data);
    let _store: FileLock<StoreLevel> = FileLock::open(&data).unwrap();
    assert_eq!(snapshot(&data), before);
}

/// Only read access is needed: a read-only data file can be locked.
#[cfg(unix)]
#[test]
fn a_read_only_file_can_be_locked() {
    use std::os::unix::fs::PermissionsExt;

    let scratch = Scratch::new("read-only");
    let data = data_file(&scratch);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = snapshot(&data);

    let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&data).unwrap();
    let mut token = LockToken::new();
    let (guard, _) = store.lock(&mut token).unwrap();
    drop(guard);
    assert_eq!(snapshot(&data), before);
}

// ---- only regular files ----------------------------------------------------

/// `open` refuses `path` with `NotARegularFile`, saying what it is, without
/// blocking (a watchdog thread waits for the answer).
#[cfg(unix)]
fn refused_at_open(path: &Path, what: &str) {
    let path = path.to_owned();
    let (answer, answered) = mpsc::channel();
    let opener = {
        let path = path.clone();
        std::thread::spawn(move || {
            let async_err = FileLock::<StoreLevel>::open(&path).unwrap_err();
            let blocking_err = sync::FileLock::<StoreLevel>::open(&path).unwrap_err();
            answer.send((async_err, blocking_err)).unwrap();
        })
    };
    let (async_err, blocking_err) = answered.recv_timeout(WATCHDOG).expect("open blocked");
    opener.join().unwrap();
    for err in [async_err, blocking_err] {
        assert_eq!(err.kind(), FileLockErrorKind::NotARegularFile);
        assert_eq!(err.path(), path);
        assert_eq!(
            err.to_string(),
            format!(
                "cannot use `{}` as the lock file of `StoreLevel` (lock level 10): it is {what}, not a regular file",
                path.display()
            )
        );
    }
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(made.success());
}

#[cfg(unix)]
#[test]
fn a_directory_is_refused_at_open() {
    let scratch = Scratch::new("directory");
    refused_at_open(scratch.dir(), "a directory");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_open() {
    let scratch = Scratch::new("fifo");
    let fifo = scratch.path("store.lock");
    mkfifo(&fifo);
    refused_at_open(&fifo, "a FIFO (named pipe)");
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_fifo_is_refused_at_open() {
    let scratch = Scratch::new("fifo-link");
    let fifo = scratch.path("pipe");
    mkfifo(&fifo);
    let link = scratch.path("store.lock");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    refused_at_open(&link, "a FIFO (named pipe)");
}

#[cfg(unix)]
#[test]
fn a_socket_is_refused_at_open() {
    let scratch = Scratch::new("socket");
    let socket = scratch.path("store.lock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    refused_at_open(&socket, "a socket");
}

#[cfg(unix)]
#[test]
fn a_device_is_refused_at_open() {
    refused_at_open(Path::new("/dev/null"), "a character device");
}

/// The path was a regular file at `open` and is a FIFO by the time the lock
/// is taken: every acquisition refuses it, and none blocks.
#[cfg(unix)]
#[test]
fn a_fifo_put_at_the_path_after_open_is_refused_by_every_acquisition() {
    let scratch = Scratch::new("fifo-later");
    let path = scratch.path("store.lock");
    let async_store: FileLock<StoreLevel> = FileLock::open(&path).unwrap();
    let blocking_store: sync::FileLock<StoreLevel> = sync::FileLock::open(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    mkfifo(&path);

    let (answer, answered) = mpsc::channel();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let runtime = runtime();
            let mut kinds = vec![
                async_store.try_lock(&mut LockToken::new()).map(drop),
                async_store.try_lock_shared(&mut LockToken::new()).map(drop),
                runtime.block_on(async_store.lock(&mut LockToken::new())).map(drop),
                runtime.block_on(async_store.lock_shared(&mut LockToken::new())).map(drop),
                blocking_store.try_lock(&mut LockToken::new()).map(drop),
                blocking_store.lock(&mut LockToken::new()).map(drop),
                blocking_store.lock_shared(&mut LockToken::new()).map(drop),
            ]
            .into_iter()
            .map(|result| result.unwrap_err().kind())
            .collect::<Vec<_>>();
            kinds.dedup();
            answer.send(kinds).unwrap();
        });
        let kinds = answered.recv_timeout(WATCHDOG).expect("an acquisition blocked on the FIFO");
        assert_eq!(kinds, [FileLockErrorKind::NotARegularFile]);
    });
}

// ---- never waiting for this process ---------------------------------------

#[lock_level(20)]
enum UpperLevel {}

/// The message of a `HeldByThisProcess` error for a hold of `StoreLevel`
/// taken at `line` of this file through `held_path`.
fn held_here_message(
    path: &Path,
    level: &str,
    how: &str,
    held_path: &Path,
    line: u32,
    operation: &str,
) -> String {
    let through = if held_path == path {
        String::new()
    } else {
        format!(" through `{}`", held_path.display())
    };
    format!(
        "lock file `{}` of {level} is already held {how} in this process, as `StoreLevel` (lock level 10){through}, taken at {}:{line}:",
        path.display(),
        file!()
    ) + &format!("; `{operation}` refuses to wait for its own process")
}

fn assert_held_here(err: &lockladder::FileLockError, expected: &str) {
    assert_eq!(err.kind(), FileLockErrorKind::HeldByThisProcess);
    let message = err.to_string();
    let (head, tail) = expected.split_once("; ").unwrap();
    assert!(message.starts_with(head), "{message}\nexpected: {expected}");
    assert!(message.contains(&format!("; {tail}")), "{message}\nexpected: {expected}");
    assert!(message.ends_with(
        "(it would wait forever if this task holds it): drop that guard first, or let the tasks of one process take turns on a `Mutex` below the lock file"
    ), "{message}");
}

/// Another name of the store's file.
#[derive(Clone, Copy, Debug)]
enum Alias {
    SamePath,
    #[cfg(unix)]
    Symlink,
    HardLink,
    DotDot,
}

fn aliases() -> Vec<Alias> {
    #[cfg(unix)]
    return vec![Alias::SamePath, Alias::Symlink, Alias::HardLink, Alias::DotDot];
    #[cfg(not(unix))]
    return vec![Alias::SamePath, Alias::DotDot];
}

fn alias_of(scratch: &Scratch, store: &Path, alias: Alias) -> std::path::PathBuf {
    match alias {
        Alias::SamePath => store.to_owned(),
        #[cfg(unix)]
        Alias::Symlink => {
            let link = scratch.path("symlink.lock");
            std::os::unix::fs::symlink(store, &link).unwrap();
            link
        }
        Alias::HardLink => {
            let link = scratch.path("hardlink.lock");
            std::fs::hard_link(store, &link).unwrap();
            link
        }
        Alias::DotDot => {
            std::fs::create_dir_all(scratch.path("sub")).unwrap();
            scratch.path("sub/../store.lock")
        }
    }
}

/// One task takes the store (level 10), then the same file again through an
/// alias one level up (20), exclusive: refused at once, blocking and async,
/// naming the first hold. After the first guard drops, the second succeeds.
#[test]
fn the_same_file_at_a_higher_level_is_refused_not_waited_for() {
    for alias in aliases() {
        let scratch = Scratch::new("twice");
        let store_path = scratch.path("store.lock");
        let store: sync::FileLock<StoreLevel> = sync::FileLock::open(&store_path).unwrap();
        let upper_path = alias_of(&scratch, &store_path, alias);
        let upper: sync::FileLock<UpperLevel> = sync::FileLock::open(&upper_path).unwrap();
        let async_upper: FileLock<UpperLevel> = FileLock::open(&upper_path).unwrap();

        let mut root = LockToken::new();
        let first_line = line!() + 1;
        let (held, mut token) = store.lock(&mut root).unwrap();
        let expected = |operation| {
            held_here_message(
                upper.path(),
                "`UpperLevel` (lock level 20)",
                "exclusively",
                store.path(),
                first_line,
                operation,
            )
        };
        let (answer, answered) = mpsc::channel();
        std::thread::scope(|scope| {
            // The token moves to a watchdog-guarded thread: it is this task.
            let (upper, async_upper) = (&upper, &async_upper);
            scope.spawn(move || {
                let blocking = upper.lock(&mut token).map(drop).unwrap_err();
                let blocking_shared = upper.lock_shared(&mut token).map(drop).unwrap_err();
                let tried = upper.try_lock(&mut token).map(drop).unwrap_err();
                let waited =
                    runtime().block_on(async_upper.lock(&mut token)).map(drop).unwrap_err();
                answer.send([blocking, blocking_shared, tried, waited]).unwrap();
            });
            let [blocking, blocking_shared, tried, waited] =
                answered.recv_timeout(WATCHDOG).expect("waited for its own process");
            assert_held_here(&blocking, &expected("lock"));
            assert_held_here(&blocking_shared, &expected("lock_shared"));
            assert_held_here(&tried, &expected("try_lock"));
            assert_held_here(&waited, &expected("lock"));
        });

        drop(held);
        let (upper_guard, _) = upper.lock(&mut root).unwrap();
        assert!(upper_guard.verify().is_ok(), "{alias:?}");
    }
}

/// Shared holds coexist in one process, and conflict with an exclusive one in
/// either order.
#[test]
fn shared_holds_of_one_file_coexist_and_an_exclusive_one_excludes_them() {
    let scratch = Scratch::new("shared-here");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    #[cfg(unix)]
    let upper_path = alias_of(&scratch, store.path(), Alias::Symlink);
    #[cfg(not(unix))]
    let upper_path = store.path().to_owned();
    let upper: FileLock<UpperLevel> = FileLock::open(&upper_path).unwrap();
    runtime().block_on(async {
        let mut root = LockToken::new();
        let first_line = line!() + 1;
        let (shared, mut token) = store.lock_shared(&mut root).await.unwrap();
        let (also_shared, _) = upper.lock_shared(&mut token).await.unwrap();
        drop(also_shared);
        let err = upper.lock(&mut token).await.map(drop).unwrap_err();
        let expected = held_here_message(
            upper.path(),
            "`UpperLevel` (lock level 20)",
            "shared",
            store.path(),
            first_line,
            "lock",
        );
        assert_held_here(&err, &expected);
        drop(shared);

        let first_line = line!() + 1;
        let (exclusive, mut token) = store.lock(&mut root).await.unwrap();
        let err = upper.try_lock_shared(&mut token).map(drop).unwrap_err();
        let expected = held_here_message(
            upper.path(),
            "`UpperLevel` (lock level 20)",
            "exclusively",
            store.path(),
            first_line,
            "try_lock_shared",
        );
        assert_held_here(&err, &expected);
        drop(exclusive);
        let free = tokio::time::timeout(WATCHDOG, upper.lock(&mut root)).await;
        let (_free, _) = free.expect("watchdog").expect("no hold left behind");
    });
}

/// The rule is per process: another thread (or task) of this process is
/// refused too, for the same level through the same `FileLock` value or
/// another one.
#[test]
fn another_thread_of_this_process_is_refused_too() {
    let scratch = Scratch::new("other-thread");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let again: sync::FileLock<StoreLevel> = sync::FileLock::open(store.path()).unwrap();
    let mut token = LockToken::new();
    let first_line = line!() + 1;
    let (held, _) = store.try_lock(&mut token).unwrap();

    let (same_value, other_value) = elsewhere(|| {
        let async_err =
            runtime().block_on(store.lock(&mut LockToken::new())).map(drop).unwrap_err();
        (async_err, again.lock(&mut LockToken::new()).map(drop).unwrap_err())
    });
    let expected = |level: &str, operation| {
        held_here_message(store.path(), level, "exclusively", store.path(), first_line, operation)
    };
    assert_held_here(&same_value, &expected("`StoreLevel` (lock level 10)", "lock"));
    assert_held_here(&other_value, &expected("`StoreLevel` (lock level 10)", "lock"));
    drop(held);
    take_and_release(&store);
}

/// The registration ends with the hold however it ends, and no failed or
/// abandoned acquisition leaves one behind: after each, the file is free for
/// this process again.
#[test]
fn no_hold_outlives_its_guard_or_survives_a_failed_acquisition() {
    let scratch = Scratch::new("registry");
    let store: FileLock<StoreLevel> = FileLock::open(scratch.path("store.lock")).unwrap();
    let blocking: sync::FileLock<StoreLevel> = sync::FileLock::open(store.path()).unwrap();
    let upper: FileLock<UpperLevel> = FileLock::open(store.path()).unwrap();
    let free_here = || take_and_release(&store);

    // A panic while held.
    let panicked = std::panic::catch_unwind(|| {
        let mut token = LockToken::new();
        let _held = blocking.lock(&mut token).unwrap();
        panic!("while holding the store");
    });
    assert!(panicked.is_err());
    free_here();

    // Refused because this process holds it.
    let mut root = LockToken::new();
    let (held, mut token) = store.try_lock(&mut root).unwrap();
    assert!(upper.try_lock(&mut token).is_err());
    drop(held);
    free_here();

    // Refused because another process holds it; a wait abandoned; a wait that timed out.
    let other = foreign_lock(store.path(), Mode::Exclusive);
    assert!(store.try_lock(&mut LockToken::new()).is_err());
    runtime().block_on(async {
        let mut token = LockToken::new();
        let wait = tokio::time::timeout(Duration::from_millis(5), store.lock(&mut token));
        assert!(wait.await.is_err());
    });
    let limited = sync::FileLock::<StoreLevel>::open(store.path())
        .unwrap()
        .wait_at_most(Duration::from_millis(5));
    assert!(limited.lock(&mut LockToken::new()).is_err());
    drop(other);
    free_here();

    // A future dropped after it got the lock, before it was awaited to the end:
    // the guard it returned is dropped with it.
    runtime().block_on(async {
        let mut token = LockToken::new();
        let mut future = std::pin::pin!(store.lock(&mut token));
        let poll =
            std::future::poll_fn(|cx| std::task::Poll::Ready(future.as_mut().poll(cx))).await;
        assert!(poll.is_ready());
    });
    free_here();
}

/// A guard passed to `mem::forget` keeps the file locked until the process
/// exits: later acquisitions in this process say so (naming the forgotten
/// hold) instead of waiting for it forever.
#[test]
fn a_forgotten_guard_is_reported_not_waited_for() {
    let scratch = Scratch::new("forgotten");
    let store: sync::FileLock<StoreLevel> =
        sync::FileLock::open(scratch.path("store.lock")).unwrap();
    let first_line = line!() + 3;
    elsewhere(|| {
        let mut token = LockToken::new();
        let (guard, _) = store.lock(&mut token).unwrap();
        std::mem::forget(guard);
    });

    let (answer, answered) = mpsc::channel();
    std::thread::scope(|scope| {
        let store = &store;
        scope.spawn(move || answer.send(store.lock(&mut LockToken::new()).map(drop)).unwrap());
        let err = answered.recv_timeout(WATCHDOG).expect("waited for the forgotten hold");
        let expected = held_here_message(
            store.path(),
            "`StoreLevel` (lock level 10)",
            "exclusively",
            store.path(),
            first_line,
            "lock",
        );
        assert_held_here(&err.unwrap_err(), &expected);
    });
}

/// Tasks of one multi-threaded runtime race for one file, each wait cancelled
/// at a random moment (a random timeout), while another process's hold comes
/// and goes: two holds never overlap, each acquisition is granted, refused
/// (another task holds it) or abandoned, and afterwards nothing is left held.
#[test]
fn racing_cancelled_waits_never_overlap_and_leave_nothing_held() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

    const TASKS: u64 = 4;
    const ROUNDS: u64 = 200;
    let scratch = Scratch::new("racing");
    let store: Arc<FileLock<StoreLevel>> =
        Arc::new(FileLock::open(scratch.path("store.lock")).unwrap());
    let inside = Arc::new(AtomicUsize::new(0));
    let (granted, refused, abandoned) =
        (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let done = Arc::new(AtomicBool::new(false));

    // Another process's hold, taken and dropped over and over.
    let flapper = {
        let (path, done) = (store.path().to_owned(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let other = foreign_lock(&path, Mode::Exclusive);
                std::thread::sleep(Duration::from_micros(300));
                drop(other);
                std::thread::sleep(Duration::from_micros(300));
            }
        })
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|seed| {
                let (store, inside) = (store.clone(), inside.clone());
                let (granted, refused, abandoned) =
                    (granted.clone(), refused.clone(), abandoned.clone());
                tokio::spawn(async move {
                    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
                    for _ in 0..ROUNDS {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        let patience = Duration::from_micros(state % 2_000);
                        let mut token = LockToken::new();
                        match tokio::time::timeout(patience, store.lock(&mut token)).await {
                            Ok(Ok((guard, _token))) => {
                                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "overlap");
                                tokio::task::yield_now().await;
                                inside.fetch_sub(1, Ordering::SeqCst);
                                drop(guard);
                                granted.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(Err(err)) => {
                                assert_eq!(err.kind(), FileLockErrorKind::HeldByThisProcess);
                                refused.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(_cancelled) => {
                                abandoned.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                })
            })
            .collect();
        for task in tasks {
            tokio::time::timeout(WATCHDOG, task).await.expect("watchdog").unwrap();
        }
    });
    done.store(true, Ordering::Relaxed);
    flapper.join().unwrap();

    let outcomes = [&granted, &refused, &abandoned].map(|count| count.load(Ordering::Relaxed));
    assert_eq!(outcomes.iter().sum::<u64>(), TASKS * ROUNDS, "{outcomes:?}");
    take_and_release(&store);
}

/// A task that holds the store awaits a task that needs it: with in-process
/// locks a deadlock the types cannot see; here the awaited task gets an error
/// and the await returns.
#[test]
fn awaiting_a_task_that_needs_the_held_file_returns() {
    let scratch = Scratch::new("await-task");
    let store: &'static FileLock<StoreLevel> =
        Box::leak(Box::new(FileLock::open(scratch.path("store.lock")).unwrap()));
    let multi_thread = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    multi_thread.block_on(async {
        let mut token = LockToken::new();
        let (_held, _token) = store.lock(&mut token).await.unwrap();
        let helper = tokio::spawn(async move {
            let mut token = LockToken::new();
            store.lock(&mut token).await.map(drop).map_err(|err| err.kind())
        });
        let outcome = tokio::time::timeout(WATCHDOG, helper).await.expect("deadlocked").unwrap();
        assert_eq!(outcome, Err(FileLockErrorKind::HeldByThisProcess));
    });
}
