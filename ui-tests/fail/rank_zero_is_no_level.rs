// Level 0 is `Unlocked`'s: no declaration may take it, so `Unlocked` stays
// strictly below every level.
use lockladder::__private::rank::{Rank, X0};
use lockladder::__private::DeclareLevel;

struct Floor;

impl DeclareLevel for Floor {
    const DECLARED_NAME: &'static str = "Floor";
    type DeclaredRank = Rank<X0, X0, X0, X0>;
}

fn main() {}
