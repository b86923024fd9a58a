//! `examples/foreign_trait.rs` with the `lockdep` net on: the inversion
//! through the other crate's trait is reported, naming both locks, both
//! levels and both call sites in the example; without the net it goes
//! unseen (the types cannot see it), which the example says.

#[path = "../examples/foreign_trait.rs"]
mod foreign_trait;

/// `examples/foreign_trait.rs:line:` of the example's line that ends with
/// `marker` (included through `tests/..`, whose path the report shows).
#[cfg(feature = "lockdep")]
fn site(marker: &str) -> String {
    let source = include_str!("../examples/foreign_trait.rs");
    let index = source.lines().position(|line| line.ends_with(marker)).expect("a marked line");
    format!("examples/foreign_trait.rs:{}:", index + 1)
}

#[test]
#[cfg(feature = "lockdep")]
fn the_example_reports_the_inversion_through_the_foreign_trait() {
    let report = foreign_trait::inversion_report().expect("lockdep reports the inversion");
    let (taking, holding) = report.split_once(" while holding ").expect("both locks");
    assert!(taking.starts_with("lock order violation: cannot acquire `Log` (level 10) at "));
    assert!(taking.contains(&site("// takes `Log` (10)")), "{report}");
    assert!(holding.starts_with("`HardState` (level 20), acquired at "), "{report}");
    assert!(holding.contains(&site("// takes `HardState` (20)")), "{report}");
    assert!(report.contains("LockToken::entered_holding"), "{report}");

    // The example as it runs: after the report, the same call through an
    // entry token at `HardState`, with `HardState` held, is within what it
    // declares. (One test: the example swaps the panic hook while it runs.)
    foreign_trait::main();
}

#[test]
#[cfg(not(feature = "lockdep"))]
fn without_lockdep_the_inversion_goes_unseen() {
    assert_eq!(foreign_trait::inversion_report(), None);
    foreign_trait::main();
}
