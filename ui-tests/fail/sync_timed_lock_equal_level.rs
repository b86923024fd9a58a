// A timed acquisition at the level the token already holds is refused too.
use std::time::Duration;
use lockladder::{lock_level, sync::Mutex, LockToken};

#[lock_level(20)]
struct Account;

fn transfer(from: &Mutex<Account>, to: &Mutex<Account>) {
    let mut token = LockToken::new();
    let (_from, mut at_account) = from.lock(&mut token);
    let _to = to.try_lock_for(&mut at_account, Duration::from_millis(10));
}

fn main() {}
