// Helpers generic over the held level, async and blocking, called from several levels.
use lockladder::{lock_level, LockBefore, LockToken, Mutex, TryLockError};

#[lock_level(10)]
struct Registry {
    accounts: u64,
}

#[lock_level(20)]
struct CoinManager {
    balance: u64,
}

async fn refund<H: LockBefore<CoinManager>>(token: &mut LockToken<'_, H>, coins: &Mutex<CoinManager>) {
    let (mut coins, _token) = coins.lock(token).await;
    coins.balance += 1;
}

fn try_refund<H: LockBefore<CoinManager>>(
    token: &mut LockToken<'_, H>,
    coins: &Mutex<CoinManager>,
) -> Result<(), TryLockError> {
    let (mut coins, _token) = coins.try_lock(token)?;
    coins.balance += 1;
    Ok(())
}

// A helper that itself holds a level and passes its child token on.
async fn audit<H: LockBefore<Registry>>(
    token: &mut LockToken<'_, H>,
    registry: &Mutex<Registry>,
    coins: &Mutex<CoinManager>,
) {
    let (registry, mut token) = registry.lock(token).await;
    if registry.accounts > 0 {
        refund(&mut token, coins).await;
    }
}

fn main() {
    let registry = Mutex::new(Registry { accounts: 1 });
    let coins = Mutex::new(CoinManager { balance: 0 });
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
        let mut token = LockToken::new();
        refund(&mut token, &coins).await;
        try_refund(&mut token, &coins).unwrap();
        audit(&mut token, &registry, &coins).await;
    });
    assert_eq!(coins.into_inner().balance, 3);
}
