// A mapped async guard keeps the lock's lifetime: it cannot leave the scope of
// the token that took the lock, any more than the guard it came from.
use lockladder::{lock_level, LockToken, MappedMutexGuard, Mutex, MutexGuard};

#[lock_level(20)]
struct Coins {
    total: u64,
}

async fn smuggle(coins: &Mutex<Coins>) -> MappedMutexGuard<'_, u64> {
    let mut token = LockToken::new();
    let (held, _token) = coins.lock(&mut token).await;
    MutexGuard::map(held, |coins| &mut coins.total)
}

fn main() {}
