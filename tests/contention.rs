//! Behaviour under contention on a multi-thread runtime.

use std::sync::Arc;
use std::time::Duration;

use lockladder::{LockToken, Mutex, RwLock, lock_level};

#[lock_level(10)]
#[derive(Debug)]
struct Registry {
    accounts: Vec<u64>,
}

#[lock_level(20)]
#[derive(Debug)]
struct CoinManager {
    balance: u64,
    payouts: u64,
}

#[lock_level(30)]
enum LedgerLevel {}

const TASKS: usize = 8;
const ROUNDS: usize = 2_000;
const WATCHDOG: Duration = Duration::from_secs(60);

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_time().build().unwrap()
}

#[test]
fn nested_locks_count_exactly_under_contention() {
    let registry = Arc::new(RwLock::new(Registry { accounts: vec![1, 2, 3] }));
    let coins = Arc::new(Mutex::new(CoinManager { balance: 0, payouts: 0 }));
    let ledger: Arc<Mutex<Vec<u64>, LedgerLevel>> = Arc::new(Mutex::with_level(Vec::new()));

    runtime().block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let (registry, coins, ledger) = (registry.clone(), coins.clone(), ledger.clone());
                tokio::spawn(async move {
                    for round in 0..ROUNDS {
                        let mut token = LockToken::new();
                        if round % 10 == 0 {
                            let (mut registry, _token) = registry.write(&mut token).await;
                            registry.accounts[task % 3] += 1;
                            continue;
                        }
                        let (registry, mut token) = registry.read(&mut token).await;
                        let (mut coins, mut token) = coins.lock(&mut token).await;
                        // Read-modify-write with a yield in between: lost updates
                        // would show if the lock did not exclude.
                        let before = coins.balance;
                        tokio::task::yield_now().await;
                        coins.balance = before + registry.accounts.len() as u64;
                        coins.payouts += 1;
                        let (mut ledger, _token) = ledger.lock(&mut token).await;
                        ledger.push(task as u64);
                    }
                })
            })
            .collect();
        tokio::time::timeout(WATCHDOG, async {
            for task in tasks {
                task.await.unwrap();
            }
        })
        .await
        .expect("deadlock: tasks did not finish before the watchdog");
    });

    let writes = TASKS * ROUNDS.div_ceil(10);
    let reads = TASKS * ROUNDS - writes;
    let coins = Arc::into_inner(coins).unwrap().into_inner();
    assert_eq!(coins.payouts, reads as u64);
    assert_eq!(coins.balance, 3 * reads as u64);
    let registry = Arc::into_inner(registry).unwrap().into_inner();
    assert_eq!(registry.accounts.iter().sum::<u64>(), 6 + writes as u64);
    assert_eq!(Arc::into_inner(ledger).unwrap().into_inner().len(), reads);
}

#[test]
fn try_lock_fails_while_held_and_succeeds_after_release() {
    let coins = Arc::new(Mutex::new(CoinManager { balance: 0, payouts: 0 }));
    runtime().block_on(async {
        let (held_tx, held_rx) = tokio::sync::oneshot::channel();
        let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
        let holder = tokio::spawn({
            let coins = coins.clone();
            async move {
                let mut token = LockToken::new();
                let (mut guard, _token) = coins.lock(&mut token).await;
                guard.balance = 7;
                held_tx.send(()).unwrap();
                release_rx.await.unwrap();
            }
        });
        held_rx.await.unwrap();

        let mut token = LockToken::new();
        let error = coins.try_lock(&mut token).unwrap_err();
        assert_eq!(error.level_name(), "CoinManager");
        assert_eq!(error.level(), 20);

        release_tx.send(()).unwrap();
        holder.await.unwrap();
        let (guard, _token) = coins.try_lock(&mut token).expect("free after release");
        assert_eq!(guard.balance, 7);
    });
}

#[test]
fn try_write_fails_while_read_and_try_read_shares() {
    let registry = RwLock::new(Registry { accounts: vec![] });
    let mut reader = LockToken::new();
    let (shared, _reader) = registry.try_read(&mut reader).unwrap();

    // The other holders are on another thread: one root token per thread (with
    // `lockdep`, a second root token here would be caught taking level 10 twice).
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut second_reader = LockToken::new();
            assert!(registry.try_read(&mut second_reader).is_ok());
            let mut writer = LockToken::new();
            let error = registry.try_write(&mut writer).unwrap_err();
            assert_eq!(
                error.to_string(),
                "`Registry` (lock level 10) is held elsewhere; `try_write` does not wait for it"
            );
        });
    });
    drop(shared);
    let mut writer = LockToken::new();
    assert!(registry.try_write(&mut writer).is_ok());
}

#[test]
fn contended_try_lock_admits_exactly_one_holder_at_a_time() {
    let coins = Arc::new(Mutex::new(CoinManager { balance: 0, payouts: 0 }));
    let successes = runtime().block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let coins = coins.clone();
                tokio::spawn(async move {
                    let mut won = 0u64;
                    for _ in 0..ROUNDS {
                        let mut token = LockToken::new();
                        if let Ok((mut guard, _token)) = coins.try_lock(&mut token) {
                            let before = guard.balance;
                            tokio::task::yield_now().await;
                            guard.balance = before + 1;
                            won += 1;
                        }
                    }
                    won
                })
            })
            .collect();
        let mut total = 0;
        for task in tasks {
            total += tokio::time::timeout(WATCHDOG, task).await.unwrap().unwrap();
        }
        total
    });
    assert!(successes > 0);
    assert_eq!(Arc::into_inner(coins).unwrap().into_inner().balance, successes);
}

#[test]
fn dropping_a_pending_lock_future_acquires_nothing() {
    let coins = Arc::new(Mutex::new(CoinManager { balance: 0, payouts: 0 }));
    runtime().block_on(async {
        let mut holder = LockToken::new();
        let (guard, _holder) = coins.lock(&mut holder).await;
        // The waiter is another task, with its own root token.
        let waiter = tokio::spawn({
            let coins = coins.clone();
            async move {
                let mut waiter = LockToken::new();
                let pending = coins.lock(&mut waiter);
                tokio::time::timeout(Duration::from_millis(10), pending).await.is_err()
            }
        });
        assert!(waiter.await.unwrap(), "the lock is held, so the waiter cannot have it");
        drop(guard);
        let mut probe = LockToken::new();
        assert!(coins.try_lock(&mut probe).is_ok(), "the cancelled waiter left the lock free");
    });
}

#[test]
fn debug_shows_level_and_data() {
    let coins = Mutex::new(CoinManager { balance: 3, payouts: 0 });
    let text = format!("{:?}", Mutex::<u8, LedgerLevel>::with_level(5));
    assert_eq!(text, "Mutex { level: LedgerLevel (30), data: 5 }");
    let mut token = LockToken::new();
    let (_guard, child) = coins.try_lock(&mut token).unwrap();
    assert_eq!(format!("{child:?}"), "LockToken<CoinManager (level 20)>");
    let text = format!("{:?}", RwLock::<u8, LedgerLevel>::with_level(1));
    assert_eq!(text, "RwLock { level: LedgerLevel (30), data: 1 }");
}
