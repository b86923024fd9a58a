//! The declared lock hierarchy: every `#[lock_level]` type in the program,
//! listed by level and drawn as DOT or Mermaid (feature `hierarchy`).
//!
//! The attribute registers each type it levels (name, level, module) with
//! [`inventory`](https://docs.rs/inventory) when the feature is on, and emits
//! nothing when it is off. It is a feature of its own, off by default, because
//! registration links a constructor per level into the binary and adds a
//! dependency, which the zero-cost default build must not carry; and it is
//! separate from `lockdep` because drawing the hierarchy (in docs, in CI)
//! should not require the runtime checks.

#[cfg(feature = "lockdep")]
pub(crate) mod observed;
mod render;

use core::fmt;

/// One `#[lock_level]` declaration, as the attribute registered it.
///
/// Generic types are registered once, by name, without their parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeclaredLevel {
    level: u32,
    name: &'static str,
    module_path: &'static str,
}

impl DeclaredLevel {
    /// Called by `#[lock_level]` expansions only; not public API.
    #[doc(hidden)]
    pub const fn new(name: &'static str, level: u32, module_path: &'static str) -> Self {
        DeclaredLevel { level, name, module_path }
    }

    /// The type's name as declared, without generic parameters.
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(40)]
    /// struct Shard<K, V> {
    ///     entries: Vec<(K, V)>,
    /// }
    ///
    /// let levels = lockladder::hierarchy();
    /// let shard = &levels.levels()[0].types()[0];
    /// assert_eq!(shard.name(), "Shard");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The level number.
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(20)]
    /// struct CoinManager;
    ///
    /// assert_eq!(lockladder::hierarchy().levels()[0].types()[0].level(), 20);
    /// ```
    pub fn level(&self) -> u32 {
        self.level
    }

    /// The module that declares the type, as `module_path!()` gives it.
    ///
    /// ```standalone_crate
    /// mod payouts {
    ///     #[lockladder::lock_level(20)]
    ///     pub struct CoinManager;
    /// }
    ///
    /// let declared = lockladder::hierarchy().levels()[0].types()[0];
    /// assert!(declared.module_path().ends_with("::payouts"));
    /// ```
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }
}

inventory::collect!(DeclaredLevel);

/// One level of the hierarchy and the types declared at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HierarchyLevel {
    level: u32,
    types: Vec<DeclaredLevel>,
}

impl HierarchyLevel {
    /// The level number.
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// assert_eq!(lockladder::hierarchy().levels()[0].level(), 10);
    /// ```
    pub fn level(&self) -> u32 {
        self.level
    }

    /// The types at this level, sorted by name (then module).
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(30)]
    /// struct AccountShard;
    /// #[lock_level(30)]
    /// enum CacheLevel {}
    ///
    /// let hierarchy = lockladder::hierarchy();
    /// let level = &hierarchy.levels()[0];
    /// let names: Vec<_> = level.types().iter().map(|declared| declared.name()).collect();
    /// assert_eq!(names, ["AccountShard", "CacheLevel"]);
    /// ```
    pub fn types(&self) -> &[DeclaredLevel] {
        &self.types
    }
}

/// Every level declared in the program, ascending: locks must be taken from
/// the top of this list down.
///
/// Prints (with `{}`) as one line per level; [`to_dot`](Hierarchy::to_dot) and
/// [`to_mermaid`](Hierarchy::to_mermaid) draw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hierarchy {
    levels: Vec<HierarchyLevel>,
}

impl Hierarchy {
    /// The levels, ascending, each with its types.
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(20)]
    /// struct CoinManager;
    /// #[lock_level(10)]
    /// struct Registry;
    ///
    /// let levels: Vec<u32> = lockladder::hierarchy().levels().iter().map(|l| l.level()).collect();
    /// assert_eq!(levels, [10, 20]);
    /// ```
    pub fn levels(&self) -> &[HierarchyLevel] {
        &self.levels
    }

    /// The hierarchy as a Graphviz DOT digraph: one node per level, ascending,
    /// labelled with its types, and an edge from each level to the next.
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(10)]
    /// struct Registry;
    /// #[lock_level(20)]
    /// struct CoinManager;
    ///
    /// let dot = lockladder::hierarchy().to_dot();
    /// assert!(dot.contains("level_10 -> level_20;"));
    /// ```
    pub fn to_dot(&self) -> String {
        render::dot(self)
    }

    /// The hierarchy as a Mermaid flowchart (GitHub renders a ```` ```mermaid ````
    /// block in Markdown): one node per level, ascending, with its types.
    ///
    /// ```standalone_crate
    /// # use lockladder::lock_level;
    /// #[lock_level(10)]
    /// struct Registry;
    /// #[lock_level(20)]
    /// struct CoinManager;
    ///
    /// let mermaid = lockladder::hierarchy().to_mermaid();
    /// assert!(mermaid.starts_with("flowchart TD"));
    /// assert!(mermaid.contains("L10 --> L20"));
    /// ```
    pub fn to_mermaid(&self) -> String {
        render::mermaid(self)
    }
}

impl fmt::Display for Hierarchy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render::text(self, f)
    }
}

/// The lock hierarchy declared with `#[lock_level]` in this program (every
/// crate linked in), levels ascending.
///
/// ```standalone_crate
/// use lockladder::lock_level;
///
/// #[lock_level(10)]
/// struct Registry;
/// #[lock_level(20)]
/// struct CoinManager;
/// #[lock_level(20)]
/// enum PayoutQueueLevel {}
///
/// let hierarchy = lockladder::hierarchy();
/// assert_eq!(hierarchy.to_string(), "10  Registry\n20  CoinManager, PayoutQueueLevel\n");
/// println!("{}", hierarchy.to_mermaid());
/// ```
pub fn hierarchy() -> Hierarchy {
    let mut declared: Vec<DeclaredLevel> =
        inventory::iter::<DeclaredLevel>.into_iter().copied().collect();
    declared.sort_unstable();
    declared.dedup();
    let mut levels: Vec<HierarchyLevel> = Vec::new();
    for entry in declared {
        match levels.last_mut() {
            Some(last) if last.level == entry.level => last.types.push(entry),
            _ => levels.push(HierarchyLevel { level: entry.level, types: vec![entry] }),
        }
    }
    Hierarchy { levels }
}
