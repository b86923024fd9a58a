// A constant expression must be of an integer type; others are rejected in our
// words at the expression.
use lockladder::lock_level;

const RATIO: f64 = 2.5;
const ENABLED: bool = true;

#[lock_level(RATIO * 10.0)]
struct Cache;

#[lock_level(ENABLED)]
struct Flag;

fn main() {}
