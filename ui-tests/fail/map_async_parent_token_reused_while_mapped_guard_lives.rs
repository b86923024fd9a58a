// The mapped async guard keeps the parent token borrowed: no second lock
// through it while the mapped guard lives.
use lockladder::{lock_level, LockToken, Mutex, MutexGuard};

#[lock_level(20)]
struct Coins {
    total: u64,
}

async fn twice(coins: &Mutex<Coins>) {
    let mut token = LockToken::new();
    let (held, _) = coins.lock(&mut token).await;
    let mut total = MutexGuard::map(held, |coins| &mut coins.total);
    let (_again, _) = coins.lock(&mut token).await;
    *total += 1;
}

fn main() {}
