//! Blocking locks, for threads that may block: the same tokens, levels and
//! checks as the async locks, in one hierarchy with them.

// The blocking FileLock (issue 4); the lead merges this beside `sync::{Mutex, RwLock}`.
pub use crate::file_lock::blocking::FileLock;
