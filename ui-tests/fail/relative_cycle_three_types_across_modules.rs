// Three levels that define each other around a loop, across modules and with
// both directions, have no level at all: rejected. As with two types
// (`relative_cycle.rs`), rustc finds the cycle while it computes the ranks and
// reports an overflow (E0275) at each attribute of the loop, naming the type
// whose level it was computing. The macro cannot say "cycle" itself: each
// attribute sees only its own type.
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
