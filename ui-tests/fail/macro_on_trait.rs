use lockladder::lock_level;

#[lock_level(10)]
trait Manager {}

fn main() {}
