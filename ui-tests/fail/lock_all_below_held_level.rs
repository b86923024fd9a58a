// `lock_all` while holding `CoinManager`: `Registry` (10) is below it, `Ledger` (30) is fine.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

#[lock_level(30)]
struct Ledger;

async fn settle(registry: &Mutex<Registry>, coins: &Mutex<CoinManager>, ledger: &Mutex<Ledger>) {
    let mut token = LockToken::new();
    let (_coins, mut token) = coins.lock(&mut token).await;
    let (_guards, _token) = token.lock_all((ledger, registry)).await;
}

fn main() {}
