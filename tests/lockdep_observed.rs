//! `lockdep` records each distinct nesting it observes and draws it beside the
//! declared hierarchy. The only test in its binary, which declares the levels
//! below, so the picture holds exactly this scenario.
#![cfg(all(feature = "lockdep", feature = "hierarchy"))]
#![allow(dead_code, reason = "some levels exist only to be declared")]

use std::sync::Arc;

use lockladder::lockdep::{ObservedEdge, observed_edges, observed_hierarchy};
use lockladder::{LockToken, Mutex, lock_level};

#[lock_level(10)]
struct Registry;

#[lock_level(20)]
struct CoinManager;

#[lock_level(30)]
struct AccountShard(u8);

/// Declared, never taken.
#[lock_level(40)]
struct AuditLog;

#[lock_level(50)]
struct Journal;

/// The line of this file that ends with `// site: NAME`.
fn line_of(name: &str) -> u32 {
    let marker = format!("// site: {name}");
    let index = include_str!("lockdep_observed.rs")
        .lines()
        .position(|line| line.ends_with(&marker))
        .expect("a line with the marker");
    u32::try_from(index + 1).unwrap()
}

/// An edge as (held lock, its line, taken lock, its line, count).
fn summary(edge: &ObservedEdge) -> (&'static str, u32, &'static str, u32, u64) {
    assert_eq!(edge.held.location.file(), file!());
    assert_eq!(edge.taken.location.file(), file!());
    (
        edge.held.lock,
        edge.held.location.line(),
        edge.taken.lock,
        edge.taken.location.line(),
        edge.count,
    )
}

#[test]
fn the_edges_of_a_known_scenario_are_recorded_with_sites_and_counts_and_drawn() {
    let registry = Mutex::new(Registry);
    let locks = Arc::new((
        Mutex::new(CoinManager),
        [Mutex::new(AccountShard(0)), Mutex::new(AccountShard(1))],
    ));
    let coins = &locks.0;
    let journal = Mutex::new(Journal);

    // Registry -> CoinManager twice, on a plain thread.
    for _ in 0..2 {
        let mut token = LockToken::new();
        let (_registry, mut token) = registry.try_lock(&mut token).unwrap(); // site: registry
        drop(coins.try_lock(&mut token).unwrap()); // site: coins
    }
    // Registry -> Journal: a nesting that skips 20, 30 and 40.
    {
        let mut token = LockToken::new();
        let (_registry, mut token) = registry.try_lock(&mut token).unwrap(); // site: registry again
        drop(journal.try_lock(&mut token).unwrap()); // site: journal
    }
    // In a tokio task: CoinManager -> the shards, taken together.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    let in_task = locks.clone();
    let _entered = runtime.enter();
    runtime
        .block_on(tokio::spawn(async move {
            let (coins, shards) = (&in_task.0, &in_task.1);
            let mut token = LockToken::new();
            let (_coins, mut token) = coins.lock(&mut token).await; // site: task coins
            drop(token.lock_many(shards).await); // site: shards
        }))
        .unwrap();

    let edges: Vec<_> = observed_edges().iter().map(summary).collect();
    assert_eq!(
        edges,
        [
            ("Registry", line_of("registry"), "CoinManager", line_of("coins"), 2),
            ("Registry", line_of("registry again"), "Journal", line_of("journal"), 1),
            ("CoinManager", line_of("task coins"), "AccountShard", line_of("shards"), 1),
            // The second shard is taken while the first is held: same level, one set.
            ("AccountShard", line_of("shards"), "AccountShard", line_of("shards"), 1),
        ]
    );

    let observed = observed_hierarchy();
    assert_eq!(observed.declared_only(), [40]);
    let by_level: Vec<(u32, u32, u64, &[u32])> =
        observed.edges().iter().map(|e| (e.held(), e.taken(), e.count(), e.skipped())).collect();
    assert_eq!(
        by_level,
        [
            (10, 20, 2, &[][..]),
            (10, 50, 1, &[20, 30, 40][..]),
            (20, 30, 1, &[][..]),
            (30, 30, 1, &[][..])
        ]
    );
    assert_eq!(
        observed.to_dot(),
        r#"digraph lock_hierarchy_observed {
    // Dashed grey: the declared order. Solid: nesting observed (count); orange where it
    // skips declared levels. Dashed boxes: declared, never taken.
    node [shape=box];
    level_10 [label="level 10\nRegistry"];
    level_20 [label="level 20\nCoinManager"];
    level_30 [label="level 30\nAccountShard"];
    level_40 [label="level 40\nAuditLog\n(never taken)", style=dashed];
    level_50 [label="level 50\nJournal"];
    level_10 -> level_20 [style=dashed, color=gray];
    level_20 -> level_30 [style=dashed, color=gray];
    level_30 -> level_40 [style=dashed, color=gray];
    level_40 -> level_50 [style=dashed, color=gray];
    level_10 -> level_20 [label="2 times"];
    level_10 -> level_50 [label="1 time, skips 20, 30, 40", color=orange];
    level_20 -> level_30 [label="1 time"];
    level_30 -> level_30 [label="1 time"];
}
"#
    );
    assert_eq!(
        observed.to_mermaid(),
        r#"flowchart TD
    %% Dotted: the declared order. Solid: nesting observed (count); thick where it skips declared levels.
    L10["level 10<br/>Registry"]
    L20["level 20<br/>CoinManager"]
    L30["level 30<br/>AccountShard"]
    L40["level 40<br/>AuditLog<br/>(never taken)"]
    L50["level 50<br/>Journal"]
    L10 -.-> L20
    L20 -.-> L30
    L30 -.-> L40
    L40 -.-> L50
    L10 -->|"2 times"| L20
    L10 ==>|"1 time, skips 20, 30, 40"| L50
    L20 -->|"1 time"| L30
    L30 -->|"1 time"| L30
    classDef never stroke-dasharray: 5 5
    class L40 never
"#
    );
    let text = observed.to_string();
    assert!(text.contains("  10 -> 50  1 time, skips 20, 30, 40\n"), "{text}");
    assert!(
        text.contains(&format!("      `Registry` at {}:{}:", file!(), line_of("registry again"))),
        "{text}"
    );
}
