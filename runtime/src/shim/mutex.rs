//! loom's mutex behind a `const` constructor, created at first use (see the
//! module docs of `shim`).

use std::sync::{Mutex as StdMutex, OnceLock, PoisonError};

/// loom's `Mutex`, with std's `lock` signature.
pub(crate) struct Mutex<T> {
    initial: StdMutex<Option<T>>,
    mutex: OnceLock<loom::sync::Mutex<T>>,
}

impl<T> Mutex<T> {
    pub(crate) const fn new(value: T) -> Self {
        Mutex { initial: StdMutex::new(Some(value)), mutex: OnceLock::new() }
    }

    pub(crate) fn lock(&self) -> std::sync::LockResult<loom::sync::MutexGuard<'_, T>> {
        self.mutex
            .get_or_init(|| {
                let initial = self.initial.lock().unwrap_or_else(PoisonError::into_inner).take();
                loom::sync::Mutex::new(initial.expect("created once"))
            })
            .lock()
    }
}

/// [`Mutex`] with parking_lot's `lock` signature.
pub(crate) struct ParkingMutex<T>(Mutex<T>);

impl<T> ParkingMutex<T> {
    pub(crate) const fn new(value: T) -> Self {
        ParkingMutex(Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
