//! `lockdep` statistics count exactly what a scripted sequence did. The only
//! test in its binary, so the report holds nothing else.
#![cfg(feature = "lockdep")]

use std::pin::pin;
use std::sync::mpsc;
use std::task::{Context, Waker};

use lockladder::stats::{self, SiteStats};
use lockladder::{LockToken, Mutex, RwLock, lock_level};

#[lock_level(210)]
struct Ledger;

#[lock_level(220)]
struct Journal;

#[lock_level(230)]
enum AuditLevel {}

/// The line of this file that ends with `// site: NAME`.
fn line_of(name: &str) -> u32 {
    let marker = format!("// site: {name}");
    let index = include_str!("lockdep_stats.rs")
        .lines()
        .position(|line| line.ends_with(&marker))
        .expect("a line with the marker");
    u32::try_from(index + 1).unwrap()
}

fn site<'a>(sites: &'a [SiteStats], name: &str) -> &'a SiteStats {
    let line = line_of(name);
    sites
        .iter()
        .find(|site| site.location.file() == file!() && site.location.line() == line)
        .unwrap_or_else(|| panic!("no statistics for site `{name}` (line {line}): {sites:#?}"))
}

#[test]
fn statistics_count_exactly_the_scripted_acquisitions_and_contention() {
    let ledger = Mutex::new(Ledger);
    let journal = RwLock::new(Journal);
    let audit: Mutex<Vec<u8>, AuditLevel> = Mutex::with_level(Vec::new());

    for _ in 0..3 {
        let mut token = LockToken::new();
        let _ = ledger.try_lock(&mut token).unwrap(); // site: uncontended
    }

    // One contended acquisition: another thread finds the ledger held, waits,
    // and is granted it once this thread lets go. A failed `try_lock` is not an
    // acquisition.
    let mut token = LockToken::new();
    let (held, held_token) = ledger.try_lock(&mut token).unwrap(); // site: holder
    let (waiting_tx, waiting_rx) = mpsc::channel();
    let (released_tx, released_rx) = mpsc::channel();
    let waiter = &ledger;
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut token = LockToken::new();
            assert!(waiter.try_lock(&mut token).is_err()); // site: failed
            let mut waiting = pin!(waiter.lock(&mut token)); // site: waiter
            let polled = waiting.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            assert!(polled.is_pending());
            waiting_tx.send(()).unwrap();
            released_rx.recv().unwrap();
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            drop(runtime.block_on(waiting));
        });
        waiting_rx.recv().unwrap();
        drop((held, held_token));
        released_tx.send(()).unwrap();
    });

    for _ in 0..2 {
        let mut token = LockToken::new();
        let _ = journal.try_read(&mut token).unwrap(); // site: read
    }
    let mut token = LockToken::new();
    let _ = journal.try_write(&mut token).unwrap(); // site: write
    let mut token = LockToken::new();
    let (mut entries, _token) = audit.try_lock(&mut token).unwrap(); // site: audit
    entries.push(1);
    drop(entries);

    let report = stats::report();
    let levels: Vec<u32> = report.levels.iter().map(|level| level.level).collect();
    assert_eq!(levels, [210, 220, 230]);

    let ledger = report.level(210).unwrap();
    assert_eq!(ledger.locks, ["Ledger"]);
    assert_eq!(ledger.stats.acquisitions, 5);
    assert_eq!(ledger.stats.contended, 1);
    assert_eq!(ledger.stats.hold.count, 5, "every hold has ended");
    assert_eq!(ledger.stats.wait.count, 1, "only the contended acquisition waited");
    assert_eq!(ledger.sites.len(), 4);
    let counts = |name| {
        let stats = site(&ledger.sites, name).stats;
        (stats.acquisitions, stats.contended, stats.hold.count, stats.wait.count)
    };
    assert_eq!(counts("uncontended"), (3, 0, 3, 0));
    assert_eq!(counts("holder"), (1, 0, 1, 0));
    assert_eq!(counts("failed"), (0, 0, 0, 0));
    assert_eq!(counts("waiter"), (1, 1, 1, 1));
    let waiter = site(&ledger.sites, "waiter").stats;
    assert!(waiter.wait.max >= waiter.wait.p99, "{waiter:?}");

    let journal = report.level(220).unwrap();
    assert_eq!(journal.locks, ["Journal"]);
    assert_eq!((journal.stats.acquisitions, journal.stats.contended), (3, 0));
    assert_eq!(site(&journal.sites, "read").stats.acquisitions, 2);
    assert_eq!(site(&journal.sites, "write").stats.acquisitions, 1);

    let audit = report.level(230).unwrap();
    assert_eq!(audit.locks, ["AuditLevel"]);
    assert_eq!(site(&audit.sites, "audit").stats.acquisitions, 1);

    // The table: a header, then per level one row and one per site.
    let table = report.to_string();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 1 + (1 + 4) + (1 + 2) + (1 + 1), "{table}");
    assert!(lines[0].starts_with("level  lock / call site"), "{table}");
    assert!(
        lines[0].ends_with("acquired  contended   wait p99   wait max   hold p99   hold max"),
        "{table}"
    );
    assert!(lines[1].starts_with("  210  Ledger "), "{table}");
    let waiter_row = format!("         {}:{}:", file!(), line_of("waiter"));
    let waiter_row = lines.iter().find(|line| line.starts_with(&waiter_row)).expect(&table);
    let columns: Vec<&str> = waiter_row.split_whitespace().collect();
    assert_eq!(columns[1..3], ["1", "1"], "{table}");
}
