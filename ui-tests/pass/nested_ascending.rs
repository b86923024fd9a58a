// Three levels taken in ascending order, each through the previous token.
use lockladder::{lock_level, LockToken, Mutex, RwLock};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct CoinManager {
    balance: u64,
}

#[lock_level(30)]
struct AuditLog {
    lines: Vec<String>,
}

async fn settle(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>, log: &Mutex<AuditLog>) {
    let mut token = LockToken::new();
    let (registry, mut token) = registry.read(&mut token).await;
    let (mut coins, mut token) = coins.lock(&mut token).await;
    let (mut log, _token) = log.lock(&mut token).await;
    coins.balance += registry.accounts.iter().sum::<u64>();
    log.lines.push(format!("balance {}", coins.balance));
}

async fn sequential(coins: &Mutex<CoinManager>) {
    // The same token takes a lock again once the previous guard and token are gone.
    let mut token = LockToken::new();
    {
        let (mut coins, _child) = coins.lock(&mut token).await;
        coins.balance += 1;
    }
    let (coins, _child) = coins.lock(&mut token).await;
    assert!(coins.balance > 0);
}

async fn skip_levels(log: &Mutex<AuditLog>) {
    // Levels need not be taken one by one: 0 -> 30 directly.
    let mut token = LockToken::new();
    let (mut log, _token) = log.lock(&mut token).await;
    log.lines.clear();
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let registry = RwLock::new(Registry { accounts: vec![1, 2, 3] });
    let coins = Mutex::new(CoinManager { balance: 0 });
    let log = Mutex::new(AuditLog { lines: vec![] });
    runtime.block_on(async {
        settle(&registry, &coins, &log).await;
        sequential(&coins).await;
        skip_levels(&log).await;
    });
}
