//! A crate that depends on lockladder under another name
//! (`ll = { package = "lockladder" }`, in `tests/fixtures/renamed_dependency`):
//! with `crate = ll` every spelling of a level compiles; without it, the error
//! says to add `crate = ll`, once per attribute, and rustc's "unresolved crate
//! `lockladder`" does not follow.
//!
//! trybuild cannot show this: its crates depend on `lockladder` by that name.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/renamed_dependency")
}

/// `cargo check` of the fixture, in a target dir of its own (kept between runs).
fn check(features: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tests/renamed_dependency");
    let mut command = Command::new(cargo);
    command
        .arg("check")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(fixture().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    if !features.is_empty() {
        command.arg("--features").arg(features.join(","));
    }
    command.output().expect("cargo runs")
}

#[test]
fn renamed_dependency_compiles_with_crate_path_and_is_told_without_it() {
    let with_path = check(&[]);
    assert!(
        with_path.status.success(),
        "the fixture with `crate = ll` must compile:\n{}",
        String::from_utf8_lossy(&with_path.stderr)
    );

    let forgotten = check(&["forget-crate-path"]);
    let stderr = String::from_utf8_lossy(&forgotten.stderr);
    assert!(!forgotten.status.success(), "a forgotten `crate = ll` must not compile");
    assert_eq!(
        stderr.matches("error: this crate depends on `lockladder` under the name `ll`").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("add `crate = ll`"), "{stderr}");
    assert!(!stderr.contains("unresolved"), "rustc's error does not follow ours:\n{stderr}");
    let errors = stderr.lines().filter(|line| line.starts_with("error")).count();
    assert_eq!(errors, 2, "our error and cargo's summary, nothing else:\n{stderr}");
}
