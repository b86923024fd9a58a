//! FileLock across real processes. This binary re-executes itself: with
//! `LOCKLADDER_CHILD_ROLE` set it plays one child, otherwise it is the parent
//! and runs each scenario below. (`harness = false` because a libtest entry
//! point for the children would be a "test" that passes by doing nothing.)

mod support;

use std::env;
use std::fs::{self, OpenOptions};
use std::io::{BufRead, BufReader, ErrorKind};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lockladder::{FileLock, FileLockErrorKind, LockToken, lock_level, sync};
use support::scratch::Scratch;

#[lock_level(10)]
enum StoreLevel {}

const ROLE: &str = "LOCKLADDER_CHILD_ROLE";
const LOCK_PATH: &str = "LOCKLADDER_CHILD_LOCK";
const WORK_DIR: &str = "LOCKLADDER_CHILD_DIR";

/// Writers per API: this many take the lock with `lock().await`, as many again
/// with the blocking `sync::FileLock`.
const WRITERS_PER_API: usize = 3;
/// Readers per API, taking the lock shared.
const READERS_PER_API: usize = 1;
/// Acquisitions per child.
const ROUNDS: u64 = 200;
/// Only reached when something is broken.
const WATCHDOG: Duration = Duration::from_secs(120);

fn main() {
    if let Ok(role) = env::var(ROLE) {
        return child(&role);
    }
    scenario(
        "exclusive_holders_never_overlap_across_processes",
        exclusive_holders_never_overlap_across_processes,
    );
    scenario(
        "killed_holder_releases_the_lock_to_a_blocked_waiter",
        killed_holder_releases_the_lock,
    );
    scenario(
        "a_holder_process_is_named_and_its_data_file_left_alone",
        a_holder_process_is_named_and_its_data_file_left_alone,
    );
    scenario(
        "a_shared_holder_process_is_named_as_shared",
        a_shared_holder_process_is_named_as_shared,
    );
}

fn scenario(name: &str, run: fn()) {
    let started = Instant::now();
    run();
    println!("test {name} ... ok ({:.2?})", started.elapsed());
}

/// 6 writers (3 async, 3 blocking) and 2 shared readers, 200 rounds each. In
/// each exclusive round a writer claims a marker file that must not exist and
/// increments a counter file by read-then-write; readers check that no marker
/// exists and the counter holds still. Any overlap shows as a found marker,
/// a moving counter, or a lost increment.
fn exclusive_holders_never_overlap_across_processes() {
    let scratch = Scratch::new("processes");
    fs::write(scratch.path("count"), "0").unwrap();
    let roles = ["writer-async", "writer-blocking"]
        .iter()
        .flat_map(|role| std::iter::repeat_n(*role, WRITERS_PER_API))
        .chain(
            ["reader-async", "reader-blocking"]
                .iter()
                .flat_map(|role| std::iter::repeat_n(*role, READERS_PER_API)),
        );
    let children: Vec<(&str, Child)> = roles
        .map(|role| (role, spawn(role, &scratch).stdout(Stdio::piped()).spawn().unwrap()))
        .collect();
    let count = children.len();

    let overlaps: u64 = finish(children).iter().map(|out| parse_overlaps(out)).sum();

    assert_eq!(overlaps, 0, "holders overlapped");
    let final_count: u64 = fs::read_to_string(scratch.path("count")).unwrap().parse().unwrap();
    assert_eq!(final_count, 2 * WRITERS_PER_API as u64 * ROUNDS, "increments were lost");
    println!("  {count} processes x {ROUNDS} acquisitions, 0 overlaps, count {final_count}");
}

/// A child takes the lock and is SIGKILLed while holding it; a waiter blocked
/// in the kernel on that lock gets it as soon as the child is gone.
#[cfg(target_os = "linux")]
fn killed_holder_releases_the_lock() {
    use std::os::unix::process::ExitStatusExt;
    use support::proc_locks::{inode, wait_for_blocked_waiter};

    let scratch = Scratch::new("killed");
    fs::write(lock_path(&scratch), PRECIOUS).unwrap();
    let mut holder = spawn_holder("holder", &scratch);

    let store: sync::FileLock<StoreLevel> = sync::FileLock::open(lock_path(&scratch)).unwrap();
    let mut token = LockToken::new();
    let busy = store.try_lock(&mut token).unwrap_err();
    assert_eq!(busy.kind(), FileLockErrorKind::WouldBlock);
    assert_eq!(busy.holder().map(|holder| holder.pid()), Some(holder.id()));
    let held_by = format!("is held by pid {} (file_lock_processes", holder.id());
    assert!(busy.to_string().contains(&held_by), "{busy}");

    std::thread::scope(|scope| {
        let (acquired, waiter_acquired) = mpsc::channel();
        let store = &store;
        scope.spawn(move || {
            let mut token = LockToken::new();
            let (guard, _token) = store.lock(&mut token).unwrap();
            acquired.send(guard.verify().is_ok()).unwrap();
        });
        wait_for_blocked_waiter(inode(store.path()), || {});

        holder.kill().unwrap(); // SIGKILL: no destructor runs
        assert_eq!(holder.wait().unwrap().signal(), Some(9));

        let verified = waiter_acquired.recv_timeout(WATCHDOG).expect("wedged: the lock never came");
        assert!(verified);
    });
    // Neither holder wrote to the file, nor did its release or its death.
    assert_eq!(fs::read_to_string(store.path()).unwrap(), PRECIOUS);
}

