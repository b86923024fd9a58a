// A generic helper states what it needs; a caller holding a higher level is rejected.
use lockladder::{lock_level, LockBefore, LockToken, Mutex, TryLockError};

#[lock_level(10)]
struct CoinManager {
    balance: u64,
}

#[lock_level(20)]
struct Registry;

fn refund<H: LockBefore<CoinManager>>(
    token: &mut LockToken<'_, H>,
    manager: &Mutex<CoinManager>,
) -> Result<u64, TryLockError> {
    let (mut manager, _token) = manager.try_lock(token)?;
    manager.balance += 1;
    Ok(manager.balance)
}

fn refund_while_registered(registry: &Mutex<Registry>, manager: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (_registry, mut token) = registry.try_lock(&mut token).unwrap();
    let _ = refund(&mut token, manager);
}

fn main() {}
