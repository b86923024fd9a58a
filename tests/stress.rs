//! Stress: 8 locks over 4 levels, with same-level sets, taken by random subsets
//! through `lock_all` and `lock_many` from many tasks on a multi-thread runtime.
//!
//! Default size: 8 tasks x 10,000 rounds. Bigger runs:
//! `LOCKLADDER_STRESS_ROUNDS=200000 cargo test --release --test stress`.

mod set_support;

use std::sync::Arc;
use std::time::Duration;

use lockladder::{LockToken, Mutex, Read, RwLock, Write, lock_level, sync};
use set_support::{Rng, env_or, multi_thread_runtime, watchdog};

#[lock_level(10)]
struct Registry {
    version: u64,
}

#[lock_level(20)]
struct Account {
    balance: u64,
}

#[lock_level(30)]
struct CoinManager {
    transfers: u64,
    audits: u64,
}

#[lock_level(40)]
struct Shard {
    ops: u64,
}

const TASKS: usize = 8;
const ACCOUNTS: usize = 4;
const SHARDS: usize = 2;
const OPENING_BALANCE: u64 = 1_000;
const KINDS: usize = 6;

/// 1 + 4 + 1 + 2 = 8 locks over levels 10, 20, 30, 40.
struct Bank {
    registry: RwLock<Registry>,
    accounts: [Mutex<Account>; ACCOUNTS],
    coins: Mutex<CoinManager>,
    shards: [Mutex<Shard>; SHARDS],
}

/// What one task did, to check the final state against exactly.
#[derive(Default)]
struct Tally {
    kinds: [u64; KINDS],
    shard_ops: [u64; SHARDS],
}

/// Read-modify-write across a yield: a lost update shows if a lock did not
/// exclude while it was held.
async fn bump(counter: &mut u64) {
    let before = *counter;
    tokio::task::yield_now().await;
    *counter = before + 1;
}

async fn round(bank: &Bank, rng: &mut Rng, tally: &mut Tally) {
    let mut token = LockToken::new();
    let kind = rng.below(KINDS);
    let [i, j] = rng.distinct(ACCOUNTS, 2)[..] else { unreachable!() };
    let shard = rng.below(SHARDS);
    match kind {
        // Five locks of four levels in scrambled argument order, two of one level.
        0 => {
            let ((mut shard_guard, mut coins, mut to, registry, mut from), _token) = token
                .lock_all((
                    &bank.shards[shard],
                    &bank.coins,
                    &bank.accounts[j],
                    Read(&bank.registry),
                    &bank.accounts[i],
                ))
                .await;
            let amount = (registry.version % 7 + 1).min(from.balance);
            from.balance -= amount;
            to.balance += amount;
            bump(&mut coins.transfers).await;
            bump(&mut shard_guard.ops).await;
            tally.shard_ops[shard] += 1;
        }
        // A random subset of the accounts, in random order: rotate one unit.
        1 => {
            let count = 2 + rng.below(ACCOUNTS - 1);
            let picked = rng.distinct(ACCOUNTS, count);
            let (mut accounts, _token) =
                token.lock_many(picked.iter().map(|&k| &bank.accounts[k])).await;
            let count = accounts.len();
            if accounts.iter().all(|account| account.balance > 0) {
                for k in 0..count {
                    accounts[k].balance -= 1;
                    accounts[(k + 1) % count].balance += 1;
                }
            }
            tokio::task::yield_now().await;
        }
        // Writer of the lowest level with a higher one.
        2 => {
            let ((mut coins, mut registry), _token) =
                token.lock_all((&bank.coins, Write(&bank.registry))).await;
            bump(&mut registry.version).await;
            bump(&mut coins.audits).await;
        }
        // All eight: the books balance in a consistent snapshot.
        3 => {
            let ((registry, a, b, c, d, coins, mut first, mut second), _token) = token
                .lock_all((
                    Read(&bank.registry),
                    &bank.accounts[3],
                    &bank.accounts[1],
                    &bank.accounts[0],
                    &bank.accounts[2],
                    &bank.coins,
                    &bank.shards[1],
                    &bank.shards[0],
                ))
                .await;
            let total = a.balance + b.balance + c.balance + d.balance;
            assert_eq!(total, OPENING_BALANCE * ACCOUNTS as u64, "money is conserved");
            assert_eq!(registry.version, coins.audits, "kind 2 updates both under one hold");
            bump(&mut first.ops).await;
            bump(&mut second.ops).await;
            tally.shard_ops[0] += 1;
            tally.shard_ops[1] += 1;
        }
        // Both shards, random order.
        4 => {
            let (mut shards, _token) = token
                .lock_many(rng.distinct(SHARDS, SHARDS).into_iter().map(|k| &bank.shards[k]))
                .await;
            for shard in &mut shards {
                bump(&mut shard.ops).await;
            }
            tally.shard_ops[0] += 1;
            tally.shard_ops[1] += 1;
        }
        // Two accounts of one level through `lock_all`, either order.
        _ => {
            let ((mut from, mut to), _token) =
                token.lock_all((&bank.accounts[i], &bank.accounts[j])).await;
            let amount = from.balance / 2;
            from.balance -= amount;
            tokio::task::yield_now().await;
            to.balance += amount;
        }
    }
    tally.kinds[kind] += 1;
}

