// `lock_many_blocking` takes `lockladder::sync` locks only.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(20)]
struct Account;

fn audit(accounts: &[Mutex<Account>]) {
    let mut token = LockToken::new();
    let (_accounts, _token) = token.lock_many_blocking(accounts);
}

fn main() {}
