//! `lockdep` with `SecondRootPolicy::Panic`: a second live root token in one
//! task panics where it is created, naming where both were created, instead
//! of the default warning. The policy is program-wide, so this binary holds
//! only tests that want it.
#![cfg(feature = "lockdep")]

use std::panic::{AssertUnwindSafe, catch_unwind};

use lockladder::LockToken;
use lockladder::lockdep::{SecondRootPolicy, second_root_policy, set_second_root_policy};

mod lockdep_sites;
use lockdep_sites::panic_message;

/// `file:line:` of the line of this file that ends with `// site: NAME`.
fn site(name: &str) -> String {
    lockdep_sites::site(include_str!("lockdep_second_root_panics.rs"), file!(), name)
}

#[test]
fn a_second_live_root_panics_under_the_panic_policy_and_is_not_left_alive() {
    set_second_root_policy(SecondRootPolicy::Panic);
    assert_eq!(second_root_policy(), SecondRootPolicy::Panic);

    let first = LockToken::new(); // site: first
    let second = catch_unwind(AssertUnwindSafe(|| {
        LockToken::new() // site: second
    }));
    let message = panic_message(second.expect_err("a second live root panics"));
    assert!(
        message
            .starts_with(&format!("a second root `LockToken` was created at {}", site("second"))),
        "{message}"
    );
    assert!(message.contains(&format!("while the root created at {}", site("first"))), "{message}");

    // The refused root was never registered: once the first one is gone, a
    // new root is alone again; roots on other threads are their own.
    std::thread::scope(|scope| {
        scope.spawn(|| drop(LockToken::new()));
    });
    drop(first);
    let _alone = LockToken::new();
}
