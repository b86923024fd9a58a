//! The hierarchy as text, DOT and Mermaid.

use core::fmt::{self, Write as _};

use super::{DeclaredLevel, Hierarchy};

pub(super) fn text(hierarchy: &Hierarchy, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if hierarchy.levels.is_empty() {
        return writeln!(f, "no `#[lock_level]` type is registered");
    }
    let width = hierarchy.levels.iter().map(|level| level.level.to_string().len()).max();
    let width = width.unwrap_or(0);
    for level in &hierarchy.levels {
        writeln!(f, "{:>width$}  {}", level.level, labels(hierarchy, &level.types).join(", "))?;
    }
    Ok(())
}

pub(super) fn dot(hierarchy: &Hierarchy) -> String {
    let mut out = String::from(
        "digraph lock_hierarchy {\n    // Take locks from top to bottom.\n    \
         node [shape=box];\n",
    );
    for level in &hierarchy.levels {
        let types = labels(hierarchy, &level.types).join("\\n");
        let _ = writeln!(
            out,
            "    level_{0} [label=\"level {0}\\n{1}\"];",
            level.level,
            escape_dot(&types)
        );
    }
    for pair in hierarchy.levels.windows(2) {
        let _ = writeln!(out, "    level_{} -> level_{};", pair[0].level, pair[1].level);
    }
    out.push_str("}\n");
    out
}

pub(super) fn mermaid(hierarchy: &Hierarchy) -> String {
    let mut out = String::from("flowchart TD\n    %% Take locks from top to bottom.\n");
    if hierarchy.levels.is_empty() {
        out.push_str("    empty[\"no #35;[lock_level] type is registered\"]\n");
    }
    for level in &hierarchy.levels {
        let types = labels(hierarchy, &level.types)
            .iter()
            .map(|label| escape_mermaid(label))
            .collect::<Vec<_>>()
            .join("<br/>");
        let _ = writeln!(out, "    L{0}[\"level {0}<br/>{1}\"]", level.level, types);
    }
    for pair in hierarchy.levels.windows(2) {
        let _ = writeln!(out, "    L{} --> L{}", pair[0].level, pair[1].level);
    }
    out
}

/// Type names, qualified with their module only where two types share a name.
pub(super) fn labels(hierarchy: &Hierarchy, types: &[DeclaredLevel]) -> Vec<String> {
    types
        .iter()
        .map(|declared| {
            let shared = hierarchy
                .levels
                .iter()
                .flat_map(|level| &level.types)
                .filter(|other| other.name == declared.name)
                .nth(1)
                .is_some();
            if shared {
                format!("{}::{}", declared.module_path, declared.name)
            } else {
                declared.name.to_owned()
            }
        })
        .collect()
}

pub(super) fn escape_dot(label: &str) -> String {
    label.replace('"', "\\\"")
}

pub(super) fn escape_mermaid(label: &str) -> String {
    label.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;")
}
