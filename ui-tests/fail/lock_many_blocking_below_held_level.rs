// `lock_many_blocking` of accounts (20) while holding the ledger (30).
use lockladder::{lock_level, sync, LockToken};

#[lock_level(20)]
struct Account;

#[lock_level(30)]
struct Ledger;

fn audit(ledger: &sync::Mutex<Ledger>, accounts: &[sync::Mutex<Account>]) {
    let mut token = LockToken::new();
    let (_ledger, mut token) = ledger.lock(&mut token);
    let (_accounts, _token) = token.lock_many_blocking(accounts);
}

fn main() {}
