//! Prints what lockdep saw next to what was declared: the payout service of
//! the `hierarchy` example runs a few requests, then draws the nesting it
//! observed over the declared levels as text, Mermaid and DOT.
//!
//! One handler holds the registry while it writes the audit log: that nesting
//! skips two declared levels, and the picture shows it (orange in DOT, a thick
//! arrow in Mermaid). `PayoutQueueLevel` is declared and never taken: it is
//! marked so.
//!
//! Run it with `cargo run --example observed_hierarchy --features lockdep,hierarchy`.

use lockladder::{LockToken, Mutex, lock_level};

/// Who gets paid.
#[lock_level(10)]
struct Registry {
    accounts: Vec<String>,
}

/// What has been paid.
#[lock_level(20)]
struct CoinManager {
    paid_out: u64,
}

/// One shard of the account balances; shards are taken together with `lock_many`.
#[lock_level(30)]
struct AccountShard {
    balance: u64,
}

/// A marker for the payout queue, beside the shards: declared, never taken here.
#[lock_level(30)]
#[allow(dead_code, reason = "declared to show a level type that is never taken")]
enum PayoutQueueLevel {}

/// The audit log, written last.
#[lock_level(40)]
struct AuditLog {
    lines: Vec<String>,
}

struct Service {
    registry: Mutex<Registry>,
    coins: Mutex<CoinManager>,
    shards: [Mutex<AccountShard>; 2],
    audit: Mutex<AuditLog>,
}

/// Registry -> CoinManager -> both shards: the declared order, step by step.
async fn pay(service: &Service, amount: u64) {
    let mut token = LockToken::new();
    let (registry, mut token) = service.registry.lock(&mut token).await;
    let (mut coins, mut token) = service.coins.lock(&mut token).await;
    let (mut shards, _token) = token.lock_many(&service.shards).await;
    for shard in shards.iter_mut() {
        shard.balance += amount / registry.accounts.len() as u64;
    }
    coins.paid_out += amount;
}

/// Holds the registry while writing the audit log: 10 -> 40, skipping 20 and 30.
async fn audit(service: &Service) {
    let mut token = LockToken::new();
    let (registry, mut token) = service.registry.lock(&mut token).await;
    let (mut audit, _token) = service.audit.lock(&mut token).await;
    audit.lines.push(format!("{} accounts", registry.accounts.len()));
}

fn main() {
    let service = Service {
        registry: Mutex::new(Registry { accounts: vec!["ada".into(), "grace".into()] }),
        coins: Mutex::new(CoinManager { paid_out: 0 }),
        shards: [Mutex::new(AccountShard { balance: 0 }), Mutex::new(AccountShard { balance: 0 })],
        audit: Mutex::new(AuditLog { lines: Vec::new() }),
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    runtime.block_on(async {
        for amount in [10, 20, 30] {
            pay(&service, amount).await;
        }
        audit(&service).await;
    });

    let observed = lockladder::lockdep::observed_hierarchy();
    println!("{observed}");
    println!("```mermaid\n{}```\n", observed.to_mermaid());
    println!("{}", observed.to_dot());
}
