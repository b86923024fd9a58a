//! The `#[lock_level(..)]` attribute of [lockladder](https://docs.rs/lockladder).
//!
//! Use it through `lockladder::lock_level`; the generated code names
//! everything through `::lockladder` (or the path given as `crate = path`), so
//! this crate is never a direct dependency.

mod expand;
mod manifest;
mod parse;
#[cfg(test)]
mod tests;
mod text;
mod validate;

use proc_macro::TokenStream;

/// Gives a struct or enum a level in the lock hierarchy. See `lockladder::lock_level`.
#[proc_macro_attribute]
pub fn lock_level(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::lock_level(args.into(), item.into()).into()
}
