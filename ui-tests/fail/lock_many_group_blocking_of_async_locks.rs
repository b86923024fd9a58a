// `LockGroup::lock_blocking` takes `lockladder::sync` locks only.
use lockladder::{lock_level, LockGroup, LockToken, Mutex};

#[lock_level(20)]
struct Account;

fn audit(accounts: &[Mutex<Account>]) {
    let mut group = LockGroup::new(accounts);
    let mut token = LockToken::new();
    let (_accounts, _token) = group.lock_blocking(&mut token);
}

fn main() {}
