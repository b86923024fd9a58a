//! Dropping a `lock_all`/`lock_many` future at any await point releases every
//! lock it took.

mod set_support;

use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread::Scope;
use std::time::Duration;

use lockladder::{LockToken, Mutex, Read, RwLock, Write, lock_level, sync};
use set_support::{Held, Rng, elsewhere, env_or, hold_elsewhere, multi_thread_runtime, watchdog};

#[lock_level(10)]
struct Registry {
    version: u64,
}

#[lock_level(20)]
struct Account {
    balance: u64,
}

#[lock_level(30)]
struct Ledger {
    entries: u64,
}

fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

struct Locks {
    registry: RwLock<Registry>,
    accounts: [Mutex<Account>; 2],
    ledger: sync::Mutex<Ledger>,
}

impl Locks {
    fn new() -> Self {
        Locks {
            registry: RwLock::new(Registry { version: 0 }),
            accounts: [Mutex::new(Account { balance: 50 }), Mutex::new(Account { balance: 50 })],
            ledger: sync::Mutex::new(Ledger { entries: 0 }),
        }
    }

    /// The accounts in `lock_all`'s order among equals: by address.
    fn accounts_by_address(&self) -> [&Mutex<Account>; 2] {
        let [a, b] = &self.accounts;
        if std::ptr::from_ref(a) < std::ptr::from_ref(b) { [a, b] } else { [b, a] }
    }

    /// Whether each lock is free, proven with `try_*` by another task, in
    /// `lock_all`'s acquisition order: registry (10), accounts (20, by address),
    /// ledger (30).
    fn free_in_acquisition_order(&self) -> [bool; 4] {
        let [first, second] = self.accounts_by_address();
        elsewhere(|| {
            // One statement each: a successful try's guard drops before the next.
            let registry = self.registry.try_write(&mut LockToken::new()).is_ok();
            let first = first.try_lock(&mut LockToken::new()).is_ok();
            let second = second.try_lock(&mut LockToken::new()).is_ok();
            let ledger = self.ledger.try_lock(&mut LockToken::new()).is_ok();
            [registry, first, second, ledger]
        })
    }

    /// Holds the member at `position` of the acquisition order, on another
    /// thread, until released.
    fn hold<'scope>(
        &'scope self,
        scope: &'scope Scope<'scope, '_>,
        position: usize,
    ) -> Held<'scope> {
        let [first, second] = self.accounts_by_address();
        hold_elsewhere(scope, move |wait| {
            let mut token = LockToken::new();
            match position {
                0 => drop((self.registry.try_read(&mut token).unwrap(), wait())),
                1 => drop((first.try_lock(&mut token).unwrap(), wait())),
                2 => drop((second.try_lock(&mut token).unwrap(), wait())),
                _ => drop((self.ledger.try_lock(&mut token).unwrap(), wait())),
            }
        })
    }
}

#[test]
fn dropping_lock_all_at_each_await_point_releases_what_it_took() {
    // Block each member in turn elsewhere, so that the future stops at that
    // member's await point, then drop it there.
    for blocked in 0..4 {
        let locks = Locks::new();
        std::thread::scope(|scope| {
            let blocker = locks.hold(scope, blocked);
            {
                let mut token = LockToken::new();
                let mut all = pin!(token.lock_all((
                    &locks.ledger,
                    &locks.accounts[1],
                    Write(&locks.registry),
                    &locks.accounts[0],
                )));
                assert!(poll_once(all.as_mut()).is_pending(), "member {blocked} is held elsewhere");
                let free = locks.free_in_acquisition_order();
                for (position, free) in free.into_iter().enumerate() {
                    // Before the blocked member: taken by `all`; at it: held by
                    // the blocker; after it: not taken yet.
                    assert_eq!(free, position > blocked, "position {position}, blocked {blocked}");
                }
                // `all` is dropped here, pending at member `blocked`.
            }
            blocker.release();
        });
        assert_eq!(locks.free_in_acquisition_order(), [true; 4], "free after the drop ({blocked})");
    }
}

