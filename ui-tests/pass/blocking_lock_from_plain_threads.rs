// The async locks taken from a plain thread, in ascending order, then a blocking lock above.
use lockladder::{lock_level, sync, LockToken, Mutex, RwLock};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct CoinManager {
    coins: u64,
}

#[lock_level(30)]
struct Stats {
    reads: u64,
}

fn main() {
    let registry = RwLock::new(Registry { accounts: vec![2] });
    let coins = Mutex::new(CoinManager { coins: 0 });
    let stats = sync::Mutex::new(Stats { reads: 0 });
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut token = LockToken::new();
            let (registry, mut token) = registry.blocking_read(&mut token);
            let (mut coins, mut token) = coins.blocking_lock(&mut token);
            coins.coins += registry.accounts[0];
            let (mut stats, _) = stats.lock(&mut token);
            stats.reads += 1;
        });
        scope.spawn(|| {
            let mut token = LockToken::new();
            let (mut registry, _) = registry.blocking_write(&mut token);
            registry.accounts.push(1);
        });
    });
}
