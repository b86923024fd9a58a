//! A trait of another crate, implemented over lockladder locks and called
//! while a lock is held: the seam the types cannot see, the `lockdep` report
//! that catches the inversion through it, and the entry token that makes the
//! seam explicit.
//!
//! `consensus` stands for another crate (a Raft library, say): its `Storage`
//! trait's methods take no `LockToken`, so an implementation starts one of
//! its own inside each method. `Node::tick` calls `Storage::append`; our
//! code calls `tick` while it holds the `HardState` lock (level 20), and our
//! `append` takes the `Log` lock (level 10). Each half compiles and looks
//! fine on its own; together they take 20 then 10, and a thread that takes
//! `Log` then `HardState` (in order) deadlocks with it.
//!
//! Run it with the net on:
//!
//! ```text
//! cargo run --example foreign_trait --features lockdep
//! ```
//!
//! It prints the report `lockdep` panics with (caught here, so the example
//! finishes): both locks, both levels, both call sites. The fix is one of
//! the two the report names: release `HardState` before calling into the
//! other crate, or declare what `append` may be entered holding with
//! [`LockToken::entered_holding`], which makes taking `Log` inside a compile
//! error and checks every call of the seam at run time.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lockladder::sync::Mutex;
use lockladder::{LockToken, lock_level};

/// Another crate: it knows nothing of lockladder.
mod consensus {
    /// Where a node keeps its log.
    pub trait Storage {
        /// Appends one entry to the log.
        fn append(&self, entry: u64);
    }

    /// A consensus node over some storage.
    pub struct Node<S> {
        /// The storage the node writes to.
        pub storage: S,
    }

    impl<S: Storage> Node<S> {
        /// One step of the protocol: here, it appends an entry.
        pub fn tick(&self, entry: u64) {
            self.storage.append(entry);
        }
    }
}

/// The log's entries (level 10).
#[lock_level(10)]
pub struct Log {
    entries: Vec<u64>,
}

/// The term and vote (level 20): taken after `Log` when both are needed.
#[lock_level(20)]
pub struct HardState {
    term: u64,
}

/// Our storage: the other crate's trait over our locks.
pub struct MemoryStorage {
    log: Mutex<Log>,
}

impl consensus::Storage for MemoryStorage {
    fn append(&self, entry: u64) {
        // The method takes no token: a root of its own. The types check
        // everything taken through it, and nothing the caller holds.
        let mut token = LockToken::new();
        let (mut log, _) = self.log.lock(&mut token); // takes `Log` (10)
        log.entries.push(entry);
    }
}

/// Our code: bumps the term, then lets the node step, *with `HardState`
/// still held* across the call into the other crate.
pub fn new_term(node: &consensus::Node<MemoryStorage>, hard_state: &Mutex<HardState>) {
    let mut token = LockToken::new();
    let (mut state, _) = hard_state.lock(&mut token); // takes `HardState` (20)
    state.term += 1;
    node.tick(state.term); // -> `append` -> `Log` (10) while 20 is held
}

/// Runs the inversion once and returns what `lockdep` reports, if anything.
pub fn inversion_report() -> Option<String> {
    let node =
        consensus::Node { storage: MemoryStorage { log: Mutex::new(Log { entries: vec![] }) } };
    let hard_state = Mutex::new(HardState { term: 0 });
    // The report is returned, not printed a second time by the panic hook.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let caught = catch_unwind(AssertUnwindSafe(|| new_term(&node, &hard_state)));
    std::panic::set_hook(hook);
    let panic = caught.err()?;
    panic.downcast::<String>().ok().map(|message| *message)
}

/// The seam made explicit: `append` declares that it may be called with
/// locks up to `HardState` held. Taking `Log` inside would not compile
/// (`Log` is not above `HardState`), so this storage keeps its log at a level
/// above the highest one its callers hold.
pub mod explicit {
    use lockladder::sync::Mutex;
    use lockladder::{LockToken, lock_level};

    use super::{HardState, consensus};

    /// The log, above every level the other crate's callers may hold.
    #[lock_level(above(HardState))]
    pub struct SeamLog {
        /// The log's entries.
        pub entries: Vec<u64>,
    }

    /// Storage whose `append` starts from an entry token.
    pub struct SeamStorage {
        /// The log, at its level above the seam's.
        pub log: Mutex<SeamLog>,
    }

    impl consensus::Storage for SeamStorage {
        fn append(&self, entry: u64) {
            // Not a bare root: the most this may be entered holding. With
            // `lockdep`, entering it holding more panics right here.
            let mut token = LockToken::entered_holding::<HardState>();
            let (mut log, _) = self.log.lock(&mut token); // 21: above 20, compiles
            log.entries.push(entry);
        }
    }
}

/// Prints the report, then runs the same call through the explicit seam.
pub fn main() {
    match inversion_report() {
        Some(report) => println!("lockdep caught the inversion through the trait:\n\n{report}\n"),
        None => println!(
            "no report: run with `--features lockdep` to turn the net on (the inversion is \
             still there; the types cannot see it)\n"
        ),
    }

    // The explicit seam: the same call with `HardState` held is in order now.
    let node = consensus::Node {
        storage: explicit::SeamStorage { log: Mutex::new(explicit::SeamLog { entries: vec![] }) },
    };
    let hard_state = Mutex::new(HardState { term: 0 });
    let mut token = LockToken::new();
    let (mut state, _) = hard_state.lock(&mut token);
    state.term += 1;
    node.tick(state.term);
    drop(state);
    let mut token = LockToken::new();
    let (log, _) = node.storage.log.lock(&mut token);
    println!("with an entry token at `HardState`, the log holds {:?}", log.entries);
}
