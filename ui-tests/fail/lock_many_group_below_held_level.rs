// A `LockGroup` of accounts (20) taken while holding the ledger (30): the same
// compile error as `lock_many`, reported once.
use lockladder::{lock_level, LockGroup, LockToken, Mutex};

#[lock_level(20)]
struct Account;

#[lock_level(30)]
struct Ledger;

async fn audit(ledger: &Mutex<Ledger>, accounts: &[Mutex<Account>]) {
    let mut group = LockGroup::new(accounts);
    let mut token = LockToken::new();
    let (_ledger, mut token) = ledger.lock(&mut token).await;
    let (_accounts, _token) = group.lock(&mut token).await;
}

fn main() {}
