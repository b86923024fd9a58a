//! The flame-manager incident, fixed with one `lock_all`.
//!
//! The flame job burns a share of every affected account's balance. Before the
//! fix it locked the `CoinManager` to read the affected set, let go, locked it
//! again for the per-account reads (a gap in which the set could change), took
//! the `Registry` *inside* that hold (a CoinManager -> Registry order that
//! another path inverts), and wrote to the slow store with the locks held.
//!
//! Now one `token.lock_all((&coins, Read(&registry)))` covers the affected-set
//! read and the per-account reads, in the hierarchy's order whatever the
//! argument order, and the store writes happen after the guards drop.
//!
//! Run it with `cargo run --example flame_manager`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use lockladder::{LockToken, Mutex, Read, RwLock, Write, lock_level};

/// Who owns which account, and its balance.
#[lock_level(10)]
struct Registry {
    balances: BTreeMap<u32, u64>,
}

/// Which accounts are affected, and what has been burnt.
#[lock_level(20)]
struct CoinManager {
    affected: Vec<u32>,
    burnt: u64,
}

/// One line for the slow store.
struct Burn {
    account: u32,
    amount: u64,
}

/// The fixed job: one hold over both reads, no lock during the store writes.
async fn flame(registry: &RwLock<Registry>, coins: &Mutex<CoinManager>, store: &Store) -> usize {
    let mut token = LockToken::new();
    let burns: Vec<Burn> = {
        let ((mut coins, registry), _token) = token.lock_all((coins, Read(registry))).await;
        let affected = std::mem::take(&mut coins.affected);
        let burns: Vec<Burn> = affected
            .into_iter()
            .map(|account| {
                // No gap since the affected set was read: the account is still there.
                let balance = registry.balances[&account];
                Burn { account, amount: balance / 10 }
            })
            .collect();
        coins.burnt += burns.iter().map(|burn| burn.amount).sum::<u64>();
        burns
    }; // guards and token dropped: both locks released here
    for burn in &burns {
        store.write(burn).await;
    }
    burns.len()
}

/// Stands in for disk I/O: slow, and never done under a lock.
struct Store {
    lines: Mutex<Vec<String>, StoreLevel>,
}

#[lock_level(30)]
enum StoreLevel {}

impl Store {
    async fn write(&self, burn: &Burn) {
        tokio::time::sleep(Duration::from_millis(2)).await;
        let mut token = LockToken::new();
        let (mut lines, _token) = self.lines.lock(&mut token).await;
        lines.push(format!("burn {} from account {}", burn.amount, burn.account));
    }
}

#[tokio::main]
async fn main() {
    let registry = Arc::new(RwLock::new(Registry {
        balances: (1..=6).map(|account| (account, 1_000 * u64::from(account))).collect(),
    }));
    let coins = Arc::new(Mutex::new(CoinManager { affected: vec![2, 4, 6], burnt: 0 }));
    let store = Arc::new(Store { lines: Mutex::with_level(Vec::new()) });

    // Meanwhile accounts close and open: each change updates the registry and
    // the affected set together, so every affected account is registered.
    let churn = tokio::spawn({
        let (registry, coins) = (registry.clone(), coins.clone());
        async move {
            for account in 7..=30 {
                let mut token = LockToken::new();
                let ((mut registry, mut coins), _token) =
                    token.lock_all((Write(&*registry), &*coins)).await;
                let closing = account - 6;
                registry.balances.remove(&closing);
                coins.affected.retain(|&affected| affected != closing);
                registry.balances.insert(account, 500);
                coins.affected.push(account);
                drop((registry, coins));
                tokio::task::yield_now().await;
            }
        }
    });

    let mut flamed = 0;
    for _ in 0..10 {
        flamed += flame(&registry, &coins, &store).await;
        tokio::task::yield_now().await;
    }
    churn.await.expect("churn task panicked");
    flamed += flame(&registry, &coins, &store).await;

    let mut token = LockToken::new();
    let ((coins, lines), _token) = token.lock_all((&*coins, &store.lines)).await;
    println!("before: lock CoinManager, read the affected set, unlock -- gap -- lock it again,");
    println!("        take Registry inside it (CoinManager -> Registry, now a compile error),");
    println!("        and write to the store while holding both");
    println!("after:  token.lock_all((&coins, Read(&registry))) holds both for both reads;");
    println!("        the store writes run after the guards drop");
    println!(
        "run:    {flamed} accounts flamed while 24 closed and opened; {} coins burnt; {} store writes",
        coins.burnt,
        lines.len()
    );
    assert_eq!(lines.len(), flamed);
}
