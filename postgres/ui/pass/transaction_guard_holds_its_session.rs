// The transaction-scoped guard is the transaction: statements run on it, and
// commit gives the session back for the next lock.
use lockladder::{LockToken, lock_level};
use lockladder_postgres::{PgLock, PgLockError, PgSession};

#[lock_level(10)]
enum Ledger {}
#[lock_level(20)]
enum Jobs {}

async fn post(session: PgSession) -> Result<PgSession, PgLockError> {
    let mut token = LockToken::new();
    let (tx, mut token) = PgLock::<Ledger>::named("ledger").lock_xact(&mut token, session).await?;
    let _ = tx.client().execute("INSERT INTO ledger VALUES (1)", &[]).await;
    let session = tx.commit().await?;
    // Still at level 10 in the types; Jobs is above.
    let (jobs, _token) = PgLock::<Jobs>::named("jobs").try_lock(&mut token, session).await?;
    jobs.unlock().await
}

fn main() {
    let _ = post;
}
