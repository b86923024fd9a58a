//! With `lockdep`, a second root token alive in one task (here: one thread) is
//! reported where it is created, naming where both roots were created; roots
//! that do not overlap, or live in other threads, are not.
#![cfg(feature = "lockdep")]

use lockladder::LockToken;
use tracing_subscriber::layer::SubscriberExt;

mod tracing_capture;
use tracing_capture::Capture;
mod lockdep_sites;

/// `file:line:` of the line of this file that ends with `// site: NAME`.
fn site(name: &str) -> String {
    lockdep_sites::site(include_str!("lockdep_second_root.rs"), file!(), name)
}

#[test]
fn a_second_live_root_in_one_thread_is_reported_with_both_creation_sites() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    tracing::subscriber::with_default(subscriber, || {
        let first = LockToken::new(); // site: first
        assert!(capture.events().is_empty(), "one root alone is not reported");

        let second = LockToken::new(); // site: second
        let events = capture.events();
        assert_eq!(events.len(), 1, "{events:?}");
        let report = &events[0];
        assert_eq!(report.level, tracing::Level::WARN);
        assert_eq!(report.target, "lockladder::lockdep");
        let message = &report.fields["message"];
        assert!(message.contains(&site("first")), "names the first root's site: {message}");
        assert!(message.contains(&site("second")), "names the second root's site: {message}");
        drop((first, second));

        // Roots one after the other, and a root on another thread, are fine.
        let third = LockToken::new();
        std::thread::scope(|scope| {
            scope.spawn(|| drop(LockToken::new()));
        });
        drop(third);
        let _fourth = LockToken::new();
        assert_eq!(capture.events().len(), 1, "{:?}", capture.events());
    });
}