#[test]
fn dropping_lock_many_at_each_await_point_releases_what_it_took() {
    let accounts: Vec<Mutex<Account>> =
        (0..4).map(|_| Mutex::new(Account { balance: 0 })).collect();
    let mut by_address: Vec<&Mutex<Account>> = accounts.iter().collect();
    by_address.sort_by_key(|account| std::ptr::from_ref(*account));
    let free =
        |account: &Mutex<Account>| elsewhere(|| account.try_lock(&mut LockToken::new()).is_ok());
    for blocked in 0..4 {
        std::thread::scope(|scope| {
            let blocker = hold_elsewhere(scope, |wait| {
                let mut token = LockToken::new();
                let _held = by_address[blocked].try_lock(&mut token).unwrap();
                wait();
            });
            {
                let mut token = LockToken::new();
                let mut many = pin!(token.lock_many(accounts.iter().rev()));
                assert!(poll_once(many.as_mut()).is_pending());
                for (position, account) in by_address.iter().enumerate() {
                    assert_eq!(
                        free(account),
                        position > blocked,
                        "position {position}, blocked {blocked}"
                    );
                }
            }
            blocker.release();
        });
        assert!(accounts.iter().all(free));
    }
}

const TASKS: usize = 8;

#[test]
fn randomly_cancelled_multi_lock_futures_leave_every_lock_free() {
    let rounds = env_or("LOCKLADDER_CANCEL_ROUNDS", 2_000);
    let registry = Arc::new(RwLock::new(Registry { version: 0 }));
    let accounts: Arc<[Mutex<Account>; 4]> =
        Arc::new(std::array::from_fn(|_| Mutex::new(Account { balance: 100 })));
    let ledger = Arc::new(Mutex::new(Ledger { entries: 0 }));

    let completed: [u64; 3] = multi_thread_runtime().block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let (registry, accounts, ledger) = (registry.clone(), accounts.clone(), ledger.clone());
                tokio::spawn(async move {
                    let mut rng = Rng::new(task as u64 + 1);
                    let mut completed = [0u64; 3];
                    let mut cancelled = 0u64;
                    for _ in 0..rounds {
                        let patience = rng.below(4);
                        let give_up = async {
                            for _ in 0..patience {
                                tokio::task::yield_now().await;
                            }
                        };
                        let mut token = LockToken::new();
                        let [i, j] = rng.distinct(4, 2)[..] else { unreachable!() };
                        match rng.below(3) {
                            0 => tokio::select! {
                                ((mut ledger, mut from, mut to, mut registry), _token) = token.lock_all((
                                    &*ledger, &accounts[i], &accounts[j], Write(&*registry),
                                )) => {
                                    tokio::task::yield_now().await;
                                    // Money moves only if it is there: balances never go below zero.
                                    let amount = from.balance.min(1);
                                    from.balance -= amount;
                                    to.balance += amount;
                                    ledger.entries += 1;
                                    registry.version += 1;
                                    completed[0] += 1;
                                }
                                () = give_up => cancelled += 1,
                            },
                            1 => tokio::select! {
                                (mut guards, _token) = token.lock_many(rng.distinct(4, 3).into_iter().map(|k| &accounts[k])) => {
                                    tokio::task::yield_now().await;
                                    let half = guards[0].balance.min(2) / 2;
                                    guards[0].balance -= 2 * half;
                                    guards[1].balance += half;
                                    guards[2].balance += half;
                                    completed[1] += 1;
                                }
                                () = give_up => cancelled += 1,
                            },
                            _ => tokio::select! {
                                ((registry, ledger), _token) = token.lock_all((Read(&*registry), &*ledger)) => {
                                    tokio::task::yield_now().await;
                                    // Kind 0 changes both under one `lock_all`: never half-seen.
                                    assert_eq!(ledger.entries, registry.version);
                                    completed[2] += 1;
                                }
                                () = give_up => cancelled += 1,
                            },
                        }
                    }
                    (completed, cancelled)
                })
            })
            .collect();
        watchdog(Duration::from_secs(120), async {
            let (mut total, mut cancelled) = ([0u64; 3], 0);
            for task in tasks {
                let (completed, task_cancelled) = task.await.unwrap();
                for (sum, count) in total.iter_mut().zip(completed) {
                    *sum += count;
                }
                cancelled += task_cancelled;
            }
            assert_eq!(total.iter().sum::<u64>() + cancelled, (TASKS * rounds) as u64);
            assert!(cancelled > 0, "some acquisitions were cancelled");
            total
        })
        .await
    });

    let mut token = LockToken::new();
    let registry = registry.try_write(&mut token).expect("the registry is free").0.version;
    let ledger = ledger.try_lock(&mut token).expect("the ledger is free").0.entries;
    let (accounts, _token) = token.try_lock_many(accounts.iter()).expect("every account is free");
    // Only completed acquisitions changed anything, and nothing was lost.
    assert_eq!(registry, completed[0]);
    assert_eq!(ledger, completed[0]);
    assert_eq!(accounts.iter().map(|account| account.balance).sum::<u64>(), 400);
    assert!(
        completed.iter().all(|&count| count > 0),
        "every kind completed sometimes: {completed:?}"
    );
}
