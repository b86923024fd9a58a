// `crate = path` names the `lockladder` crate: written as a path or a string,
// before or after the level. (A real renamed dependency is checked by
// `tests/renamed_dependency.rs`, on a crate that knows lockladder only as `ll`.)
use lockladder::{lock_level, Level};

mod reexport {
    pub use lockladder as ladder;
}

#[lock_level(10, crate = ::lockladder)]
struct Registry;

#[lock_level(crate = reexport::ladder, 20)]
struct Accounts;

#[lock_level(above(Accounts), crate = "lockladder")]
struct Journal;

fn main() {
    const _: () = assert!(<Registry as Level>::LEVEL == 10);
    const _: () = assert!(<Accounts as Level>::LEVEL == 20);
    const _: () = assert!(<Journal as Level>::LEVEL == 21);
    let _ = (Registry, Accounts, Journal);
}
