// An entry token declares the most its method may be entered holding: inside,
// a lock at or below that level is a lock order violation, as after taking it.
use lockladder::{lock_level, sync::Mutex, LockToken};

#[lock_level(10)]
struct Core;

#[lock_level(5)]
struct Peers;

trait Storage {
    fn append(&self, entry: u64);
}

struct PeerStorage {
    peers: Mutex<Peers>,
    core: Mutex<Core>,
}

impl Storage for PeerStorage {
    fn append(&self, _entry: u64) {
        let mut token = LockToken::entered_holding::<Core>();
        let _peers = self.peers.lock(&mut token);
        let _core = self.core.lock(&mut token);
    }
}

fn main() {}
