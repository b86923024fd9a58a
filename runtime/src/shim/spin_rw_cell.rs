//! The data cell of the async `RwLock`: spin's reader-writer lock, only ever
//! tried, under `lock_api` for guard mapping, downgrades and upgrades.
//!
//! Under `--cfg lockladder_loom` the cell is a stand-in with the same contract
//! that loom can see: a loom word on which every operation is spin's own (the
//! same bits, read-modify-writes and orderings: `try_read` counts a reader and
//! backs out if `WRITER` or `UPGRADED` is set, `try_write` is a
//! compare-and-swap from 0, the upgradable claim a `fetch_or` of `UPGRADED`
//! that does not back out, an upgrade a compare-and-swap from `UPGRADED`, a
//! downgrade counts the reader before it clears its bit), in front of the same
//! spin cell, which then never refuses (panics if it does).

#[cfg(not(lockladder_loom))]
mod cell {
    type Word = spin::RwLock<()>;

    pub(crate) type SpinRwCell<T> = lock_api::RwLock<Word, T>;
    pub(crate) type RwCellRead<'a, T> = lock_api::RwLockReadGuard<'a, Word, T>;
    pub(crate) type MappedRwCellRead<'a, T> = lock_api::MappedRwLockReadGuard<'a, Word, T>;
    pub(crate) type RwCellWrite<'a, T> = lock_api::RwLockWriteGuard<'a, Word, T>;
    pub(crate) type MappedRwCellWrite<'a, T> = lock_api::MappedRwLockWriteGuard<'a, Word, T>;
    pub(crate) type RwCellUpgradable<'a, T> = lock_api::RwLockUpgradableReadGuard<'a, Word, T>;
}

#[cfg(lockladder_loom)]
mod cell {
    use core::ops::{Deref, DerefMut};

    use crate::shim::atomic::{AtomicUsize, Ordering};

    type Word = spin::RwLock<()>;
    type Inner<T> = lock_api::RwLock<Word, T>;

    const READER: usize = 1 << 2;
    const UPGRADED: usize = 1 << 1;
    const WRITER: usize = 1;

    /// spin's lock word as a loom atomic, in front of the spin cell.
    pub(crate) struct SpinRwCell<T: ?Sized> {
        word: AtomicUsize,
        data: Inner<T>,
    }

    #[derive(Clone, Copy)]
    enum Kind {
        Read,
        Write,
        Upgradable,
    }

