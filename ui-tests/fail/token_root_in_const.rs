// `new` is not a `const fn`: a `const` would hand out a fresh root at each use.
use lockladder::{LockToken, Unlocked};

const ROOT: LockToken<'static, Unlocked> = LockToken::new();

fn main() {
    let _a = ROOT;
    let _b = ROOT;
}