/// A data file's content, which no holder may change.
const PRECIOUS: &str = "{\"balance\": 100}\n";

/// Starts a child that takes the lock in the role's mode and holds it until
/// killed or told (a line on its stdin); returns once it holds it.
fn spawn_holder(role: &str, scratch: &Scratch) -> Child {
    let mut holder =
        spawn(role, scratch).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line, "held\n");
    holder
}

/// Tells a holder from `spawn_holder` to release and waits for it to exit.
fn release(mut holder: Child) {
    use std::io::Write;
    holder.stdin.take().unwrap().write_all(b"release\n").unwrap();
    assert!(holder.wait().unwrap().success());
}

/// Another process holds a data file exclusively: its content is intact while
/// held and after; every refusal names that process; an async waiter gets the
/// lock once it lets go.
fn a_holder_process_is_named_and_its_data_file_left_alone() {
    let scratch = Scratch::new("named");
    fs::write(lock_path(&scratch), PRECIOUS).unwrap();
    let holder = spawn_holder("holder", &scratch);
    let pid = holder.id();
    assert_eq!(fs::read_to_string(lock_path(&scratch)).unwrap(), PRECIOUS, "written while held");

    let store: FileLock<StoreLevel> = FileLock::open(lock_path(&scratch)).unwrap();
    let limited: sync::FileLock<StoreLevel> =
        sync::FileLock::open(lock_path(&scratch)).unwrap().wait_at_most(Duration::from_millis(20));
    let busy = store.try_lock(&mut LockToken::new()).unwrap_err();
    let timed_out = limited.lock(&mut LockToken::new()).unwrap_err();
    assert_eq!(busy.kind(), FileLockErrorKind::WouldBlock);
    assert_eq!(timed_out.kind(), FileLockErrorKind::TimedOut);
    if cfg!(target_os = "linux") {
        for err in [&busy, &timed_out] {
            let named = err.holder().expect("the kernel names the holder");
            assert_eq!(named.pid(), pid);
            assert!(named.is_exclusive());
            assert!(named.program().unwrap().starts_with("file_lock_processes"), "{named}");
            assert!(named.started().unwrap() <= std::time::SystemTime::now());
            let held_by = format!("held by pid {pid} (file_lock_processes");
            assert!(err.to_string().contains(&held_by), "{err}");
            assert!(err.to_string().contains(", exclusive, started "), "{err}");
        }
    }

    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    runtime.block_on(async {
        let store = &store;
        let mut token = LockToken::new();
        let mut waiter = std::pin::pin!(store.lock(&mut token));
        let still_waiting = tokio::time::timeout(Duration::from_millis(50), waiter.as_mut()).await;
        assert!(still_waiting.is_err(), "got the lock while another process held it");
        release(holder);
        let (guard, _token) =
            tokio::time::timeout(WATCHDOG, waiter).await.expect("watchdog").unwrap();
        assert!(guard.verify().is_ok());
    });
    assert_eq!(fs::read_to_string(lock_path(&scratch)).unwrap(), PRECIOUS, "written at release");
}

/// Another process holds the file shared: a reader gets in beside it, a
/// writer is refused with the reader named as a shared holder.
fn a_shared_holder_process_is_named_as_shared() {
    let scratch = Scratch::new("named-shared");
    let holder = spawn_holder("shared-holder", &scratch);
    let store: sync::FileLock<StoreLevel> = sync::FileLock::open(lock_path(&scratch)).unwrap();

    let mut reader_token = LockToken::new();
    let reader = store.try_lock_shared(&mut reader_token).expect("readers share it");
    drop(reader);
    let busy = store.try_lock(&mut LockToken::new()).unwrap_err();
    assert_eq!(busy.kind(), FileLockErrorKind::WouldBlock);
    if cfg!(target_os = "linux") {
        let named = busy.holder().expect("the kernel names shared holders too");
        assert_eq!(named.pid(), holder.id());
        assert!(!named.is_exclusive());
        assert!(busy.to_string().contains(", shared, started "), "{busy}");
    }
    release(holder);
    assert!(store.try_lock(&mut LockToken::new()).is_ok());
}

fn lock_path(scratch: &Scratch) -> PathBuf {
    scratch.path("store.lock")
}

fn spawn(role: &str, scratch: &Scratch) -> Command {
    let mut command = Command::new(env::current_exe().unwrap());
    command.env(ROLE, role).env(LOCK_PATH, lock_path(scratch)).env(WORK_DIR, scratch.dir());
    command
}

