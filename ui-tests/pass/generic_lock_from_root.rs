// A root token may take a lock of any level, also in generic code that knows
// only `T: Level`: every level is above `Unlocked`.
use lockladder::{lock_level, Level, LockToken, Mutex};

async fn bump<T: Level + AsMut<u64>>(lock: &Mutex<T>) -> u64 {
    let mut token = LockToken::new();
    let (mut guard, _token) = lock.lock(&mut token).await;
    *guard.as_mut() += 1;
    *guard.as_mut()
}

#[lock_level(10)]
struct Counter(u64);

impl AsMut<u64> for Counter {
    fn as_mut(&mut self) -> &mut u64 {
        &mut self.0
    }
}

fn main() {
    let counter = Mutex::new(Counter(41));
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    assert_eq!(runtime.block_on(bump(&counter)), 42);
}
