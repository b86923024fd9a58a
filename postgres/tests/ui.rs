//! Compile-time guarantees of the advisory locks, pinned by trybuild (cases
//! in `postgres/ui/`). Fail and pass cases run as separate `TestCases` so the
//! fail cases are checked with `cargo check`, as an IDE sees them.

#[test]
fn ui_fail() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
}

#[test]
fn ui_pass() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
}