    /// Releases the word as spin's guard of `kind` does, after the data guard.
    struct Hold<'a> {
        word: &'a AtomicUsize,
        kind: Kind,
    }

    impl Drop for Hold<'_> {
        fn drop(&mut self) {
            match self.kind {
                Kind::Read => self.word.fetch_sub(READER, Ordering::Release),
                Kind::Write => self.word.fetch_and(!(WRITER | UPGRADED), Ordering::Release),
                Kind::Upgradable => self.word.fetch_sub(UPGRADED, Ordering::AcqRel),
            };
        }
    }

    impl<T> SpinRwCell<T> {
        pub(crate) const fn new(value: T) -> Self {
            SpinRwCell { word: AtomicUsize::new(0), data: Inner::new(value) }
        }

        pub(crate) fn into_inner(self) -> T {
            self.data.into_inner()
        }
    }

    const REFUSED: &str = "the loom word let in what spin refuses";

    impl<T: ?Sized> SpinRwCell<T> {
        pub(crate) fn get_mut(&mut self) -> &mut T {
            self.data.get_mut()
        }

        fn hold(&self, kind: Kind) -> Hold<'_> {
            Hold { word: &self.word, kind }
        }

        pub(crate) fn try_read(&self) -> Option<RwCellRead<'_, T>> {
            let value = self.word.fetch_add(READER, Ordering::Acquire);
            if value & (WRITER | UPGRADED) != 0 {
                self.word.fetch_sub(READER, Ordering::Release);
                return None;
            }
            let data = self.data.try_read().expect(REFUSED);
            Some(RwCellRead { data, hold: self.hold(Kind::Read) })
        }

        pub(crate) fn try_write(&self) -> Option<RwCellWrite<'_, T>> {
            self.word.compare_exchange(0, WRITER, Ordering::Acquire, Ordering::Relaxed).ok()?;
            let data = self.data.try_write().expect(REFUSED);
            Some(RwCellWrite { data, hold: self.hold(Kind::Write) })
        }

        pub(crate) fn try_upgradable_read(&self) -> Option<RwCellUpgradable<'_, T>> {
            // As spin: a failed claim leaves `UPGRADED` set, for the holder to clear.
            if self.word.fetch_or(UPGRADED, Ordering::Acquire) & (WRITER | UPGRADED) != 0 {
                return None;
            }
            let data = self.data.try_upgradable_read().expect(REFUSED);
            Some(RwCellUpgradable { data, hold: self.hold(Kind::Upgradable) })
        }
    }

    /// A guard of the cell: lock_api's guard of the spin cell, then the hold
    /// of the loom word (released after it).
    macro_rules! guard {
        ($($guard:ident($inner:ident)),*) => {
            $(pub(crate) struct $guard<'a, T: ?Sized> {
                data: lock_api::$inner<'a, Word, T>,
                hold: Hold<'a>,
            })*
        };
    }

    guard!(
        RwCellRead(RwLockReadGuard),
        MappedRwCellRead(MappedRwLockReadGuard),
        RwCellWrite(RwLockWriteGuard),
        MappedRwCellWrite(MappedRwLockWriteGuard),
        RwCellUpgradable(RwLockUpgradableReadGuard)
    );

    /// `map`/`try_map` of a guard, narrowing its lock_api guard.
    macro_rules! mappable {
        ($guard:ident($inner:ident) -> $mapped:ident $(, $mut:tt)?) => {
            impl<'a, T: ?Sized> $guard<'a, T> {
                pub(crate) fn map<U: ?Sized>(
                    guard: Self,
                    part: impl FnOnce(&$($mut)? T) -> &$($mut)? U,
                ) -> $mapped<'a, U> {
                    let $guard { data, hold } = guard;
                    $mapped { data: lock_api::$inner::map(data, part), hold }
                }

                pub(crate) fn try_map<U: ?Sized>(
                    guard: Self,
                    part: impl FnOnce(&$($mut)? T) -> Option<&$($mut)? U>,
                ) -> Result<$mapped<'a, U>, Self> {
                    let $guard { data, hold } = guard;
                    match lock_api::$inner::try_map(data, part) {
                        Ok(data) => Ok($mapped { data, hold }),
                        Err(data) => Err($guard { data, hold }),
                    }
                }
            }
        };
    }

    mappable!(RwCellRead(RwLockReadGuard) -> MappedRwCellRead);
    mappable!(MappedRwCellRead(MappedRwLockReadGuard) -> MappedRwCellRead);
    mappable!(RwCellWrite(RwLockWriteGuard) -> MappedRwCellWrite, mut);
    mappable!(MappedRwCellWrite(MappedRwLockWriteGuard) -> MappedRwCellWrite, mut);

    impl<'a, T: ?Sized> RwCellWrite<'a, T> {
        /// spin's: counts the reader, then clears the writer's bits.
        pub(crate) fn downgrade(guard: Self) -> RwCellRead<'a, T> {
            let RwCellWrite { data, mut hold } = guard;
            hold.word.fetch_add(READER, Ordering::Acquire);
            hold.word.fetch_and(!(WRITER | UPGRADED), Ordering::Release);
            hold.kind = Kind::Read;
            RwCellRead { data: lock_api::RwLockWriteGuard::downgrade(data), hold }
        }
    }

    impl<'a, T: ?Sized> RwCellUpgradable<'a, T> {
        /// spin's: one compare-and-swap from `UPGRADED` (alone) to `WRITER`.
        pub(crate) fn try_upgrade(guard: Self) -> Result<RwCellWrite<'a, T>, Self> {
            let RwCellUpgradable { data, mut hold } = guard;
            if hold
                .word
                .compare_exchange(UPGRADED, WRITER, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                return Err(RwCellUpgradable { data, hold });
            }
            hold.kind = Kind::Write;
            match lock_api::RwLockUpgradableReadGuard::try_upgrade(data) {
                Ok(data) => Ok(RwCellWrite { data, hold }),
                Err(_) => panic!("{REFUSED}"),
            }
        }

        /// spin's: counts the reader, then clears `UPGRADED`.
        pub(crate) fn downgrade(guard: Self) -> RwCellRead<'a, T> {
            let RwCellUpgradable { data, mut hold } = guard;
            hold.word.fetch_add(READER, Ordering::Acquire);
            hold.word.fetch_sub(UPGRADED, Ordering::AcqRel);
            hold.kind = Kind::Read;
            RwCellRead { data: lock_api::RwLockUpgradableReadGuard::downgrade(data), hold }
        }
    }

    macro_rules! deref {
        ($($guard:ident),*; mut $($write:ident),*) => {
            $(impl<T: ?Sized> Deref for $guard<'_, T> {
                type Target = T;

                fn deref(&self) -> &T {
                    &self.data
                }
            })*
            $(impl<T: ?Sized> DerefMut for $write<'_, T> {
                fn deref_mut(&mut self) -> &mut T {
                    &mut self.data
                }
            })*
        };
    }

    deref!(RwCellRead, MappedRwCellRead, RwCellWrite, MappedRwCellWrite, RwCellUpgradable;
        mut RwCellWrite, MappedRwCellWrite);
}

pub(crate) use cell::{
    MappedRwCellRead, MappedRwCellWrite, RwCellRead, RwCellUpgradable, RwCellWrite, SpinRwCell,
};
