// Mapped guards of the async RwLock: `map`, `try_map`, nested maps and
// `downgrade_map`, each keeping the child token usable for a higher lock, and
// held across an `.await` in a spawned task (they are `Send`).
use lockladder::{
    lock_level, LockToken, MappedRwLockReadGuard, MappedRwLockWriteGuard, Mutex, RwLock,
    RwLockReadGuard, RwLockWriteGuard,
};

#[lock_level(10)]
struct Registry {
    names: Vec<String>,
    hits: u64,
}

#[lock_level(20)]
struct Coins {
    total: u64,
}

async fn tally(registry: &RwLock<Registry>, coins: &Mutex<Coins>) {
    let mut token = LockToken::new();
    {
        let (writing, mut at_registry) = registry.write(&mut token).await;
        let names = RwLockWriteGuard::map(writing, |registry| &mut registry.names);
        let mut first = MappedRwLockWriteGuard::try_map(names, |names| names.first_mut())
            .unwrap_or_else(|_| unreachable!("one name"));
        first.push('!');
        let (mut coins, _) = coins.lock(&mut at_registry).await;
        tokio::task::yield_now().await;
        coins.total += first.len() as u64;
    }
    {
        let (mut writing, mut at_registry) = registry.write(&mut token).await;
        writing.hits += 1;
        let hits = RwLockWriteGuard::downgrade_map(writing, |registry| &registry.hits);
        let (mut coins, _) = coins.lock(&mut at_registry).await;
        tokio::task::yield_now().await;
        coins.total += *hits;
    }
    let (reading, mut at_registry) = registry.read(&mut token).await;
    let names = RwLockReadGuard::try_map(reading, |registry| Some(&registry.names))
        .unwrap_or_else(|_| unreachable!("always there"));
    let first: MappedRwLockReadGuard<'_, str> =
        MappedRwLockReadGuard::map(names, |names| &*names[0]);
    let (mut coins, _) = coins.lock(&mut at_registry).await;
    tokio::task::yield_now().await;
    coins.total += first.len() as u64;
}

fn assert_send<F: core::future::Future + Send>(future: F) -> F {
    future
}

fn main() {
    let registry = RwLock::new(Registry { names: vec!["ada".into()], hits: 0 });
    let coins = Mutex::new(Coins { total: 0 });
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(assert_send(tally(&registry, &coins)));
    assert_eq!(coins.into_inner().total, 4 + 1 + 4);
}