#[test]
fn random_lock_all_and_lock_many_never_deadlock_and_keep_every_invariant() {
    let rounds = env_or("LOCKLADDER_STRESS_ROUNDS", 10_000);
    let bank = Arc::new(Bank {
        registry: RwLock::new(Registry { version: 0 }),
        accounts: std::array::from_fn(|_| Mutex::new(Account { balance: OPENING_BALANCE })),
        coins: Mutex::new(CoinManager { transfers: 0, audits: 0 }),
        shards: std::array::from_fn(|_| Mutex::new(Shard { ops: 0 })),
    });

    let tally = multi_thread_runtime().block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let bank = bank.clone();
                tokio::spawn(async move {
                    let mut rng = Rng::new(0x5EED + task as u64);
                    let mut tally = Tally::default();
                    for _ in 0..rounds {
                        round(&bank, &mut rng, &mut tally).await;
                    }
                    tally
                })
            })
            .collect();
        watchdog(Duration::from_secs(300), async {
            let mut total = Tally::default();
            for task in tasks {
                let tally = task.await.unwrap();
                for kind in 0..KINDS {
                    total.kinds[kind] += tally.kinds[kind];
                }
                for shard in 0..SHARDS {
                    total.shard_ops[shard] += tally.shard_ops[shard];
                }
            }
            total
        })
        .await
    });

    assert_eq!(tally.kinds.iter().sum::<u64>(), (TASKS * rounds) as u64);
    let mut bank = Arc::into_inner(bank).expect("every task is done");
    let balances: u64 = bank.accounts.iter_mut().map(|account| account.get_mut().balance).sum();
    assert_eq!(balances, OPENING_BALANCE * ACCOUNTS as u64);
    let coins = bank.coins.get_mut();
    assert_eq!(coins.transfers, tally.kinds[0]);
    assert_eq!(coins.audits, tally.kinds[2]);
    assert_eq!(bank.registry.get_mut().version, tally.kinds[2]);
    for (shard, expected) in bank.shards.iter_mut().zip(tally.shard_ops) {
        assert_eq!(shard.get_mut().ops, expected);
    }
}

#[lock_level(25)]
struct Audit {
    seen: u64,
}

/// Blocking locks in `lock_all` are not `Send` while held, so this mix runs on
/// several OS threads, each with its own runtime and several local tasks.
#[test]
#[allow(
    clippy::await_holding_invalid_type,
    reason = "the point: blocking guards from `lock_all` held across `.await`, while the other tasks take them through `lock_all` too, which never blocks the thread"
)]
fn blocking_and_async_locks_mixed_in_lock_all_keep_every_invariant() {
    const THREADS: usize = 4;
    const LOCAL_TASKS: usize = 2;
    // Smaller: a blocking lock held across `.await` keeps its waiters spinning.
    let rounds = env_or("LOCKLADDER_STRESS_ROUNDS", 10_000) / 10;
    let accounts: Arc<[sync::Mutex<Account>; ACCOUNTS]> =
        Arc::new(std::array::from_fn(|_| sync::Mutex::new(Account { balance: OPENING_BALANCE })));
    let audit = Arc::new(Mutex::new(Audit { seen: 0 }));
    let registry = Arc::new(sync::RwLock::new(Registry { version: 0 }));

    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (accounts, audit, registry) = (accounts.clone(), audit.clone(), registry.clone());
            std::thread::spawn(move || {
                let runtime =
                    tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
                let local = tokio::task::LocalSet::new();
                local.block_on(&runtime, async {
                    let tasks: Vec<_> = (0..LOCAL_TASKS)
                        .map(|task| {
                            let (accounts, audit, registry) =
                                (accounts.clone(), audit.clone(), registry.clone());
                            tokio::task::spawn_local(async move {
                                let mut rng = Rng::new((thread * LOCAL_TASKS + task) as u64 + 77);
                                for _ in 0..rounds {
                                    let [i, j] = rng.distinct(ACCOUNTS, 2)[..] else {
                                        unreachable!()
                                    };
                                    let mut token = LockToken::new();
                                    let ((mut audit, mut to, registry, mut from), _token) = token
                                        .lock_all((
                                            &*audit,
                                            &accounts[j],
                                            Read(&*registry),
                                            &accounts[i],
                                        ))
                                        .await;
                                    let amount = from.balance.min(3 + registry.version);
                                    from.balance -= amount;
                                    to.balance += amount;
                                    bump(&mut audit.seen).await;
                                }
                            })
                        })
                        .collect();
                    watchdog(Duration::from_secs(300), async {
                        for task in tasks {
                            task.await.unwrap();
                        }
                    })
                    .await;
                });
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let mut token = LockToken::new();
    let (accounts, mut token) = token.try_lock_many(accounts.iter()).expect("all free");
    assert_eq!(accounts.iter().map(|a| a.balance).sum::<u64>(), OPENING_BALANCE * ACCOUNTS as u64);
    let (audit, _token) = audit.try_lock(&mut token).expect("free");
    assert_eq!(audit.seen, (THREADS * LOCAL_TASKS * rounds) as u64);
}
