//! loom's atomics behind `const` constructors: each builds its loom atomic at
//! first use (see the module docs of `shim`).

use std::sync::OnceLock;

pub(crate) use loom::sync::atomic::{Ordering, fence};

/// For atomics made by a plain `fn`, on the thread that then shares them:
/// loom's own, whose creation is ordered before every use.
pub(crate) mod eager {
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicUsize};
}

macro_rules! lazy_atomic {
    ($name:ident, $value:ty) => {
        /// loom's atomic of the same name, created at first use.
        pub(crate) struct $name {
            initial: $value,
            atomic: OnceLock<loom::sync::atomic::$name>,
        }

        impl $name {
            pub(crate) const fn new(initial: $value) -> Self {
                $name { initial, atomic: OnceLock::new() }
            }
        }

        impl core::ops::Deref for $name {
            type Target = loom::sync::atomic::$name;

            fn deref(&self) -> &Self::Target {
                self.atomic.get_or_init(|| loom::sync::atomic::$name::new(self.initial))
            }
        }
    };
}

lazy_atomic!(AtomicUsize, usize);
lazy_atomic!(AtomicBool, bool);
