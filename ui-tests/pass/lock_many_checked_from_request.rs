// A same-level set from request data, taken with the `*_checked` forms in a
// spawned task (the future is `Send`) and on a plain thread.
use lockladder::{lock_level, sync, DuplicateLockError, LockToken, Mutex};

#[lock_level(20)]
struct Account {
    balance: u64,
}

async fn transfer(accounts: &[Mutex<Account>], from: usize, to: usize) -> Result<(), DuplicateLockError> {
    let mut token = LockToken::new();
    let (mut pair, _token) = token.lock_many_checked([&accounts[from], &accounts[to]])?.await;
    pair[0].balance -= 1;
    pair[1].balance += 1;
    Ok(())
}

fn main() {
    let accounts: &'static [Mutex<Account>] =
        Box::leak((0..2).map(|_| Mutex::new(Account { balance: 1 })).collect());
    let runtime = tokio::runtime::Builder::new_multi_thread().build().unwrap();
    runtime.block_on(async {
        tokio::spawn(transfer(accounts, 0, 1)).await.unwrap().unwrap();
        assert!(tokio::spawn(transfer(accounts, 1, 1)).await.unwrap().is_err());
    });
    let mirrors = [sync::Mutex::new(Account { balance: 0 })];
    let mut token = LockToken::new();
    let (held, _) = token.lock_many_blocking_checked(mirrors.iter()).unwrap();
    assert_eq!(held[0].balance, 0);
}
