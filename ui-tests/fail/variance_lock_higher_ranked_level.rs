// A lock's level parameter is invariant too: a lock at 10 cannot pass for one
// at 30 (and be taken while holding 20).
use lockladder::__private::rank::{Rank, X0, X1, X3};
use lockladder::__private::DeclareLevel;
use lockladder::sync;
use lockladder::{FileLock, Mutex, RwLock};

struct Tier<T>(T);

impl DeclareLevel for Tier<for<'a> fn(&'a ())> {
    const DECLARED_NAME: &'static str = "Tier<for<'a> fn(&'a ())>";
    type DeclaredRank = Rank<X0, X0, X3, X0>;
}

impl DeclareLevel for Tier<fn(&'static ())> {
    const DECLARED_NAME: &'static str = "Tier<fn(&'static ())>";
    type DeclaredRank = Rank<X0, X0, X1, X0>;
}

type High = Tier<for<'a> fn(&'a ())>;
type Low = Tier<fn(&'static ())>;

fn mutex(lock: &Mutex<(), High>) -> &Mutex<(), Low> {
    lock
}
fn rwlock(lock: &RwLock<(), High>) -> &RwLock<(), Low> {
    lock
}
fn sync_mutex(lock: &sync::Mutex<(), High>) -> &sync::Mutex<(), Low> {
    lock
}
fn sync_rwlock(lock: &sync::RwLock<(), High>) -> &sync::RwLock<(), Low> {
    lock
}
fn file_lock(lock: &FileLock<High>) -> &FileLock<Low> {
    lock
}
fn blocking_file_lock(lock: &sync::FileLock<High>) -> &sync::FileLock<Low> {
    lock
}

fn main() {}
