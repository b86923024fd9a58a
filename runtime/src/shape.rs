//! What the four lock types share, written once: `get_mut`, `into_inner`,
//! `Default` and `Debug` of [`Mutex`](crate::Mutex),
//! [`RwLock`](crate::RwLock), [`sync::Mutex`](crate::sync::Mutex) and
//! [`sync::RwLock`](crate::sync::RwLock).
//!
//! Each lock keeps its own acquisition methods (the hot paths), written
//! beside its raw lock, and its own `new`/`with_level`: their `Level` bounds
//! are where a type without a level is reported, and a bound inside a macro
//! would send that error's note into this file. This macro holds the rest of
//! what is the same in shape and meaning, with one set of docs per type.

/// The shared items of one lock type.
///
/// `path` is how the docs import the type from `lockladder`; `peek` tries the
/// lock for `Debug` and yields a guard that derefs to the data (a blocking
/// lock's raw guard, so that the release wakes async waiters).
macro_rules! lock_shape {
    (
        $ty:ident, path: $path:literal, noun: $noun:literal, debug: $debug:literal,
        peek: |$lock:ident| $peek:expr $(,)?
    ) => {
        impl<T: ?Sized, L> $ty<T, L> {
            /// A mutable reference to the data: no lock is taken, since
            /// `&mut self` already proves that nobody else can hold it.
            ///
            /// ```
            #[doc = concat!("use lockladder::{lock_level, ", $path, "};")]
            ///
            /// #[lock_level(20)]
            /// struct CoinManager {
            ///     coins: u64,
            /// }
            ///
            #[doc = concat!("let mut manager = ", stringify!($ty), "::new(CoinManager { coins: 0 });")]
            /// manager.get_mut().coins = 3;
            /// assert_eq!(manager.into_inner().coins, 3);
            /// ```
            pub fn get_mut(&mut self) -> &mut T {
                self.inner.get_mut()
            }

            #[doc = concat!("Consumes the ", $noun, " and returns the data.")]
            ///
            /// ```
            #[doc = concat!("use lockladder::{lock_level, ", $path, "};")]
            ///
            /// #[lock_level(20)]
            /// struct CoinManager {
            ///     coins: u64,
            /// }
            ///
            #[doc = concat!("assert_eq!(", stringify!($ty), "::new(CoinManager { coins: 7 }).into_inner().coins, 7);")]
            /// ```
            pub fn into_inner(self) -> T
            where
                T: Sized,
            {
                self.inner.into_inner()
            }
        }

        impl<T: Default, L: $crate::level::Level> Default for $ty<T, L> {
            fn default() -> Self {
                $ty::with_level(T::default())
            }
        }

        impl<T: ?Sized + core::fmt::Debug, L: $crate::level::Level> core::fmt::Debug for $ty<T, L> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let mut out = f.debug_struct($debug);
                out.field("level", &format_args!("{} ({})", L::NAME, L::LEVEL));
                let $lock = self;
                match $peek {
                    Some(guard) => out.field("data", &&*guard),
                    None => out.field("data", &format_args!("<locked>")),
                };
                out.finish()
            }
        }
    };
}

pub(crate) use lock_shape;
