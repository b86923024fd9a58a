// `Unlocked` is what a root token holds, not a level a lock can be put at.
use lockladder::{sync, Mutex, Unlocked};

fn main() {
    let _async: Mutex<Vec<u8>, Unlocked> = Mutex::with_level(vec![]);
    let _blocking: sync::Mutex<Vec<u8>, Unlocked> = sync::Mutex::with_level(vec![]);
}
