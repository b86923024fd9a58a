// An async `try_upgrade` with the upgradable guard's own token, falling back
// to `upgrade`, then a higher lock taken through that token while the write
// guard is held, in a spawned task (the future is `Send`).
use lockladder::{lock_level, LockToken, Mutex, RwLock, RwLockUpgradableReadGuard};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct Stats {
    upgrades: u64,
}

async fn open_account(registry: &RwLock<Registry>, stats: &Mutex<Stats>) {
    let mut token = LockToken::new();
    let (checking, mut at_registry) = registry.upgradable_read(&mut token).await;
    if checking.accounts.contains(&7) {
        return;
    }
    let mut writing = match RwLockUpgradableReadGuard::try_upgrade(checking, &mut at_registry) {
        Ok(writing) => writing,
        Err(checking) => RwLockUpgradableReadGuard::upgrade(checking, &mut at_registry).await,
    };
    writing.accounts.push(7);
    let (mut stats, _) = stats.lock(&mut at_registry).await;
    stats.upgrades += 1;
}

fn main() {
    let registry = std::sync::Arc::new(RwLock::new(Registry { accounts: Vec::new() }));
    let stats = std::sync::Arc::new(Mutex::new(Stats { upgrades: 0 }));
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    runtime.block_on({
        let (registry, stats) = (registry.clone(), stats.clone());
        async move {
            tokio::spawn(async move { open_account(&registry, &stats).await }).await.unwrap();
        }
    });
    let stats = std::sync::Arc::try_unwrap(stats).ok().unwrap().into_inner();
    assert_eq!(stats.upgrades, 1);
}
