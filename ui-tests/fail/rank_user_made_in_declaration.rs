// A rank must be made of the crate's digits: a user-made type is no rank.
use lockladder::__private::rank::{Rank, X0};
use lockladder::__private::DeclareLevel;

enum MyDigit {}

struct Sneaky;

impl DeclareLevel for Sneaky {
    const DECLARED_NAME: &'static str = "Sneaky";
    type DeclaredRank = Rank<X0, X0, X0, MyDigit>;
}

fn main() {}
