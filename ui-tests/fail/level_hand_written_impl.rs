// `Level` cannot be written by hand: its `LEVEL` would be free to disagree with
// the rank the type check compares (the lie that let a deadlock compile).
use lockladder::__private::rank::{Rank, X0, X1};
use lockladder::Level;

struct Liar;

impl Level for Liar {
    const LEVEL: u32 = 30;
    const NAME: &'static str = "Liar";
    type Rank = Rank<X0, X0, X1, X0>;
}

fn main() {}
