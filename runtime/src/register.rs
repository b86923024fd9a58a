//! The registration `#[lock_level]` emits for the hierarchy picture.
//!
//! `lockladder/hierarchy` turns on this crate's `hierarchy` feature and the
//! attribute's: with it, `#[lock_level]` calls
//! `::lockladder::__private::register_level!`, a re-export of the macro below,
//! which submits the level to `inventory`; without it the attribute emits no
//! registration (its tokens alone cost `cargo check` time), and the default
//! build carries no trace of it. Turned on in this crate alone (not through
//! `lockladder`), the feature registers nothing. The macro's second arm, which
//! expands to nothing, remains for an expansion that calls it regardless.
//!
//! A literal level arrives as a literal; a computed one (a constant expression,
//! `between(..)`) as the constant holding its value, followed by the
//! expression as written, which the picture shows beside the type; a relative
//! level with a literal distance (`above(db::Pool)`) as the value of its rank.

/// Registers a `#[lock_level]` type for `lockladder::hierarchy()`. Not public API.
#[cfg(feature = "hierarchy")]
#[doc(hidden)]
#[macro_export]
macro_rules! __register_level {
    ($name:literal, $level:expr) => {
        $crate::__inventory::submit! {
            $crate::DeclaredLevel::new($name, $level, ::core::module_path!())
        }
    };
    ($name:literal, $level:expr, $written:literal) => {
        $crate::__inventory::submit! {
            $crate::DeclaredLevel::new($name, $level, ::core::module_path!()).written_as($written)
        }
    };
}

/// Registers a `#[lock_level]` type for `lockladder::hierarchy()`: nothing to do
/// without the `hierarchy` feature. Not public API.
#[cfg(not(feature = "hierarchy"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __register_level {
    ($name:literal, $level:expr $(, $written:literal)?) => {};
}
