//! The data cell of the async `Mutex`: spin's mutex, only ever tried, under
//! `lock_api` for safe guard mapping.
//!
//! Under `--cfg lockladder_loom` the cell is a stand-in with the same contract
//! that loom can see: a loom `AtomicBool` taken with spin's own
//! compare-and-swap (`Acquire`) and released with spin's own store
//! (`Release`), in front of the same spin cell, which then never contends
//! (its `try_lock` failing would mean the flag let two holders in, and panics).

#[cfg(not(lockladder_loom))]
mod cell {
    use spin::mutex::SpinMutex;

    pub(crate) type SpinCell<T> = lock_api::Mutex<SpinMutex<()>, T>;
    pub(crate) type CellGuard<'a, T> = lock_api::MutexGuard<'a, SpinMutex<()>, T>;
    pub(crate) type MappedCellGuard<'a, T> = lock_api::MappedMutexGuard<'a, SpinMutex<()>, T>;
}

#[cfg(lockladder_loom)]
mod cell {
    use core::ops::{Deref, DerefMut};

    use spin::mutex::SpinMutex;

    use crate::shim::atomic::{AtomicBool, Ordering};

    type Inner<T> = lock_api::Mutex<SpinMutex<()>, T>;

    /// spin's lock flag as a loom atomic, in front of the spin cell.
    pub(crate) struct SpinCell<T: ?Sized> {
        held: AtomicBool,
        data: Inner<T>,
    }

    /// Unlocks the flag when dropped, after the data guard.
    struct Held<'a>(&'a AtomicBool);

    impl Drop for Held<'_> {
        fn drop(&mut self) {
            self.0.store(false, Ordering::Release);
        }
    }

    pub(crate) struct CellGuard<'a, T: ?Sized> {
        data: lock_api::MutexGuard<'a, SpinMutex<()>, T>,
        _held: Held<'a>,
    }

    pub(crate) struct MappedCellGuard<'a, T: ?Sized> {
        data: lock_api::MappedMutexGuard<'a, SpinMutex<()>, T>,
        _held: Held<'a>,
    }

    impl<T> SpinCell<T> {
        pub(crate) const fn new(value: T) -> Self {
            SpinCell { held: AtomicBool::new(false), data: Inner::new(value) }
        }

        pub(crate) fn into_inner(self) -> T {
            self.data.into_inner()
        }
    }

    impl<T: ?Sized> SpinCell<T> {
        pub(crate) fn get_mut(&mut self) -> &mut T {
            self.data.get_mut()
        }

        pub(crate) fn try_lock(&self) -> Option<CellGuard<'_, T>> {
            self.held.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).ok()?;
            let data = self.data.try_lock().expect("the flag let two holders in");
            Some(CellGuard { data, _held: Held(&self.held) })
        }
    }

    impl<'a, T: ?Sized> CellGuard<'a, T> {
        pub(crate) fn map<U: ?Sized>(
            guard: Self,
            part: impl FnOnce(&mut T) -> &mut U,
        ) -> MappedCellGuard<'a, U> {
            let CellGuard { data, _held } = guard;
            MappedCellGuard { data: lock_api::MutexGuard::map(data, part), _held }
        }

        pub(crate) fn try_map<U: ?Sized>(
            guard: Self,
            part: impl FnOnce(&mut T) -> Option<&mut U>,
        ) -> Result<MappedCellGuard<'a, U>, Self> {
            let CellGuard { data, _held } = guard;
            match lock_api::MutexGuard::try_map(data, part) {
                Ok(data) => Ok(MappedCellGuard { data, _held }),
                Err(data) => Err(CellGuard { data, _held }),
            }
        }
    }

    impl<'a, T: ?Sized> MappedCellGuard<'a, T> {
        pub(crate) fn map<U: ?Sized>(
            guard: Self,
            part: impl FnOnce(&mut T) -> &mut U,
        ) -> MappedCellGuard<'a, U> {
            let MappedCellGuard { data, _held } = guard;
            MappedCellGuard { data: lock_api::MappedMutexGuard::map(data, part), _held }
        }

        pub(crate) fn try_map<U: ?Sized>(
            guard: Self,
            part: impl FnOnce(&mut T) -> Option<&mut U>,
        ) -> Result<MappedCellGuard<'a, U>, Self> {
            let MappedCellGuard { data, _held } = guard;
            match lock_api::MappedMutexGuard::try_map(data, part) {
                Ok(data) => Ok(MappedCellGuard { data, _held }),
                Err(data) => Err(MappedCellGuard { data, _held }),
            }
        }
    }

    macro_rules! deref {
        ($guard:ident) => {
            impl<T: ?Sized> Deref for $guard<'_, T> {
                type Target = T;

                fn deref(&self) -> &T {
                    &self.data
                }
            }

            impl<T: ?Sized> DerefMut for $guard<'_, T> {
                fn deref_mut(&mut self) -> &mut T {
                    &mut self.data
                }
            }
        };
    }

    deref!(CellGuard);
    deref!(MappedCellGuard);
}

pub(crate) use cell::{CellGuard, MappedCellGuard, SpinCell};
