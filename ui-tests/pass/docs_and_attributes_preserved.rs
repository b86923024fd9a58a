// Other attributes, derives and docs on the type keep working.
use lockladder::{lock_level, Level};

/// Pending payouts.
#[lock_level(20)]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoinManager {
    pub balance: u64,
}

#[derive(Debug)]
#[lock_level(21)]
pub(crate) enum Phase {
    Open,
}

fn main() {
    assert_eq!(CoinManager::default(), CoinManager { balance: 0 });
    assert_eq!(<CoinManager as Level>::LEVEL, 20);
    assert_eq!(<Phase as Level>::LEVEL, 21);
    let _ = format!("{:?}", Phase::Open);
    assert_eq!(<lockladder::Unlocked as lockladder::TokenLevel>::LEVEL, 0);
    assert_eq!(<CoinManager as Level>::LEVEL, 20);
    // The extremes of the range.
    #[lock_level(1)]
    struct Lowest;
    #[lock_level(65535)]
    struct Highest;
    assert_eq!(<Lowest as Level>::LEVEL, 1);
    assert_eq!(<Highest as Level>::LEVEL, 65535);
    let _ = (Lowest, Highest);
}
