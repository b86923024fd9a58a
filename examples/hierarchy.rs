//! Prints the lock hierarchy of a payout service as text, Mermaid and DOT.
//!
//! Every `#[lock_level]` type registers itself when the `hierarchy` feature is
//! on; `lockladder::hierarchy()` collects them, levels ascending. Paste the
//! Mermaid output into a ```` ```mermaid ```` block of a Markdown file (GitHub
//! renders it), or pipe the DOT output to `dot -Tsvg`.
//!
//! Run it with `cargo run --example hierarchy --features hierarchy`.

use lockladder::lock_level;

/// Who gets paid.
#[lock_level(10)]
#[allow(dead_code, reason = "the example only draws the hierarchy")]
struct Registry {
    accounts: Vec<String>,
}

/// What has been paid.
#[lock_level(20)]
#[allow(dead_code, reason = "the example only draws the hierarchy")]
struct CoinManager {
    paid_out: u64,
}

/// One shard of the account balances; shards are taken together with `lock_many`.
#[lock_level(30)]
#[allow(dead_code, reason = "the example only draws the hierarchy")]
struct AccountShard<K, V> {
    balances: Vec<(K, V)>,
}

/// A marker: gives the plain payout queue a level beside the shards.
#[lock_level(30)]
#[allow(dead_code, reason = "the example only draws the hierarchy")]
enum PayoutQueueLevel {}

/// The audit log, written last.
#[lock_level(40)]
#[allow(dead_code, reason = "the example only draws the hierarchy")]
struct AuditLog {
    lines: Vec<String>,
}

fn main() {
    let hierarchy = lockladder::hierarchy();
    println!("Take locks from the top of this list down:\n\n{hierarchy}");
    println!("```mermaid\n{}```\n", hierarchy.to_mermaid());
    println!("{}", hierarchy.to_dot());
}
