// `lock_all` of two locks at the held level and one above it: both equal ones are reported.
use lockladder::{lock_level, LockToken, Mutex, Read, RwLock};

#[lock_level(20)]
struct Account;

#[lock_level(30)]
struct Ledger;

async fn transfer(held: &Mutex<Account>, a: &Mutex<Account>, b: &RwLock<Account>, ledger: &Mutex<Ledger>) {
    let mut token = LockToken::new();
    let (_held, mut token) = held.lock(&mut token).await;
    let (_guards, _token) = token.lock_all((a, ledger, Read(b))).await;
}

fn main() {}
