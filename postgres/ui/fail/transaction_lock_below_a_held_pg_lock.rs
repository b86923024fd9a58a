// The transaction-scoped lock is checked like every other.
use lockladder::{LockToken, lock_level};
use lockladder_postgres::{PgLock, PgSession};

#[lock_level(10)]
enum Ledger {}
#[lock_level(20)]
enum Jobs {}

async fn inverted(first: PgSession, second: PgSession) {
    let mut token = LockToken::new();
    let (_jobs, mut token) = PgLock::<Jobs>::new(2).lock(&mut token, first).await.unwrap();
    let _ledger = PgLock::<Ledger>::new(1).lock_xact(&mut token, second).await;
}

fn main() {
    let _ = inverted;
}
