//! Concurrent transfers between accounts of one level, with `lock_many`.
//!
//! Accounts are peers: no account is "before" another, so a transfer cannot
//! take one and then the other (`Account` after `Account` does not compile).
//! `token.lock_many([&from, &to])` takes both in one fixed global order, so two
//! transfers in opposite directions cannot deadlock, and an audit takes them
//! all at once to check that no money was created or lost.
//!
//! Run it with `cargo run --example bank`.

use std::sync::Arc;

use lockladder::{LockToken, Mutex, lock_level};

#[lock_level(20)]
struct Account {
    balance: u64,
}

const ACCOUNTS: usize = 10;
const OPENING_BALANCE: u64 = 1_000;
const TELLERS: u64 = 8;
const TRANSFERS: u64 = 2_000;

/// Moves up to `amount` from one account to another, both locked together.
async fn transfer(accounts: &[Mutex<Account>], from: usize, to: usize, amount: u64) -> u64 {
    let mut token = LockToken::new();
    let (mut pair, _token) = token.lock_many([&accounts[from], &accounts[to]]).await;
    let moved = amount.min(pair[0].balance);
    pair[0].balance -= moved;
    tokio::task::yield_now().await; // another teller runs here; the pair stays locked
    pair[1].balance += moved;
    moved
}

/// The total of every account, read while all are held.
async fn audit(accounts: &[Mutex<Account>]) -> u64 {
    let mut token = LockToken::new();
    let (all, _token) = token.lock_many(accounts).await;
    all.iter().map(|account| account.balance).sum()
}

#[tokio::main]
async fn main() {
    let accounts: Arc<Vec<Mutex<Account>>> =
        Arc::new((0..ACCOUNTS).map(|_| Mutex::new(Account { balance: OPENING_BALANCE })).collect());
    let expected = OPENING_BALANCE * ACCOUNTS as u64;

    let tellers: Vec<_> = (0..TELLERS)
        .map(|teller| {
            let accounts = accounts.clone();
            tokio::spawn(async move {
                let mut seed = teller * 7_919 + 1;
                let mut moved = 0;
                for round in 0..TRANSFERS {
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    let from = (seed >> 33) as usize % ACCOUNTS;
                    let to = (from + 1 + (seed >> 17) as usize % (ACCOUNTS - 1)) % ACCOUNTS;
                    moved += transfer(&accounts, from, to, seed % 50).await;
                    if round % 500 == 0 {
                        assert_eq!(audit(&accounts).await, expected, "an audit saw money move");
                    }
                }
                moved
            })
        })
        .collect();

    let mut moved = 0;
    for teller in tellers {
        moved += teller.await.expect("teller panicked");
    }
    let total = audit(&accounts).await;
    println!(
        "{TELLERS} tellers made {} transfers between {ACCOUNTS} accounts",
        TELLERS * TRANSFERS
    );
    println!("moved {moved} coins in total; every pair locked with lock_many, in address order");
    println!("total now {total}, at opening {expected}: conserved");
    assert_eq!(total, expected);
}
