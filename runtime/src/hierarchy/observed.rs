//! The declared hierarchy beside the nesting lockdep observed (features
//! `hierarchy` and `lockdep`): which declared levels were never taken, which
//! level was taken while holding which, how often and where, and which
//! observed nesting skips declared levels (a lock held across work that does
//! not need it, or an order worth a second look).

use core::fmt::{self, Write as _};
use std::collections::BTreeMap;

use super::render::{escape_dot, escape_mermaid, labels};
use super::{Hierarchy, hierarchy};
use crate::lockdep::{ObservedEdge, observed_edges};

/// The declared hierarchy and the nesting observed at run time, side by side.
///
/// Prints (with `{}`) as text; [`to_dot`](ObservedHierarchy::to_dot) and
/// [`to_mermaid`](ObservedHierarchy::to_mermaid) draw both in one picture.
///
/// ```standalone_crate
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(10)]
/// struct Registry;
/// #[lock_level(20)]
/// struct CoinManager;
/// #[lock_level(30)]
/// struct AuditLog;
///
/// let (registry, audit) = (Mutex::new(Registry), Mutex::new(AuditLog));
/// let mut token = LockToken::new();
/// let (_registry, mut token) = registry.try_lock(&mut token).unwrap();
/// let (_audit, _token) = audit.try_lock(&mut token).unwrap();
///
/// let observed = lockladder::lockdep::observed_hierarchy();
/// assert_eq!(observed.declared_only(), [20]); // CoinManager was never taken
/// let edge = &observed.edges()[0];
/// assert_eq!((edge.held(), edge.taken(), edge.count()), (10, 30, 1));
/// assert_eq!(edge.skipped(), [20]); // 10 -> 30 skips the declared level 20
/// println!("{observed}\n{}", observed.to_mermaid());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservedHierarchy {
    declared: Hierarchy,
    /// Every level taken at least once, with the names taken at it.
    taken: BTreeMap<u32, Vec<&'static str>>,
    edges: Vec<LevelEdge>,
}

/// Every nesting observed from one level to another: "`held` was the highest
/// level held while `taken` was acquired", over all call sites.
///
/// ```standalone_crate
/// use lockladder::{lock_level, LockToken, Mutex};
///
/// #[lock_level(10)]
/// struct Registry;
/// #[lock_level(20)]
/// struct CoinManager;
///
/// let (registry, coins) = (Mutex::new(Registry), Mutex::new(CoinManager));
/// for _ in 0..2 {
///     let mut token = LockToken::new();
///     let (_registry, mut token) = registry.try_lock(&mut token).unwrap();
///     drop(coins.try_lock(&mut token).unwrap());
/// }
///
/// let observed = lockladder::lockdep::observed_hierarchy();
/// let edge = &observed.edges()[0];
/// assert_eq!((edge.held(), edge.taken(), edge.count()), (10, 20, 2));
/// assert!(edge.skipped().is_empty());
/// assert_eq!(edge.sites().len(), 1); // one pair of call sites
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelEdge {
    held: u32,
    taken: u32,
    count: u64,
    skipped: Vec<u32>,
    sites: Vec<ObservedEdge>,
}

impl LevelEdge {
    /// The level held (the highest one the task held).
    ///
    /// ```
    /// for edge in lockladder::lockdep::observed_hierarchy().edges() {
    ///     assert!(edge.held() <= edge.taken());
    /// }
    /// ```
    pub fn held(&self) -> u32 {
        self.held
    }

    /// The level taken while holding it.
    ///
    /// ```
    /// for edge in lockladder::lockdep::observed_hierarchy().edges() {
    ///     println!("{} -> {}", edge.held(), edge.taken());
    /// }
    /// ```
    pub fn taken(&self) -> u32 {
        self.taken
    }

    /// How many times, over every pair of call sites.
    ///
    /// ```
    /// for edge in lockladder::lockdep::observed_hierarchy().edges() {
    ///     assert_eq!(edge.count(), edge.sites().iter().map(|site| site.count).sum::<u64>());
    /// }
    /// ```
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The declared levels strictly between the two, ascending: empty when the
    /// nesting goes from one declared level to the next.
    ///
    /// ```
    /// let observed = lockladder::lockdep::observed_hierarchy();
    /// for edge in observed.edges().iter().filter(|edge| !edge.skipped().is_empty()) {
    ///     println!("{} -> {} skips {:?}", edge.held(), edge.taken(), edge.skipped());
    /// }
    /// ```
    pub fn skipped(&self) -> &[u32] {
        &self.skipped
    }

