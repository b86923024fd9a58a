// A child token cannot escape the borrow of its parent.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(10)]
struct Registry;

async fn escape(registry: &Mutex<Registry>) -> LockToken<'static, Registry> {
    let mut token = LockToken::new();
    let (_guard, child) = registry.lock(&mut token).await;
    child
}

fn main() {}
