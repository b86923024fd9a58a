// Two blocking locks of one level taken one inside the other: use `lock_many`.
use lockladder::{lock_level, sync::Mutex, LockToken};

#[lock_level(20)]
struct Account {
    balance: u64,
}

fn transfer(from: &Mutex<Account>, to: &Mutex<Account>) {
    let mut token = LockToken::new();
    let (mut from, mut token) = from.lock(&mut token);
    let (mut to, _token) = to.lock(&mut token);
    from.balance -= 1;
    to.balance += 1;
}

fn main() {}
