//! `hierarchy()` lists every level declared in this test crate, ascending, and
//! draws it. The only test in its binary, which declares the levels below.
#![cfg(feature = "hierarchy")]
#![allow(dead_code, reason = "the types exist to be registered")]

use lockladder::lock_level;

#[lock_level(20)]
struct CoinManager {
    coins: u64,
}

#[lock_level(10)]
struct Registry;

#[lock_level(30)]
struct Shard<K, V> {
    entries: Vec<(K, V)>,
}

#[lock_level(30)]
enum CacheLevel {}

#[lock_level(65535)]
enum Last {}

mod legacy {
    /// Shares its name with `crate::Registry`: the picture qualifies both.
    #[lockladder::lock_level(5)]
    pub struct Registry;
}

#[test]
fn hierarchy_lists_every_declared_level_ascending_and_draws_it() {
    #[lock_level(40)]
    struct DeclaredInAFunction;

    let hierarchy = lockladder::hierarchy();
    let listed: Vec<(u32, Vec<(&str, &str)>)> = hierarchy
        .levels()
        .iter()
        .map(|level| {
            let types = level.types().iter().map(|t| (t.name(), t.module_path())).collect();
            (level.level(), types)
        })
        .collect();
    assert_eq!(
        listed,
        [
            (5, vec![("Registry", "hierarchy::legacy")]),
            (10, vec![("Registry", "hierarchy")]),
            (20, vec![("CoinManager", "hierarchy")]),
            (30, vec![("CacheLevel", "hierarchy"), ("Shard", "hierarchy")]),
            (40, vec![("DeclaredInAFunction", "hierarchy")]),
            (65535, vec![("Last", "hierarchy")]),
        ]
    );
    for level in hierarchy.levels() {
        assert!(level.types().iter().all(|t| t.level() == level.level()));
    }

    assert_eq!(
        hierarchy.to_string(),
        "    5  hierarchy::legacy::Registry\n   10  hierarchy::Registry\n   20  CoinManager\n   30  CacheLevel, Shard\n   40  DeclaredInAFunction\n65535  Last\n"
    );
    assert_eq!(
        hierarchy.to_dot(),
        r#"digraph lock_hierarchy {
    // Take locks from top to bottom.
    node [shape=box];
    level_5 [label="level 5\nhierarchy::legacy::Registry"];
    level_10 [label="level 10\nhierarchy::Registry"];
    level_20 [label="level 20\nCoinManager"];
    level_30 [label="level 30\nCacheLevel\nShard"];
    level_40 [label="level 40\nDeclaredInAFunction"];
    level_65535 [label="level 65535\nLast"];
    level_5 -> level_10;
    level_10 -> level_20;
    level_20 -> level_30;
    level_30 -> level_40;
    level_40 -> level_65535;
}
"#
    );
    assert_eq!(
        hierarchy.to_mermaid(),
        r#"flowchart TD
    %% Take locks from top to bottom.
    L5["level 5<br/>hierarchy::legacy::Registry"]
    L10["level 10<br/>hierarchy::Registry"]
    L20["level 20<br/>CoinManager"]
    L30["level 30<br/>CacheLevel<br/>Shard"]
    L40["level 40<br/>DeclaredInAFunction"]
    L65535["level 65535<br/>Last"]
    L5 --> L10
    L10 --> L20
    L20 --> L30
    L30 --> L40
    L40 --> L65535
"#
    );
}