    /// Each pair of call sites, with its own count.
    ///
    /// ```
    /// for edge in lockladder::lockdep::observed_hierarchy().edges() {
    ///     for site in edge.sites() {
    ///         println!("{} -> {}: {}", site.held.location, site.taken.location, site.count);
    ///     }
    /// }
    /// ```
    pub fn sites(&self) -> &[ObservedEdge] {
        &self.sites
    }
}

/// The hierarchy declared with `#[lock_level]`, beside the nesting lockdep has
/// observed so far in this program.
///
/// ```standalone_crate
/// let observed = lockladder::lockdep::observed_hierarchy();
/// assert!(observed.edges().is_empty()); // nothing was taken yet
/// println!("{}", observed.to_dot());
/// ```
pub fn observed_hierarchy() -> ObservedHierarchy {
    let declared = hierarchy();
    let mut taken: BTreeMap<u32, Vec<&'static str>> = BTreeMap::new();
    for site in crate::lockdep::site::all() {
        let names = taken.entry(site.level).or_default();
        if !names.contains(&site.name) {
            names.push(site.name);
        }
    }
    for names in taken.values_mut() {
        names.sort_unstable();
    }
    let declared_levels: Vec<u32> = declared.levels.iter().map(|level| level.level).collect();
    let mut edges: Vec<LevelEdge> = Vec::new();
    for edge in observed_edges() {
        let (held, taken) = (edge.held.level, edge.taken.level);
        match edges.last_mut() {
            Some(last) if (last.held, last.taken) == (held, taken) => {
                last.count += edge.count;
                last.sites.push(edge);
            }
            _ => {
                let skipped =
                    declared_levels.iter().copied().filter(|&l| held < l && l < taken).collect();
                edges.push(LevelEdge {
                    held,
                    taken,
                    count: edge.count,
                    skipped,
                    sites: vec![edge],
                });
            }
        }
    }
    ObservedHierarchy { declared, taken, edges }
}

impl ObservedHierarchy {
    /// The declared hierarchy, as [`hierarchy()`](fn@crate::hierarchy) gives it.
    ///
    /// ```
    /// let observed = lockladder::lockdep::observed_hierarchy();
    /// assert_eq!(observed.declared(), &lockladder::hierarchy());
    /// ```
    pub fn declared(&self) -> &Hierarchy {
        &self.declared
    }

    /// The observed nesting, one entry per pair of levels, by held then taken
    /// level.
    ///
    /// ```
    /// let observed = lockladder::lockdep::observed_hierarchy();
    /// let pairs: Vec<(u32, u32)> = observed.edges().iter().map(|e| (e.held(), e.taken())).collect();
    /// assert!(pairs.is_sorted());
    /// ```
    pub fn edges(&self) -> &[LevelEdge] {
        &self.edges
    }

    /// The declared levels never taken so far, ascending.
    ///
    /// ```standalone_crate
    /// #[lockladder::lock_level(40)]
    /// struct AuditLog;
    ///
    /// assert_eq!(lockladder::lockdep::observed_hierarchy().declared_only(), [40]);
    /// ```
    pub fn declared_only(&self) -> Vec<u32> {
        let declared = self.declared.levels.iter().map(|level| level.level);
        declared.filter(|level| !self.taken.contains_key(level)).collect()
    }

