// Even next to the hidden declaration, a second, hand-written `Level` impl
// conflicts: `Level` has exactly one impl, which reads `LEVEL` off the rank.
use lockladder::__private::rank::{Rank, X0, X1, X3};
use lockladder::__private::DeclareLevel;
use lockladder::Level;

struct Liar;

impl DeclareLevel for Liar {
    const DECLARED_NAME: &'static str = "Liar";
    type DeclaredRank = Rank<X0, X0, X1, X0>;
}

impl Level for Liar {
    const LEVEL: u32 = 30;
    const NAME: &'static str = "Liar";
    type Rank = Rank<X0, X0, X3, X0>;
}

fn main() {}
