// `Mutex::new` needs a type with a level.
use lockladder::Mutex;

struct Plain {
    bytes: Vec<u8>,
}

fn main() {
    let _lock = Mutex::new(Plain { bytes: vec![] });
}
