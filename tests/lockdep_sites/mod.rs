//! What a lockdep test reads in a violation: the panic's message, and how it
//! names a call site of the test file.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::any::Any;

/// The message of a caught panic.
pub fn panic_message(panic: Box<dyn Any + Send>) -> String {
    match panic.downcast::<String>() {
        Ok(message) => *message,
        Err(panic) => panic.downcast_ref::<&str>().map(|s| s.to_string()).unwrap_or_default(),
    }
}

/// How lockdep names the call on the line of `source` (the text of the test
/// file `file`) that ends with `// site: NAME`: `file:line:` (the column
/// follows).
pub fn site(source: &str, file: &str, name: &str) -> String {
    let marker = format!("// site: {name}");
    let index =
        source.lines().position(|line| line.ends_with(&marker)).expect("a line with the marker");
    format!("{file}:{}:", index + 1)
}
