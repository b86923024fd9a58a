// A root token comes from `LockToken::new()` only: no `Default`, so neither
// `mem::take`, nor `#[derive(Default)]` on a context, nor `unwrap_or_default`
// can mint a second root.
use lockladder::{LockToken, Unlocked};

#[derive(Default)]
struct Context {
    token: LockToken<'static, Unlocked>,
}

fn main() {
    let mut token = LockToken::new();
    let _second = std::mem::take(&mut token);
    let _third: LockToken<'static, Unlocked> = None.unwrap_or_default();
    let _context = Context::default();
}
