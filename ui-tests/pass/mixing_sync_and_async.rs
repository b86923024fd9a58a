// Blocking and async locks in one hierarchy, one after the other and in `lock_all`.
use lockladder::{lock_level, sync, LockToken, Mutex, Read, RwLock, Write};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct CoinManager {
    balance: u64,
}

#[lock_level(30)]
struct Stats {
    payouts: u64,
}

async fn pay_out(registry: &RwLock<Registry>, coins: &sync::Mutex<CoinManager>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (registry, mut token) = registry.read(&mut token).await; // async 10
    let (mut coins, mut token) = coins.lock(&mut token); // blocking 20
    coins.balance += registry.accounts.iter().sum::<u64>();
    let (mut stats, _token) = stats.lock(&mut token).await; // async 30
    stats.payouts += 1;
}

async fn pay_out_at_once(
    registry: &sync::RwLock<Registry>,
    coins: &Mutex<CoinManager>,
    stats: &sync::Mutex<Stats>,
) {
    let mut token = LockToken::new();
    let ((mut stats, mut coins, registry), _token) =
        token.lock_all((stats, coins, Read(registry))).await;
    coins.balance += registry.accounts.iter().sum::<u64>();
    stats.payouts += 1;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(async {
        let registry = RwLock::new(Registry { accounts: vec![2, 3] });
        let coins = sync::Mutex::new(CoinManager { balance: 0 });
        let stats = Mutex::new(Stats { payouts: 0 });
        pay_out(&registry, &coins, &stats).await;

        let registry = sync::RwLock::new(Registry { accounts: vec![4] });
        let coins = Mutex::new(CoinManager { balance: 0 });
        let stats = sync::Mutex::new(Stats { payouts: 0 });
        pay_out_at_once(&registry, &coins, &stats).await;

        let mut token = LockToken::new();
        let ((mut registry,), _token) = token.lock_all((Write(&registry),)).await;
        registry.accounts.push(1);
    });
}
