// `#[lock_level($level)]` inside `macro_rules!` works as if written inline,
// whatever the fragment: the level arrives wrapped in an invisible group.
use lockladder::{lock_level, Level};

macro_rules! leveled_literal {
    ($name:ident, $level:literal) => {
        #[lock_level($level)]
        struct $name;
    };
}

macro_rules! leveled_expr {
    ($name:ident, $level:expr) => {
        #[lock_level($level)]
        struct $name;
    };
}

macro_rules! leveled_tt {
    ($name:ident, $($level:tt)*) => {
        #[lock_level($($level)*)]
        struct $name;
    };
}

macro_rules! leveled_above {
    ($name:ident, $base:ty) => {
        #[lock_level(above($base))]
        struct $name;
    };
}

macro_rules! leveled_with_crate {
    ($name:ident, $level:expr, $krate:path) => {
        #[lock_level($level, crate = $krate)]
        struct $name;
    };
}

const BASE: u32 = 40;

leveled_literal!(Registry, 24);
leveled_expr!(Accounts, 25);
leveled_expr!(Ledger, BASE + 2);
leveled_expr!(Doubled, BASE * 2);
leveled_tt!(Journal, 26);
leveled_above!(Outbox, Journal);
leveled_with_crate!(Archive, 30, ::lockladder);

fn main() {
    const _: () = assert!(<Registry as Level>::LEVEL == 24);
    const _: () = assert!(<Accounts as Level>::LEVEL == 25);
    const _: () = assert!(<Ledger as Level>::LEVEL == 42);
    const _: () = assert!(<Doubled as Level>::LEVEL == 80);
    const _: () = assert!(<Journal as Level>::LEVEL == 26);
    const _: () = assert!(<Outbox as Level>::LEVEL == 27);
    const _: () = assert!(<Archive as Level>::LEVEL == 30);
    let _ = (Registry, Accounts, Ledger, Doubled, Journal, Outbox, Archive);
}
