// A mapped guard with a higher lock taken through the child token while it lives.
use lockladder::{lock_level, sync::{Mutex, MutexGuard, RwLock, RwLockReadGuard}, LockToken};

#[lock_level(10)]
struct Registry {
    names: Vec<String>,
}

#[lock_level(20)]
struct Coins {
    total: u64,
}

fn main() {
    let registry = RwLock::new(Registry { names: vec!["ada".into()] });
    let coins = Mutex::new(Coins { total: 0 });
    let mut token = LockToken::new();
    let (held, mut at_registry) = registry.read(&mut token);
    let first = RwLockReadGuard::map(held, |registry| &registry.names[0]);
    let (held, _) = coins.lock(&mut at_registry);
    let mut total = MutexGuard::map(held, |coins| &mut coins.total);
    *total += first.len() as u64;
}
