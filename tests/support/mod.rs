//! Helpers shared by the FileLock tests; each test binary uses a part of them.
#![allow(dead_code)]

#[cfg(target_os = "linux")]
pub mod proc_locks;
pub mod scratch;
