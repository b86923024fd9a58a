//! Each function holds one kind of blocking guard across an `.await`: the lint
//! must flag all three (CI counts them).
use lockladder::{lock_level, sync, LockToken};

#[lock_level(10)]
struct Queue;

async fn elsewhere() {}

async fn holds_mutex_guard(queue: &sync::Mutex<Queue>) {
    let mut token = LockToken::new();
    let (guard, _token) = queue.lock(&mut token);
    elsewhere().await;
    drop(guard);
}

async fn holds_read_guard(queue: &sync::RwLock<Queue>) {
    let mut token = LockToken::new();
    let (guard, _token) = queue.read(&mut token);
    elsewhere().await;
    drop(guard);
}

async fn holds_write_guard(queue: &sync::RwLock<Queue>) {
    let mut token = LockToken::new();
    let (guard, _token) = queue.write(&mut token);
    elsewhere().await;
    drop(guard);
}

fn main() {
    let _ = (holds_mutex_guard, holds_read_guard, holds_write_guard);
}
