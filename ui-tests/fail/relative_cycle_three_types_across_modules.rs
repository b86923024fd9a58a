// Three levels that define each other around a loop, across modules and with
// both directions, have no level at all: rejected, as with two types
// (`relative_cycle.rs`): at each attribute, an overflow of
// `LevelNotDefinedInACycle` naming the next type of the loop.
use lockladder::lock_level;

mod storage {
    use lockladder::lock_level;

    #[lock_level(above(crate::Cache, 5))]
    pub struct RaftLog;

    #[lock_level(below(RaftLog))]
    pub struct HardState;
}

#[lock_level(above(storage::HardState))]
struct Cache;

fn main() {}
