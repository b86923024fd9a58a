// The helper shape the docs recommend when a helper must lock through a
// caller's token: a plain `fn` whose returned future's type does not name the
// held level. rustc then reports a violation at the call once.
use std::future::Future;
use std::pin::Pin;

use lockladder::{lock_level, LockBefore, LockToken, Mutex};

#[lock_level(10)]
struct CoinManager {
    coins: u64,
}

#[lock_level(20)]
struct Registry;

fn refund<'a, H: LockBefore<CoinManager>>(
    token: &'a mut LockToken<'_, H>,
    manager: &'a Mutex<CoinManager>,
) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        let (mut manager, _token) = manager.lock(token).await;
        manager.coins += 1;
    })
}

async fn refund_while_registered(registry: &Mutex<Registry>, manager: &Mutex<CoinManager>) {
    let mut token = LockToken::new();
    let (_registry, mut token) = registry.lock(&mut token).await;
    refund(&mut token, manager).await;
}

fn main() {}
