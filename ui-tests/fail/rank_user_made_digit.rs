// Only the crate's own digit types compare: a type of the user's own cannot be
// made to compare below (or equal to) itself.
use lockladder::__private::rank::{Below, DigitCmp};

enum MyDigit {}

impl DigitCmp<MyDigit> for MyDigit {
    type Ordering = Below;
}

fn main() {}
