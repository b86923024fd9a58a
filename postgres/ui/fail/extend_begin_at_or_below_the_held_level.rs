// `extend::begin` is checked like every lock method: no token at or below the
// level held can be made through it.
use lockladder::{LockToken, extend, lock_level};

#[lock_level(10)]
enum Lease {}
#[lock_level(20)]
enum Jobs {}

fn main() {
    let mut token = LockToken::new();
    let (_hold, mut token) = extend::begin::<Jobs>(&mut token).granted();
    let _lease = extend::begin::<Lease>(&mut token);
    let _again = extend::begin::<Jobs>(&mut token);
}
