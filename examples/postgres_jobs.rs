//! Replicas sharing a job table through PostgreSQL advisory locks (written next).

fn main() {}
