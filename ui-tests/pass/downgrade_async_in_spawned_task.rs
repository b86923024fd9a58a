// An async write downgraded to a read in a spawned task (the read guard is
// `Send` for `Sync` data), with a higher lock taken through the same token.
use std::sync::Arc;

use lockladder::{lock_level, LockToken, Mutex, RwLock, RwLockWriteGuard};

#[lock_level(10)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
struct Stats {
    seen: usize,
}

fn main() {
    let registry = Arc::new(RwLock::new(Registry { accounts: Vec::new() }));
    let stats = Arc::new(Mutex::new(Stats { seen: 0 }));
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    runtime.block_on(async move {
        tokio::spawn(async move {
            let mut token = LockToken::new();
            let (mut writing, mut at_registry) = registry.write(&mut token).await;
            writing.accounts.push(1);
            let reading = RwLockWriteGuard::downgrade(writing);
            tokio::task::yield_now().await;
            let (mut stats, _) = stats.lock(&mut at_registry).await;
            stats.seen = reading.accounts.len();
        })
        .await
        .unwrap();
    });
}
