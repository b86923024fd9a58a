//! Finds a renamed `lockladder` dependency in the crate's manifest.
//!
//! The expansion names `::lockladder`. A crate that depends on it under another
//! name (`ll = { package = "lockladder" }`) has no `lockladder` in scope, and
//! rustc would only say "unresolved crate `lockladder`". So before expanding,
//! the attribute reads the manifest of the crate being compiled (once per
//! compilation) and, when it finds such a rename and no dependency called
//! `lockladder`, reports an error that names the fix: `crate = ll`. It never
//! changes what the expansion names by itself: a guess from a manifest could be
//! wrong (an `extern crate ll as lockladder;`, a build system other than Cargo),
//! and an explicit `crate = ..` is what serde's and tokio's macros ask for too.
//!
//! This is a line scanner for the shapes Cargo documents, not a TOML parser:
//! `ll = { package = "lockladder", .. }` in any `[*dependencies]` table,
//! `[dependencies.ll]` with `package = "lockladder"`, and `ll.workspace = true` /
//! `ll = { workspace = true }` resolved in the workspace root's
//! `[workspace.dependencies]`. Whatever it cannot read, it leaves alone.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The name the crate being compiled gives `lockladder`, if it renamed it.
pub fn renamed_lockladder() -> Option<&'static str> {
    static RENAMED: OnceLock<Option<String>> = OnceLock::new();
    RENAMED
        .get_or_init(|| {
            let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
            renamed_in(&manifest, || workspace_manifest(&dir))
        })
        .as_deref()
}

/// The rename in one manifest; `workspace` reads the workspace root's manifest,
/// for dependencies inherited from it.
pub fn renamed_in(manifest: &str, workspace: impl FnOnce() -> Option<String>) -> Option<String> {
    let dependencies = dependencies(manifest, false);
    if dependencies.iter().any(|dependency| dependency.name == "lockladder") {
        return None;
    }
    if let Some(renamed) = dependencies.iter().find(|dependency| dependency.is_lockladder) {
        return Some(renamed.name.clone());
    }
    let inherited: Vec<&Dependency> =
        dependencies.iter().filter(|dependency| dependency.inherited).collect();
    if inherited.is_empty() {
        return None;
    }
    let root = dependencies_of_workspace(&workspace()?);
    inherited
        .iter()
        .find(|dependency| root.iter().any(|r| r.name == dependency.name && r.is_lockladder))
        .map(|dependency| dependency.name.clone())
}

fn dependencies_of_workspace(manifest: &str) -> Vec<Dependency> {
    dependencies(manifest, true)
}

#[derive(Debug)]
struct Dependency {
    name: String,
    /// `package = "lockladder"`.
    is_lockladder: bool,
    /// `workspace = true`.
    inherited: bool,
}

/// The dependency entries of `[dependencies]`, `[dev-dependencies]`,
/// `[build-dependencies]` and their `[target.'..'.*]` forms, or of
/// `[workspace.dependencies]` when `workspace_table`.
fn dependencies(manifest: &str, workspace_table: bool) -> Vec<Dependency> {
    let mut found: Vec<Dependency> = Vec::new();
    // `Some(None)`: inside a dependency table; `Some(Some(name))`: inside `[dependencies.name]`.
    let mut table: Option<Option<String>> = None;
    for line in manifest.lines() {
        let line = strip_comment(line).trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_start_matches('[').trim_end_matches(']').trim();
            table = dependency_table(header, workspace_table);
            if let Some(Some(name)) = &table {
                found.push(Dependency {
                    name: name.clone(),
                    is_lockladder: false,
                    inherited: false,
                });
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let (key, value) = (unquote(key.trim()), value.trim());
        match &table {
            Some(Some(name)) => {
                let Some(entry) = found.iter_mut().rev().find(|d| &d.name == name) else {
                    continue;
                };
                entry.is_lockladder |= key == "package" && unquote(value) == "lockladder";
                entry.inherited |= key == "workspace" && value == "true";
            }
            Some(None) => {
                // `name = ..`, `name = { .. }`, or dotted: `name.workspace = true`.
                let (name, dotted) = match key.split_once('.') {
                    Some((name, field)) => (unquote(name.trim()), Some(field.trim())),
                    None => (key, None),
                };
                let is_lockladder = match dotted {
                    Some(field) => field == "package" && unquote(value) == "lockladder",
                    None => inline_field(value, "package").is_some_and(|p| p == "lockladder"),
                };
                let inherited = match dotted {
                    Some(field) => field == "workspace" && value == "true",
                    None => inline_field(value, "workspace").is_some_and(|w| w == "true"),
                };
                match found.iter_mut().find(|d| d.name == name) {
                    Some(entry) => {
                        entry.is_lockladder |= is_lockladder;
                        entry.inherited |= inherited;
                    }
                    None => {
                        found.push(Dependency { name: name.to_owned(), is_lockladder, inherited })
                    }
                }
            }
            None => {}
        }
    }
    found
}

/// Whether a table header is a dependency table (`Some(None)`) or one
/// dependency's own table (`Some(Some(name))`).
fn dependency_table(header: &str, workspace_table: bool) -> Option<Option<String>> {
    let kinds = ["dependencies", "dev-dependencies", "build-dependencies"];
    let rest = if workspace_table {
        header.strip_prefix("workspace.dependencies").map(|rest| ("dependencies", rest))
    } else {
        let header = match header.strip_prefix("target.") {
            // `target.'cfg(unix)'.dependencies`: skip the quoted or bare target.
            Some(target) => match target.strip_prefix('\'').or_else(|| target.strip_prefix('"')) {
                Some(quoted) => {
                    quoted.split_once(['\'', '"']).map(|(_, rest)| rest)?.trim_start_matches('.')
                }
                None => target.split_once('.')?.1,
            },
            None => header,
        };
        kinds.iter().find_map(|kind| header.strip_prefix(kind).map(|rest| (*kind, rest)))
    };
    let (_, rest) = rest?;
    match rest.strip_prefix('.') {
        Some(name) => Some(Some(unquote(name.trim()).to_owned())),
        None if rest.is_empty() => Some(None),
        None => None,
    }
}

/// `package` in `{ package = "lockladder", version = "0.1" }`.
fn inline_field<'a>(value: &'a str, field: &str) -> Option<&'a str> {
    let inner = value.strip_prefix('{')?.strip_suffix('}')?;
    inner.split(',').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (unquote(key.trim()) == field).then(|| unquote(value.trim()))
    })
}

fn unquote(text: &str) -> &str {
    text.trim_matches(|c| c == '"' || c == '\'')
}

/// Drops a `#` comment (one outside a string; dependency lines rarely hold `#`).
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (index, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..index],
            _ => {}
        }
    }
    line
}

/// The manifest of the workspace root at or above `dir`: the nearest
/// `Cargo.toml` with a `[workspace]` table.
fn workspace_manifest(dir: &Path) -> Option<String> {
    dir.ancestors().find_map(|ancestor| {
        let manifest = std::fs::read_to_string(ancestor.join("Cargo.toml")).ok()?;
        manifest.lines().any(|line| strip_comment(line).trim() == "[workspace]").then_some(manifest)
    })
}
