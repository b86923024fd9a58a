// A guard cannot outlive the token borrow it was taken with.
use lockladder::{lock_level, LockToken, Mutex, MutexGuard};

#[lock_level(10)]
struct Registry;

async fn smuggle(registry: &Mutex<Registry>) -> MutexGuard<'_, Registry> {
    let mut token = LockToken::new();
    let (guard, _child) = registry.lock(&mut token).await;
    guard
}

fn main() {}
