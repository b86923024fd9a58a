//! Compile-time guarantees, pinned by trybuild.
//!
//! Fail and pass cases run as separate `TestCases`: a run with only fail cases
//! uses `cargo check`, which proves every error shows in `cargo check` (and so in
//! the IDE), not only in a full build.

#[test]
fn ui_fail() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui-tests/fail/*.rs");
}

#[test]
fn ui_pass() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui-tests/pass/*.rs");
}
