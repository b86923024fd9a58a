// `between(A, B)` needs a free level strictly between the two.
use lockladder::lock_level;

#[lock_level(10)]
struct Pool;

#[lock_level(11)]
struct Conn;

#[lock_level(between(Pool, Conn))]
struct Cache;

#[lock_level(between(Conn, Pool))]
struct Reversed;

fn main() {}
