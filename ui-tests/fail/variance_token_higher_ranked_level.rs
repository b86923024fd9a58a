// Two levels that differ only by a higher-ranked lifetime are subtypes. The
// level parameter is invariant, so a token at 30 cannot pass for one at 10.
use lockladder::__private::rank::{Rank, X0, X1, X3};
use lockladder::__private::DeclareLevel;
use lockladder::{lock_level, LockToken, Mutex};

struct Tier<T>(T);

impl DeclareLevel for Tier<for<'a> fn(&'a ())> {
    const DECLARED_NAME: &'static str = "Tier<for<'a> fn(&'a ())>";
    type DeclaredRank = Rank<X0, X0, X3, X0>;
}

impl DeclareLevel for Tier<fn(&'static ())> {
    const DECLARED_NAME: &'static str = "Tier<fn(&'static ())>";
    type DeclaredRank = Rank<X0, X0, X1, X0>;
}

#[lock_level(20)]
struct Ledger;

type High = Tier<for<'a> fn(&'a ())>;
type Low = Tier<fn(&'static ())>;

fn downgrade<'t>(token: LockToken<'t, High>) -> LockToken<'t, Low> {
    token
}

fn main() {
    let high: Mutex<(), High> = Mutex::with_level(());
    let ledger = Mutex::new(Ledger);
    let mut root = LockToken::new();
    let (_high, token) = high.try_lock(&mut root).unwrap();
    let mut token = downgrade(token);
    let _ledger = ledger.try_lock(&mut token);
}
