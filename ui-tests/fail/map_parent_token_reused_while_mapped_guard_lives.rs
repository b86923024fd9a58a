// The mapped guard keeps the parent token borrowed: no second lock through it.
use lockladder::{lock_level, sync::{Mutex, MutexGuard}, LockToken};

#[lock_level(20)]
struct Coins {
    total: u64,
}

fn twice(coins: &Mutex<Coins>) {
    let mut token = LockToken::new();
    let (held, _) = coins.lock(&mut token);
    let mut total = MutexGuard::map(held, |coins| &mut coins.total);
    let (_again, _) = coins.lock(&mut token);
    *total += 1;
}

fn main() {}
