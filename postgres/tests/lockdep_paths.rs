//! With the `lockdep` safety net on, every `PgLock` method checks the order
//! when it is called, before it sends anything, and reports the user's call:
//! the `PgLock` part of the table of `tests/lockdep_every_path.rs` (whose
//! coverage check reads the quoted `postgres/src/lock.rs: PgLock::...` names
//! below).
//!
//! The net is a feature of `lockladder-runtime`, turned on for this crate's
//! tests by the workspace run with `--features lockladder/lockdep`; without
//! it this test finds it off and says so. It needs a PostgreSQL server for
//! the sessions (none is used: each call panics first); without one it says
//! so and passes, except under `CI=true`.

#[path = "support/cluster.rs"]
mod cluster;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use lockladder::{LockToken, extend, lock_level, sync};
use lockladder_postgres::{PgLock, PgSession};
use tokio_postgres::NoTls;

#[lock_level(10)]
enum Low {}

#[lock_level(20)]
struct High;

/// The line of this file where the case calls the method under test.
static CALLED_AT: AtomicU32 = AtomicU32::new(0);

macro_rules! call {
    // A tuple, not a block: the call's temporaries (a `&mut LockToken::new()`)
    // live to the end of the caller's statement.
    ($call:expr) => {
        (CALLED_AT.store(line!(), Ordering::Relaxed), $call).1
    };
}

type Call = fn(&PgLock<Low>, PgSession);

const MS: Duration = Duration::from_millis(1);

const CASES: &[(&str, Call)] = &[
    ("postgres/src/lock.rs: PgLock::lock", |lock, session| {
        _ = call!(lock.lock(&mut LockToken::new(), session));
    }),
    ("postgres/src/lock.rs: PgLock::try_lock", |lock, session| {
        _ = call!(lock.try_lock(&mut LockToken::new(), session));
    }),
    ("postgres/src/lock.rs: PgLock::lock_within", |lock, session| {
        _ = call!(lock.lock_within(&mut LockToken::new(), session, MS));
    }),
    ("postgres/src/lock.rs: PgLock::lock_shared", |lock, session| {
        _ = call!(lock.lock_shared(&mut LockToken::new(), session));
    }),
    ("postgres/src/lock.rs: PgLock::try_lock_shared", |lock, session| {
        _ = call!(lock.try_lock_shared(&mut LockToken::new(), session));
    }),
    ("postgres/src/lock.rs: PgLock::lock_shared_within", |lock, session| {
        _ = call!(lock.lock_shared_within(&mut LockToken::new(), session, MS));
    }),
    ("postgres/src/lock.rs: PgLock::lock_xact", |lock, session| {
        _ = call!(lock.lock_xact(&mut LockToken::new(), session));
    }),
    ("postgres/src/lock.rs: PgLock::try_lock_xact", |lock, session| {
        _ = call!(lock.try_lock_xact(&mut LockToken::new(), session));
    }),
    ("postgres/src/lock.rs: PgLock::lock_xact_within", |lock, session| {
        _ = call!(lock.lock_xact_within(&mut LockToken::new(), session, MS));
    }),
];

/// Whether an inversion through two roots panics here, i.e. `lockdep` is on.
fn lockdep_is_on() -> bool {
    std::thread::spawn(|| {
        let mut first = LockToken::new();
        let _high = extend::begin::<High>(&mut first).granted();
        let _low = extend::begin::<Low>(&mut LockToken::new());
    })
    .join()
    .is_err()
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|ci| !ci.is_empty() && ci != "false" && ci != "0")
}

#[test]
fn every_pg_lock_method_reports_an_inversion_at_the_users_call() {
    if !lockdep_is_on() {
        println!("skipped: lockdep is off (run with --features lockladder/lockdep)");
        return;
    }
    let cluster = match cluster::Cluster::start("lockdep-paths") {
        Ok(cluster) => cluster,
        Err(reason) if in_ci() => panic!("CI needs a PostgreSQL server: {reason}"),
        Err(reason) => return println!("skipped: no PostgreSQL server ({reason})"),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let lock = PgLock::<Low>::named("lockdep-paths");
    let high = sync::Mutex::new(High);
    let mut failures = Vec::new();
    for (defined, call) in CASES {
        let session = runtime.block_on(PgSession::connect(&cluster.url(), NoTls)).expect("connect");
        let caught = {
            let mut first_root = LockToken::new();
            let (_high, _) = high.lock(&mut first_root);
            catch_unwind(AssertUnwindSafe(|| call(&lock, session)))
        };
        let Err(panic) = caught else {
            failures.push(format!("{defined}: no order violation was reported"));
            continue;
        };
        let message = panic.downcast::<String>().map(|message| *message).unwrap_or_default();
        let at = format!(
            "lock order violation: cannot acquire `Low` (level 10) at {}:{}:",
            file!(),
            CALLED_AT.load(Ordering::Relaxed)
        );
        if !message.starts_with(&at) || !message.contains("while holding `High` (level 20)") {
            failures.push(format!("{defined}: expected `{at}`:\n  {message}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
