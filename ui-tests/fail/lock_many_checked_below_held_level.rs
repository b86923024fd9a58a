// The `*_checked` forms check duplicates at run time, and the level at compile
// time like `lock_many`: accounts (20) while holding the ledger (30).
use lockladder::{lock_level, sync, LockToken, Mutex};

#[lock_level(20)]
struct Account;

#[lock_level(30)]
struct Ledger;

async fn audit(ledger: &Mutex<Ledger>, accounts: &[Mutex<Account>], mirrors: &[sync::Mutex<Account>]) {
    let mut token = LockToken::new();
    let (_ledger, mut token) = ledger.lock(&mut token).await;
    let _ = token.lock_many_checked(accounts);
    let _ = token.try_lock_many_checked(accounts);
    let _ = token.lock_many_blocking_checked(mirrors);
}

fn main() {}
