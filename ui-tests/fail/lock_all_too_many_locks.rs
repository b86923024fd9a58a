// `lock_all` takes 1 to 8 locks: a ninth is one error that says so.
use lockladder::{lock_level, LockToken, Mutex};

#[lock_level(1)]
struct A;
#[lock_level(2)]
struct B;
#[lock_level(3)]
struct C;
#[lock_level(4)]
struct D;
#[lock_level(5)]
struct E;
#[lock_level(6)]
struct F;
#[lock_level(7)]
struct G;
#[lock_level(8)]
struct H;
#[lock_level(9)]
struct I;

async fn nine(
    (a, b, c): (&Mutex<A>, &Mutex<B>, &Mutex<C>),
    (d, e, f): (&Mutex<D>, &Mutex<E>, &Mutex<F>),
    (g, h, i): (&Mutex<G>, &Mutex<H>, &Mutex<I>),
) {
    let mut token = LockToken::new();
    let _all = token.lock_all((a, b, c, d, e, f, g, h, i)).await;
}

fn main() {}
