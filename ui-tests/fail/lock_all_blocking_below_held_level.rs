// `lock_all_blocking` while holding `CoinManager`: `Registry` (10) is below it.
use lockladder::{lock_level, sync, LockToken, Read};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

#[lock_level(30)]
struct Ledger;

fn settle(registry: &sync::RwLock<Registry>, coins: &sync::Mutex<CoinManager>, ledger: &sync::Mutex<Ledger>) {
    let mut token = LockToken::new();
    let (_coins, mut token) = coins.lock(&mut token);
    let (_guards, _token) = token.lock_all_blocking((ledger, Read(registry)));
}

fn main() {}
