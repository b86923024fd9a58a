// A generic helper that promises only `H: LockBefore<Registry>` cannot take
// `CoinManager` in its set: the caller might hold it already.
use lockladder::{lock_level, LockBefore, LockToken, Mutex, Read, RwLock};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

async fn pay<H: LockBefore<Registry>>(
    token: &mut LockToken<'_, H>,
    registry: &RwLock<Registry>,
    coins: &Mutex<CoinManager>,
) {
    let _all = token.lock_all((coins, Read(registry))).await;
}

fn main() {}
