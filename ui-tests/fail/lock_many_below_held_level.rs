// `lock_many` of accounts (20) while holding the ledger (30).
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(20)]
struct Account;

#[lock_level(30)]
struct Ledger;

async fn audit(ledger: &Mutex<Ledger>, accounts: &[Mutex<Account>]) {
    let mut token = LockToken::new();
    let (_ledger, mut token) = ledger.lock(&mut token).await;
    let (_accounts, _token) = token.lock_many(accounts).await;
}

fn main() {}
