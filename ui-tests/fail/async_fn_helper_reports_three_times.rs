// rustc 1.95 reports a violation at the call of a user's `async fn` helper
// three times (the argument, the call and the `.await`: the bound is checked
// for each, because the returned future's type names the held level `H`).
// Pinned so that a change in rustc shows up here; README says so.
use lockladder::{lock_level, LockBefore, LockToken, Mutex};

#[lock_level(10)]
struct CoinManager {
    coins: u64,
}

#[lock_level(20)]
struct Registry;

async fn refund<H: LockBefore<CoinManager>>(token: &mut LockToken<'_, H>, manager: &Mutex<CoinManager>) {
    let (mut manager, _token) = manager.lock(token).await;
    manager.coins += 1;
}

async fn refund_while_registered(registry: &Mutex<Registry>, manager: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (_registry, mut token) = registry.lock(&mut token).await;
    refund(&mut token, manager).await;
}

fn main() {}
