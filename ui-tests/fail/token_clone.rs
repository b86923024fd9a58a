// A token cannot be duplicated: a copy would let two locks be taken "beside" each other.
use lockladder::LockToken;

fn main() {
    let token = LockToken::new();
    let _copy = token.clone();
}
