//! Lock + unlock of one advisory key through `PgLock`, against the same two
//! statements sent by hand as prepared statements (the baseline: what a
//! careful user writes, and what `PgLock` itself sends) on the same kind of
//! connection, in the same run; the same by hand as simple queries for
//! comparison.
//!
//! Needs a PostgreSQL server: `$LOCKLADDER_PG_URL`, or a throwaway local
//! cluster started as the tests do (skipped, with a line saying so, when
//! neither is available). Every figure is one round trip to lock and one to
//! unlock on loopback, so the ratio is what `PgLock` adds to them.

#![allow(missing_docs, reason = "criterion_group! generates undocumented items")]

#[path = "../../postgres/tests/support/cluster.rs"]
mod cluster;
mod common;

use std::cell::Cell;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lockladder::{LockToken, lock_level};
use lockladder_postgres::tokio_postgres::NoTls;
use lockladder_postgres::{PgLock, PgSession};

#[lock_level(10)]
enum Jobs {}

const KEY: i64 = 4_242;

fn advisory_lock(c: &mut Criterion) {
    let cluster;
    let url = match std::env::var("LOCKLADDER_PG_URL") {
        Ok(url) => url,
        Err(_) => match cluster::Cluster::start("bench") {
            Ok(started) => {
                cluster = started;
                cluster.url()
            }
            Err(reason) => {
                println!("skipped: postgres benchmarks ({reason})");
                return;
            }
        },
    };
    // The connection's task and the benchmark loop share one thread, as they
    // would in a current-thread service.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let connect = || rt.block_on(PgSession::connect(&url, NoTls)).expect("connect to PostgreSQL");
    let mut group = c.benchmark_group("postgres-lock-unlock");

    let by_hand = connect();
    let prepare = |sql| rt.block_on(by_hand.client().prepare(sql)).expect("prepare");
    let (lock_statement, unlock_statement) =
        (prepare("SELECT pg_advisory_lock($1)"), prepare("SELECT pg_advisory_unlock($1)"));
    let (lock_sql, unlock_sql) =
        (format!("SELECT pg_advisory_lock({KEY})"), format!("SELECT pg_advisory_unlock({KEY})"));
    // Warm both paths (server caches, the connections' buffers) before the
    // first figure, which would otherwise pay for it alone.
    let lock: PgLock<Jobs> = PgLock::new(KEY);
    let session = Cell::new(Some(connect()));
    let by_hand_round = || async {
        let client = black_box(&by_hand).client();
        client.execute(&lock_statement, &[&KEY]).await.unwrap();
        let released: bool = client.query_one(&unlock_statement, &[&KEY]).await.unwrap().get(0);
        assert!(released);
    };
    let simple_query_round = || async {
        let client = black_box(&by_hand).client();
        client.simple_query(&lock_sql).await.unwrap();
        client.simple_query(&unlock_sql).await.unwrap();
    };
    let lockladder_round = || async {
        let mut token = LockToken::new();
        let taken = session.take().unwrap();
        let (guard, _token) = black_box(&lock).lock(&mut token, taken).await.unwrap();
        session.set(Some(guard.unlock().await.unwrap()));
    };
    common::run_async(&rt, 2_000, by_hand_round);
    common::run_async(&rt, 2_000, lockladder_round);
    common::run_async(&rt, 2_000, simple_query_round);

    let by_hand_bench = |b: &mut criterion::Bencher<'_>| {
        b.iter_custom(|iters| common::run_async(&rt, iters, by_hand_round))
    };
    group.bench_function("by-hand-prepared", by_hand_bench);

    group.bench_function("lockladder", |b| {
        b.iter_custom(|iters| common::run_async(&rt, iters, lockladder_round))
    });
    // The baseline again, so that load drift during the run shows (the ratio
    // is taken against the mean of both).
    group.bench_function("by-hand-prepared-after", by_hand_bench);
    group.bench_function("by-hand-simple-query", |b| {
        b.iter_custom(|iters| common::run_async(&rt, iters, simple_query_round))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::criterion();
    targets = advisory_lock
}
criterion_main!(benches);