/// Waits for every child (under the watchdog), checks it succeeded, and
/// returns what each printed.
fn finish(children: Vec<(&str, Child)>) -> Vec<String> {
    let (done, finished) = mpsc::channel();
    let count = children.len();
    for (role, child) in children {
        let (done, role) = (done.clone(), role.to_owned());
        std::thread::spawn(move || done.send((role, child.wait_with_output().unwrap())).unwrap());
    }
    (0..count)
        .map(|_| {
            let (role, output) = finished.recv_timeout(WATCHDOG).expect("a child is wedged");
            assert!(output.status.success(), "{role} child failed: {:?}", output.status);
            String::from_utf8(output.stdout).unwrap()
        })
        .collect()
}

fn parse_overlaps(output: &str) -> u64 {
    output.trim().strip_prefix("overlaps=").and_then(|n| n.parse().ok()).expect(output)
}

// ---- the children -------------------------------------------------------

fn child(role: &str) {
    let lock = PathBuf::from(env::var(LOCK_PATH).unwrap());
    let dir = PathBuf::from(env::var(WORK_DIR).unwrap());
    let overlaps = match role {
        "writer-async" => async_rounds(&lock, &dir, Mode::Exclusive),
        "reader-async" => async_rounds(&lock, &dir, Mode::Shared),
        "writer-blocking" => blocking_rounds(&lock, &dir, Mode::Exclusive),
        "reader-blocking" => blocking_rounds(&lock, &dir, Mode::Shared),
        "holder" => return hold_until_told(&lock, Mode::Exclusive),
        "shared-holder" => return hold_until_told(&lock, Mode::Shared),
        other => panic!("unknown child role {other}"),
    };
    println!("overlaps={overlaps}");
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Exclusive,
    Shared,
}

/// The critical section of one round: 1 if it saw another holder.
fn critical_section(dir: &Path, mode: Mode) -> u64 {
    match mode {
        Mode::Exclusive => increment_alone(dir),
        Mode::Shared => read_alone(dir),
    }
}

fn async_rounds(lock: &Path, dir: &Path, mode: Mode) -> u64 {
    let store: FileLock<StoreLevel> = FileLock::open(lock).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    runtime.block_on(async {
        let mut overlaps = 0;
        for _ in 0..ROUNDS {
            let mut token = LockToken::new();
            let (guard, _token) = match mode {
                Mode::Exclusive => store.lock(&mut token).await.unwrap(),
                Mode::Shared => store.lock_shared(&mut token).await.unwrap(),
            };
            overlaps += critical_section(dir, mode);
            drop(guard);
        }
        overlaps
    })
}

fn blocking_rounds(lock: &Path, dir: &Path, mode: Mode) -> u64 {
    let store: sync::FileLock<StoreLevel> = sync::FileLock::open(lock).unwrap();
    let mut overlaps = 0;
    for _ in 0..ROUNDS {
        let mut token = LockToken::new();
        let (guard, _token) = match mode {
            Mode::Exclusive => store.lock(&mut token).unwrap(),
            Mode::Shared => store.lock_shared(&mut token).unwrap(),
        };
        overlaps += critical_section(dir, mode);
        drop(guard);
    }
    overlaps
}

/// The exclusive critical section: 1 if another holder was found inside.
fn increment_alone(dir: &Path) -> u64 {
    let marker = dir.join("inside");
    let overlap = match OpenOptions::new().write(true).create_new(true).open(&marker) {
        Ok(_) => 0,
        Err(found) if found.kind() == ErrorKind::AlreadyExists => 1,
        Err(other) => panic!("cannot create the marker: {other}"),
    };
    let count: u64 = fs::read_to_string(dir.join("count")).unwrap().trim().parse().unwrap_or(0);
    std::thread::yield_now(); // widen the window a missing lock would leave open
    fs::write(dir.join("count"), (count + 1).to_string()).unwrap();
    let _ = fs::remove_file(&marker); // an overlapping holder may have removed it
    overlap
}

/// The shared critical section: 1 if a writer was inside or the count moved.
fn read_alone(dir: &Path) -> u64 {
    let before = fs::read_to_string(dir.join("count")).unwrap();
    std::thread::yield_now();
    let writer_inside = dir.join("inside").exists();
    let after = fs::read_to_string(dir.join("count")).unwrap();
    u64::from(writer_inside || before != after)
}

/// Takes the lock, says so, and holds it until killed or told (a line on
/// stdin; or stdin closed, so a failed parent leaves no orphan holding it).
fn hold_until_told(lock: &Path, mode: Mode) {
    let store: sync::FileLock<StoreLevel> = sync::FileLock::open(lock).unwrap();
    let mut token = LockToken::new();
    let (_guard, _token) = match mode {
        Mode::Exclusive => store.lock(&mut token).unwrap(),
        Mode::Shared => store.lock_shared(&mut token).unwrap(),
    };
    println!("held");
    let _ = std::io::stdin().read_line(&mut String::new());
}
