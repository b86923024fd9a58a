// A mapped async guard held while a higher lock is taken through the child
// token, and held across an `.await` in a spawned task (it is `Send`).
use lockladder::{lock_level, LockToken, MappedMutexGuard, Mutex, MutexGuard};

#[lock_level(10)]
struct Registry {
    names: Vec<String>,
}

#[lock_level(20)]
struct Coins {
    total: u64,
}

async fn count(registry: &Mutex<Registry>, coins: &Mutex<Coins>) {
    let mut token = LockToken::new();
    let (held, mut at_registry) = registry.lock(&mut token).await;
    let names = MutexGuard::map(held, |registry| &mut registry.names);
    let first = MappedMutexGuard::try_map(names, |names| names.first_mut())
        .unwrap_or_else(|_| unreachable!("one name"));
    let (held, _) = coins.lock(&mut at_registry).await;
    let mut total = MutexGuard::map(held, |coins| &mut coins.total);
    tokio::task::yield_now().await;
    *total += first.len() as u64;
}

fn assert_send<F: core::future::Future + Send>(future: F) -> F {
    future
}

fn main() {
    let registry = Mutex::new(Registry { names: vec!["ada".into()] });
    let coins = Mutex::new(Coins { total: 0 });
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(assert_send(count(&registry, &coins)));
    assert_eq!(coins.into_inner().total, 3);
}
