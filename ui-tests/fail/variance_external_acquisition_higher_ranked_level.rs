// Two levels that differ only by a higher-ranked lifetime are subtypes. An
// `ExternalAcquisition`'s level is invariant, as a token's is, so an
// acquisition at 30 cannot pass for one at 10 (whose grant would hand out a
// token at 10 while 30 is held).
use lockladder::__private::rank::{Rank, X0, X1, X3};
use lockladder::__private::DeclareLevel;
use lockladder::extend::{self, ExternalAcquisition};
use lockladder::LockToken;

struct Tier<T>(T);

impl DeclareLevel for Tier<for<'a> fn(&'a ())> {
    const DECLARED_NAME: &'static str = "Tier<for<'a> fn(&'a ())>";
    type DeclaredRank = Rank<X0, X0, X3, X0>;
}

impl DeclareLevel for Tier<fn(&'static ())> {
    const DECLARED_NAME: &'static str = "Tier<fn(&'static ())>";
    type DeclaredRank = Rank<X0, X0, X1, X0>;
}

type High = Tier<for<'a> fn(&'a ())>;
type Low = Tier<fn(&'static ())>;

fn lower<'t>(acquisition: ExternalAcquisition<'t, High>) -> ExternalAcquisition<'t, Low> {
    acquisition
}

fn main() {
    let mut root = LockToken::new();
    let _low = lower(extend::begin::<High>(&mut root)).granted();
}
