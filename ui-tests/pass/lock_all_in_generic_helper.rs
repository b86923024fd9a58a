// A generic helper states, with `LockBefore`, what its caller may hold, and
// takes a set at once from there.
use lockladder::{lock_level, LockBefore, LockToken, Mutex, Read, RwLock};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct CoinManager {
    paid: u64,
}

#[lock_level(5)]
struct Config;

async fn pay<H>(token: &mut LockToken<'_, H>, registry: &RwLock<Registry>, coins: &Mutex<CoinManager>)
where
    H: LockBefore<Registry> + LockBefore<CoinManager>,
{
    let ((mut coins, registry), _token) = token.lock_all((coins, Read(registry))).await;
    coins.paid += registry.accounts.iter().sum::<u64>();
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let config = Mutex::new(Config);
        let registry = RwLock::new(Registry { accounts: vec![1, 2] });
        let coins = Mutex::new(CoinManager { paid: 0 });
        let mut token = LockToken::new();
        pay(&mut token, &registry, &coins).await; // from the root
        let (_config, mut token) = config.lock(&mut token).await;
        pay(&mut token, &registry, &coins).await; // from level 5
    });
}
