// Two locks of the same level, one after the other: neither is above the other.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(20)]
struct Account {
    balance: u64,
}

async fn transfer(from: &Mutex<Account>, to: &Mutex<Account>) {
    let mut token = LockToken::new();
    let (mut from, mut token) = from.lock(&mut token).await;
    let (mut to, _token) = to.lock(&mut token).await;
    from.balance -= 1;
    to.balance += 1;
}

fn main() {}
