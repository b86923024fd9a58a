// Generic structs and enums take a level for every instantiation.
use lockladder::{lock_level, Level, LockToken, Mutex};

#[lock_level(10)]
struct Shard<K, V>
where
    K: Eq,
{
    entries: Vec<(K, V)>,
}

#[lock_level(20)]
enum Slot<T: Clone> {
    Empty,
    Full(T),
}

#[lock_level(30)]
struct Borrowed<'a> {
    name: &'a str,
}

async fn fill(shard: &Mutex<Shard<String, u32>>, slot: &Mutex<Slot<u32>>) {
    let mut token = LockToken::new();
    let (shard, mut token) = shard.lock(&mut token).await;
    let (mut slot, _token) = slot.lock(&mut token).await;
    *slot = Slot::Full(shard.entries.len() as u32);
}

fn main() {
    assert_eq!(<Shard<String, u32> as Level>::LEVEL, 10);
    assert_eq!(<Shard<u8, ()> as Level>::NAME, "Shard");
    assert_eq!(<Slot<u8> as Level>::LEVEL, 20);
    assert_eq!(<Borrowed<'static> as Level>::LEVEL, 30);
    let name = String::from("x");
    let borrowed = Mutex::new(Borrowed { name: &name });
    assert_eq!(borrowed.into_inner().name, "x");
    let shard = Mutex::new(Shard { entries: vec![(String::from("a"), 1)] });
    let slot = Mutex::new(Slot::Empty);
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(fill(&shard, &slot));
    assert!(matches!(slot.into_inner(), Slot::Full(1)));
}
