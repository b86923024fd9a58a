// A cycle through a computed level (`between`, or a distance that is not a
// literal) is rejected too. Those levels are constants, so rustc reports a
// constant-evaluation cycle (E0391, "cycle detected"), once for the loop,
// naming the type whose rank closes it (`Outbox`) in its notes.
use lockladder::lock_level;

#[lock_level(10)]
struct Pool;

#[lock_level(between(Pool, Outbox))]
struct Inbox;

#[lock_level(above(Inbox, 5))]
struct Outbox;

fn main() {}
