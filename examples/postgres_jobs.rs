//! Replicas of a job runner, in separate processes, sharing a job table
//! through a PostgreSQL advisory lock, with an in-process lock beside it.
//!
//! Each replica runs two workers. A worker takes its replica's `Stats` (an
//! in-process `Mutex`, level 10), then the advisory lock on the job table
//! (level 20), claims the oldest open job, and records it. The hierarchy puts
//! the database lock above the in-process one; the inverted order (advisory
//! lock held, then waiting for the mutex, while another worker holds the mutex
//! and waits for the advisory lock: a cycle PostgreSQL cannot see) does not
//! compile, see `claim_one`.
//!
//! Run it with `cargo run --example postgres_jobs --features postgres`,
//! optionally followed by a connection string (`host=... user=...`); without
//! one it starts a throwaway local cluster, as the tests do (`initdb` from
//! `/usr/lib/postgresql/*/bin`, or `$LOCKLADDER_PG_BIN`).

#[path = "../postgres/tests/support/cluster.rs"]
mod cluster;

use std::process::Command;

use lockladder::postgres::tokio_postgres::NoTls;
use lockladder::postgres::{PgLock, PgSession};
use lockladder::{LockToken, Mutex, lock_level};

/// What one replica has done, shared by its workers.
#[lock_level(10)]
struct Stats {
    claimed: u32,
}

/// The advisory lock that serialises claims on the job table.
#[lock_level(20)]
enum JobTable {}

static JOBS: PgLock<JobTable> = PgLock::named("postgres_jobs.table");

const REPLICAS: usize = 3;
const WORKERS: usize = 2;
const JOB_COUNT: i32 = 60;
const REPLICA: &str = "POSTGRES_JOBS_REPLICA";

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    if let Ok(replica) = std::env::var(REPLICA) {
        let url = std::env::args().nth(1).ok_or("a replica needs the connection string")?;
        return runtime.block_on(run_replica(replica.parse()?, url));
    }
    let (url, _cluster) = match std::env::args().nth(1) {
        Some(url) => (url, None),
        None => {
            let cluster = cluster::Cluster::start("example")?;
            println!("started a throwaway cluster: {}", cluster.url());
            (cluster.url(), Some(cluster))
        }
    };
    runtime.block_on(prepare(&url))?;
    let replicas: Vec<_> = (0..REPLICAS)
        .map(|replica| {
            Command::new(std::env::current_exe()?)
                .env(REPLICA, replica.to_string())
                .arg(&url)
                .spawn()
        })
        .collect::<Result<_, _>>()?;
    for mut replica in replicas {
        assert!(replica.wait()?.success(), "a replica failed");
    }
    runtime.block_on(report(&url))
}

/// A fresh job table with `JOB_COUNT` open jobs.
async fn prepare(url: &str) -> Result<(), Error> {
    let session = PgSession::connect(url, NoTls).await?;
    session
        .client()
        .batch_execute(&format!(
            "DROP TABLE IF EXISTS postgres_jobs;
             CREATE TABLE postgres_jobs (id int PRIMARY KEY, done_by int);
             INSERT INTO postgres_jobs SELECT generate_series(1, {JOB_COUNT}), NULL;"
        ))
        .await?;
    Ok(())
}

/// One replica process: `WORKERS` tasks claiming jobs until none is left.
async fn run_replica(replica: i32, url: String) -> Result<(), Error> {
    let stats = std::sync::Arc::new(Mutex::new(Stats { claimed: 0 }));
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        let (stats, url) = (stats.clone(), url.clone());
        workers.push(tokio::spawn(async move {
            let mut session = PgSession::connect(&url, NoTls).await?;
            loop {
                let (back, claimed) = claim_one(replica, &stats, session).await?;
                session = back;
                if !claimed {
                    return Ok::<(), Error>(());
                }
            }
        }));
    }
    for worker in workers {
        worker.await??;
    }
    let mut token = LockToken::new();
    let (stats, _token) = stats.lock(&mut token).await;
    println!("replica {replica} (pid {}) claimed {} jobs", std::process::id(), stats.claimed);
    Ok(())
}

/// Claims the oldest open job, if any, under both locks in hierarchy order.
async fn claim_one(
    replica: i32,
    stats: &Mutex<Stats>,
    session: PgSession,
) -> Result<(PgSession, bool), Error> {
    let mut token = LockToken::new();
    let (mut stats, mut token) = stats.lock(&mut token).await; // level 10
    let (jobs, _token) = JOBS.lock(&mut token, session).await?; // 10 -> 20: fine

    // The other way round is the cross-world cycle, and does not compile:
    //
    //     let (jobs, mut token) = JOBS.lock(&mut token, session).await?;
    //     let (mut stats, _token) = stats.lock(&mut token).await;
    //
    // error[E0277]: lock order violation: cannot acquire `Stats` while holding `JobTable`

    let claimed = jobs
        .client()
        .execute(
            "UPDATE postgres_jobs SET done_by = $1
             WHERE id = (SELECT min(id) FROM postgres_jobs WHERE done_by IS NULL)",
            &[&replica],
        )
        .await?
        == 1;
    if claimed {
        stats.claimed += 1;
    }
    drop(stats);
    Ok((jobs.unlock().await?, claimed))
}

/// Every job claimed exactly once, and by whom.
async fn report(url: &str) -> Result<(), Error> {
    let session = PgSession::connect(url, NoTls).await?;
    let rows = session
        .client()
        .query(
            "SELECT done_by, count(*) FROM postgres_jobs GROUP BY done_by ORDER BY done_by NULLS FIRST",
            &[],
        )
        .await?;
    let mut total = 0;
    for row in &rows {
        let done_by: Option<i32> = row.get(0);
        let count: i64 = row.get(1);
        let done_by = done_by.ok_or("a job was left open")?;
        println!("replica {done_by}: {count} jobs in the table");
        total += count;
    }
    assert_eq!(total, i64::from(JOB_COUNT));
    println!("all {JOB_COUNT} jobs claimed exactly once");
    Ok(())
}
