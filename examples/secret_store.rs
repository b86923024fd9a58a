//! Several processes rotate one secret on disk; a crash never wedges them.
//!
//! The store is a file that every process rewrites (read, bump the version,
//! write a new secret). A `FileLock` on a separate lock file keeps the
//! processes from interleaving; the kernel releases it if a process dies, so
//! there is no stale lock to clean up, and the lock file is never removed (nor
//! written to). A process never waits for its own hold of a lock file (that
//! is an error, not a deadlock), so the tasks inside one process first take
//! turns on an in-process `Mutex<StoreTurn>` just below it. Inside the hold,
//! each process records the rotation in an in-process `Mutex<AuditLog>`,
//! which sits above the store in the hierarchy: `StoreTurn` (5) before
//! `StoreLevel` (10) before `AuditLog` (20), checked when it compiles.
//!
//! Run it with `cargo run --example secret_store`: the program starts
//! `WORKERS` copies of itself and checks the final version.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use lockladder::{FileLock, LockToken, Mutex, lock_level};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// This process's turn at the store: one task at a time asks for the lock file.
#[lock_level(5)]
struct StoreTurn;

/// The place of the secret store's lock file in the hierarchy.
#[lock_level(10)]
enum StoreLevel {}

/// What this process did to the store.
#[lock_level(20)]
struct AuditLog {
    rotations: Vec<u64>,
}

const WORKERS: usize = 4;
const TASKS_PER_WORKER: usize = 2;
const ROTATIONS_PER_TASK: u64 = 10;
const WORKER_ENV: &str = "SECRET_STORE_DIR";

fn main() -> Result<(), Error> {
    match std::env::var_os(WORKER_ENV) {
        Some(dir) => worker(PathBuf::from(dir)),
        None => coordinator(),
    }
}

/// Starts the workers, waits for them and checks that no rotation was lost.
fn coordinator() -> Result<(), Error> {
    let dir = std::env::temp_dir().join(format!("lockladder-secret-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("secret"), "version=0 secret=initial\n")?;

    let workers = (0..WORKERS)
        .map(|_| Command::new(std::env::current_exe()?).env(WORKER_ENV, &dir).spawn())
        .collect::<Result<Vec<_>, _>>()?;
    for mut worker in workers {
        assert!(worker.wait()?.success(), "a worker failed");
    }

    let (version, secret) = read_store(&dir.join("secret"))?;
    let expected = (WORKERS * TASKS_PER_WORKER) as u64 * ROTATIONS_PER_TASK;
    println!(
        "{WORKERS} processes x {TASKS_PER_WORKER} tasks x {ROTATIONS_PER_TASK} rotations: version {version}, secret {secret}"
    );
    assert_eq!(version, expected, "a rotation was lost");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// One process: a few tasks rotate the secret concurrently.
#[tokio::main]
async fn worker(dir: PathBuf) -> Result<(), Error> {
    let turn = Arc::new(Mutex::new(StoreTurn));
    let store: Arc<FileLock<StoreLevel>> = Arc::new(FileLock::open(dir.join("secret.lock"))?);
    let audit = Arc::new(Mutex::new(AuditLog { rotations: Vec::new() }));

    let tasks: Vec<_> = (0..TASKS_PER_WORKER)
        .map(|_| {
            let (turn, store, audit) = (turn.clone(), store.clone(), audit.clone());
            let secret = dir.join("secret");
            tokio::spawn(async move {
                for _ in 0..ROTATIONS_PER_TASK {
                    rotate(&turn, &store, &audit, &secret).await?;
                }
                Ok::<(), Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let rotations = Arc::into_inner(audit).expect("every task is done").into_inner().rotations;
    println!("pid {}: rotated to versions {rotations:?}", std::process::id());
    Ok(())
}

/// Read, bump, write: the whole update under the store's lock, so no other
/// process or task can slip in between the read and the write.
async fn rotate(
    turn: &Mutex<StoreTurn>,
    store: &FileLock<StoreLevel>,
    audit: &Mutex<AuditLog>,
    secret: &Path,
) -> Result<(), Error> {
    let mut token = LockToken::new();
    let (_turn, mut token) = turn.lock(&mut token).await; // level 5: this task's turn
    let (_store, mut token) = store.lock(&mut token).await?; // level 10: this process's turn
    let (version, _) = read_store(secret)?;
    let next = version + 1;
    let new_secret =
        format!("s{:08x}", next.wrapping_mul(0x9e37_79b9) ^ u64::from(std::process::id()));
    // Write a new file and rename it over the store: a crash mid-write leaves
    // the old secret intact. (The *lock* file is never replaced: see FileLock.)
    let fresh = secret.with_extension("new");
    std::fs::write(&fresh, format!("version={next} secret={new_secret}\n"))?;
    std::fs::rename(&fresh, secret)?;

    let (mut log, _token) = audit.lock(&mut token).await; // 10 -> 20: allowed
    log.rotations.push(next);
    Ok(())
}

fn read_store(path: &Path) -> std::io::Result<(u64, String)> {
    let text = std::fs::read_to_string(path)?;
    let mut fields = text.split_whitespace();
    let version =
        fields.next().and_then(|f| f.strip_prefix("version=")).and_then(|v| v.parse().ok());
    let secret = fields.next().and_then(|f| f.strip_prefix("secret="));
    match (version, secret) {
        (Some(version), Some(secret)) => Ok((version, secret.to_owned())),
        _ => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("bad store: {text:?}"),
        )),
    }
}
