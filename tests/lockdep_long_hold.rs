//! `lockdep` warns through `tracing` about a guard held for at least the
//! threshold: exactly once per long hold, naming the lock, its level and where
//! it was taken. The only test in its binary: the threshold is global.
#![cfg(feature = "lockdep")]

use std::time::Duration;

use lockladder::lockdep::set_long_hold_threshold;
use lockladder::{LockToken, Mutex, RwLock, lock_level};
use tracing_subscriber::layer::SubscriberExt;

mod tracing_capture;
use tracing_capture::Capture;
mod lockdep_sites;

#[lock_level(310)]
struct Ledger;

#[lock_level(320)]
struct Journal;

/// The long-hold warnings (other lockdep reports, such as a second live root
/// token, are not counted here).
fn long_holds(capture: &Capture) -> Vec<tracing_capture::Captured> {
    capture.events().into_iter().filter(|event| event.fields.contains_key("lock")).collect()
}

/// `file:line:` of the line of this file that ends with `// site: NAME`.
fn site(name: &str) -> String {
    lockdep_sites::site(include_str!("lockdep_long_hold.rs"), file!(), name)
}

#[test]
fn a_hold_of_at_least_the_threshold_warns_exactly_once_naming_level_and_site() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let ledger = Mutex::new(Ledger);
    let journal = RwLock::new(Journal);

    tracing::subscriber::with_default(subscriber, || {
        // Every hold is at least zero long: each one that ends warns once.
        set_long_hold_threshold(Some(Duration::ZERO));
        let mut token = LockToken::new();
        let (guard, child) = ledger.try_lock(&mut token).unwrap(); // site: ledger
        assert!(long_holds(&capture).is_empty(), "no warning while the lock is held");
        drop((guard, child));
        assert_eq!(long_holds(&capture).len(), 1, "one warning when the hold ends");

        let mut token = LockToken::new();
        drop(journal.try_write(&mut token).unwrap()); // site: journal
        assert_eq!(long_holds(&capture).len(), 2, "one more long hold, one more warning");

        // Off, and far above any hold here: no warnings.
        set_long_hold_threshold(None);
        drop(ledger.try_lock(&mut LockToken::new()).unwrap());
        set_long_hold_threshold(Some(Duration::from_secs(3600)));
        drop(ledger.try_lock(&mut LockToken::new()).unwrap());
        // A failed acquisition holds nothing. (The holder is another thread,
        // which has no subscriber: its warning is not captured.)
        set_long_hold_threshold(Some(Duration::ZERO));
        let (holding_tx, holding_rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        let holder = &ledger;
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut token = LockToken::new();
                let _held = holder.try_lock(&mut token).unwrap();
                holding_tx.send(()).unwrap();
                done_rx.recv().unwrap();
            });
            holding_rx.recv().unwrap();
            assert!(ledger.try_lock(&mut LockToken::new()).is_err());
            done_tx.send(()).unwrap();
        });
        set_long_hold_threshold(None);
    });

    let events = long_holds(&capture);
    assert_eq!(events.len(), 2, "{events:#?}");
    let (ledger, journal) = (&events[0], &events[1]);
    assert_eq!(ledger.level, tracing::Level::WARN);
    assert_eq!(ledger.target, "lockladder::lockdep");
    assert_eq!(ledger.fields["lock"], "Ledger");
    assert_eq!(ledger.fields["level"], "310");
    assert!(ledger.fields["site"].starts_with(&site("ledger")), "{ledger:?}");
    assert!(ledger.fields["message"].contains("`Ledger` (level 310), acquired at "), "{ledger:?}");
    assert!(ledger.fields["message"].contains("out of the critical section"), "{ledger:?}");
    assert_eq!(journal.fields["lock"], "Journal");
    assert_eq!(journal.fields["level"], "320");
    assert!(journal.fields["site"].starts_with(&site("journal")), "{journal:?}");
}
