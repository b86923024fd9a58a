// There is no public way to mint a token at a chosen level.
use lockladder::{lock_level, LockToken};

#[lock_level(99)]
struct High;

fn main() {
    let _forged: LockToken<'static, High> = LockToken::new();
}
