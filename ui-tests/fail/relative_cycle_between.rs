// A cycle through a computed level (`between`, or a distance that is not a
// literal) is rejected in the same words, once for the loop.
use lockladder::lock_level;

#[lock_level(10)]
struct Pool;

#[lock_level(between(Pool, Outbox))]
struct Inbox;

#[lock_level(above(Inbox, 5))]
struct Outbox;

fn main() {}
