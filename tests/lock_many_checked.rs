//! `lock_many_checked`, `try_lock_many_checked`, `lock_many_blocking_checked`:
//! sets from untrusted input that may list one lock twice.

use std::sync::Arc;

use lockladder::{DuplicateLockError, LockToken, Mutex, TryLockManyError, lock_level, sync};

#[lock_level(20)]
#[derive(Debug)]
struct Account {
    balance: u64,
}

const ACCOUNTS: usize = 5;
const OPENING: u64 = 1_000;
const TASKS: u64 = 4;
const REQUESTS: u64 = 2_000;

/// A request from outside: up to three accounts, repeats allowed.
fn request(rng: &mut u64) -> Vec<usize> {
    let mut next = || {
        *rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*rng >> 33) as usize
    };
    let len = 2 + next() % 2;
    (0..len).map(|_| next() % ACCOUNTS).collect()
}

fn has_repeat(request: &[usize]) -> bool {
    request.iter().enumerate().any(|(i, a)| request[..i].contains(a))
}

#[test]
fn untrusted_requests_are_refused_exactly_when_they_repeat_and_money_is_kept() {
    let accounts: Arc<Vec<Mutex<Account>>> =
        Arc::new((0..ACCOUNTS).map(|_| Mutex::new(Account { balance: OPENING })).collect());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    let (refused, expected_refused) = runtime.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|seed| {
                let accounts = accounts.clone();
                tokio::spawn(async move {
                    let (mut rng, mut refused, mut expected) = (seed + 1, 0, 0);
                    for _ in 0..REQUESTS {
                        let request = request(&mut rng);
                        expected += u64::from(has_repeat(&request));
                        let mut token = LockToken::new();
                        match token.lock_many_checked(request.iter().map(|&i| &accounts[i])) {
                            Ok(locking) => {
                                let (mut held, _) = locking.await;
                                let moved = held[0].balance.min(3);
                                held[0].balance -= moved;
                                let last = held.len() - 1;
                                held[last].balance += moved;
                            }
                            Err(error) => {
                                let (first, second) = error.positions();
                                assert_eq!(request[first], request[second], "{error}");
                                refused += 1;
                            }
                        }
                    }
                    (refused, expected)
                })
            })
            .collect();
        let mut totals = (0, 0);
        for task in tasks {
            let (refused, expected) = task.await.unwrap();
            totals.0 += refused;
            totals.1 += expected;
        }
        totals
    });
    assert_eq!(refused, expected_refused);
    assert!(refused > 0 && refused < TASKS * REQUESTS, "both paths ran");
    let mut token = LockToken::new();
    let (all, _) = token.try_lock_many_checked(accounts.iter()).unwrap();
    assert_eq!(all.iter().map(|account| account.balance).sum::<u64>(), OPENING * ACCOUNTS as u64);
}

#[test]
fn a_duplicate_is_refused_before_anything_is_taken() {
    let (a, b) = (Mutex::new(Account { balance: 1 }), Mutex::new(Account { balance: 2 }));
    let mut token = LockToken::new();
    let error: DuplicateLockError = token.lock_many_checked([&a, &b, &a]).unwrap_err();
    assert_eq!(error.positions(), (0, 2));
    assert_eq!(
        error.to_string(),
        "`lock_many_checked` was given the same lock twice (`Account`, level 20, at positions 0 and 2)"
    );
    let (both, _) = token.try_lock_many_checked([&a, &b]).expect("nothing was taken");
    drop(both);

    match token.try_lock_many_checked([&b, &b]) {
        Err(TryLockManyError::Duplicate(error)) => assert_eq!(error.positions(), (0, 1)),
        other => panic!("expected a duplicate, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn try_lock_many_checked_reports_a_busy_lock_and_releases_what_it_took() {
    let (a, b) = (Mutex::new(Account { balance: 1 }), Mutex::new(Account { balance: 2 }));
    let mut token = LockToken::new();
    let (_b_held, _) = b.try_lock(&mut token).unwrap();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut elsewhere = LockToken::new();
            match elsewhere.try_lock_many_checked([&a, &b]) {
                Err(TryLockManyError::Busy(error)) => assert_eq!(
                    error.to_string(),
                    "`Account` (lock level 20) is held elsewhere; `try_lock_many_checked` does not wait for it"
                ),
                other => panic!("expected busy, got {:?}", other.map(|_| ())),
            }
            assert!(a.try_lock(&mut elsewhere).is_ok(), "`a` was released");
        });
    });
}

#[test]
fn lock_many_blocking_checked_refuses_a_duplicate_and_takes_a_distinct_set() {
    let accounts: Vec<sync::Mutex<Account>> =
        (0..3).map(|_| sync::Mutex::new(Account { balance: 5 })).collect();
    let mut token = LockToken::new();
    let error =
        token.lock_many_blocking_checked([&accounts[2], &accounts[1], &accounts[2]]).unwrap_err();
    assert_eq!((error.level_name(), error.level(), error.positions()), ("Account", 20, (0, 2)));
    let (mut held, _) = token.lock_many_blocking_checked([&accounts[2], &accounts[0]]).unwrap();
    held[0].balance -= 1;
    held[1].balance += 1;
}
