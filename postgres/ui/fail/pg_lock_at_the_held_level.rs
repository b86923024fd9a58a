// Two advisory locks of one level, one after the other: equal is not above.
use lockladder::{LockToken, lock_level};
use lockladder_postgres::{PgLock, PgSession};

#[lock_level(10)]
enum Tenant {}

async fn both(first: PgSession, second: PgSession) {
    let a: PgLock<Tenant> = PgLock::pair(1, 1);
    let b: PgLock<Tenant> = PgLock::pair(1, 2);
    let mut token = LockToken::new();
    let (_a, mut token) = a.lock(&mut token, first).await.unwrap();
    let _b = b.try_lock(&mut token, second).await;
}

fn main() {
    let _ = both;
}
