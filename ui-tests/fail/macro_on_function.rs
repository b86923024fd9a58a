use lockladder::lock_level;

#[lock_level(10)]
fn refund() {}

fn main() {
    refund();
}