    /// The picture as a Graphviz DOT digraph: the declared order as dashed grey
    /// edges, each observed nesting as a solid edge labelled with its count
    /// (orange where it skips declared levels), and declared levels never
    /// taken as dashed boxes (a type never taken at a level that was is
    /// marked "(never taken)").
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(10)]
    /// struct Registry;
    /// #[lock_level(20)]
    /// struct CoinManager;
    ///
    /// let dot = lockladder::lockdep::observed_hierarchy().to_dot();
    /// assert!(dot.contains("level_10 -> level_20 [style=dashed, color=gray];"));
    /// ```
    pub fn to_dot(&self) -> String {
        let mut out = String::from(
            "digraph lock_hierarchy_observed {\n    // Dashed grey: the declared order. Solid: \
             nesting observed (count); orange where it\n    // skips declared levels. \
             Dashed boxes: declared, never taken.\n    node [shape=box];\n",
        );
        for node in self.nodes() {
            let label = escape_dot(&node.lines.join("\\n"));
            let style = if node.never_taken { ", style=dashed" } else { "" };
            let _ =
                writeln!(out, "    level_{0} [label=\"level {0}\\n{label}\"{style}];", node.level);
        }
        for pair in self.declared.levels.windows(2) {
            let (from, to) = (pair[0].level, pair[1].level);
            let _ = writeln!(out, "    level_{from} -> level_{to} [style=dashed, color=gray];");
        }
        for edge in &self.edges {
            let color = if edge.skipped.is_empty() { "" } else { ", color=orange" };
            let _ = writeln!(
                out,
                "    level_{} -> level_{} [label=\"{}\"{color}];",
                edge.held,
                edge.taken,
                edge.label()
            );
        }
        out.push_str("}\n");
        out
    }

    /// The picture as a Mermaid flowchart: the declared order as dotted
    /// arrows, each observed nesting as a solid arrow with its count (thick
    /// where it skips declared levels), declared levels never taken marked.
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(10)]
    /// struct Registry;
    /// #[lock_level(20)]
    /// struct CoinManager;
    ///
    /// let mermaid = lockladder::lockdep::observed_hierarchy().to_mermaid();
    /// assert!(mermaid.starts_with("flowchart TD"));
    /// assert!(mermaid.contains("L10 -.-> L20"));
    /// ```
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from(
            "flowchart TD\n    %% Dotted: the declared order. Solid: nesting observed (count); \
             thick where it skips declared levels.\n",
        );
        let nodes = self.nodes();
        if nodes.is_empty() {
            out.push_str("    empty[\"no level is declared or taken\"]\n");
        }
        for node in &nodes {
            let label = node
                .lines
                .iter()
                .map(|line| escape_mermaid(line))
                .collect::<Vec<_>>()
                .join("<br/>");
            let _ = writeln!(out, "    L{0}[\"level {0}<br/>{label}\"]", node.level);
        }
        for pair in self.declared.levels.windows(2) {
            let _ = writeln!(out, "    L{} -.-> L{}", pair[0].level, pair[1].level);
        }
        for edge in &self.edges {
            let arrow = if edge.skipped.is_empty() { "-->" } else { "==>" };
            let _ =
                writeln!(out, "    L{} {arrow}|\"{}\"| L{}", edge.held, edge.label(), edge.taken);
        }
        let never: Vec<String> = nodes
            .iter()
            .filter(|node| node.never_taken)
            .map(|node| format!("L{}", node.level))
            .collect();
        if !never.is_empty() {
            out.push_str("    classDef never stroke-dasharray: 5 5\n");
            let _ = writeln!(out, "    class {} never", never.join(","));
        }
        out
    }

    /// One node per level, declared or taken, ascending.
    fn nodes(&self) -> Vec<Node> {
        let mut levels: BTreeMap<u32, Node> = BTreeMap::new();
        for level in &self.declared.levels {
            let taken = self.taken.get(&level.level);
            let never_taken = taken.is_none();
            let mut lines = labels(&self.declared, &level.types);
            if never_taken {
                lines.push("(never taken)".to_owned());
            } else if level.types.len() > 1 {
                // Several types share the level: mark those never taken.
                for (line, declared) in lines.iter_mut().zip(&level.types) {
                    if taken.is_some_and(|names| !names.contains(&declared.name)) {
                        line.push_str(" (never taken)");
                    }
                }
            }
            levels.insert(level.level, Node { level: level.level, lines, never_taken });
        }
        for (&level, names) in &self.taken {
            levels.entry(level).or_insert_with(|| {
                let mut lines: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
                lines.push("(not declared)".to_owned());
                Node { level, lines, never_taken: false }
            });
        }
        levels.into_values().collect()
    }
}

struct Node {
    level: u32,
    lines: Vec<String>,
    never_taken: bool,
}

impl LevelEdge {
    fn label(&self) -> String {
        let times =
            if self.count == 1 { "1 time".to_owned() } else { format!("{} times", self.count) };
        if self.skipped.is_empty() {
            return times;
        }
        let skipped: Vec<String> = self.skipped.iter().map(u32::to_string).collect();
        format!("{times}, skips {}", skipped.join(", "))
    }
}

impl fmt::Display for ObservedHierarchy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nodes = self.nodes();
        if nodes.is_empty() {
            return writeln!(f, "no level is declared or taken");
        }
        let width = nodes.iter().map(|node| node.level.to_string().len()).max().unwrap_or(0);
        writeln!(f, "levels:")?;
        for node in &nodes {
            writeln!(f, "  {:>width$}  {}", node.level, node.lines.join(", "))?;
        }
        if self.edges.is_empty() {
            return writeln!(f, "no nesting observed");
        }
        writeln!(f, "observed nesting (held -> taken):")?;
        for edge in &self.edges {
            writeln!(f, "  {:>width$} -> {:<width$}  {}", edge.held, edge.taken, edge.label())?;
            for site in &edge.sites {
                writeln!(
                    f,
                    "      `{}` at {} -> `{}` at {}: {}",
                    site.held.lock,
                    site.held.location,
                    site.taken.lock,
                    site.taken.location,
                    site.count
                )?;
            }
        }
        Ok(())
    }
}
