//! The runtime's modules import each other without cycles: each file's `use crate::...` paths
//! are resolved to the file that holds them, and the graph of files must be acyclic. A
//! `mod.rs` that re-exports its own children (`pub use child::Item`) is the usual facade and
//! not counted as an import.

// Test helpers may unwrap: a failure is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The runtime's source directory.
fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../login-runtime/src")
}

/// Every `.rs` file under `dir`, relative to `src()`, with `/` separators.
fn files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(src()).unwrap();
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The file a module path (`["store", "record"]`) lives in, taking the longest prefix that
/// names a file.
fn file_of(segments: &[&str], known: &BTreeSet<String>) -> Option<String> {
    for len in (1..=segments.len()).rev() {
        let base = segments[..len].join("/");
        for candidate in [format!("{base}.rs"), format!("{base}/mod.rs")] {
            if known.contains(&candidate) {
                return Some(candidate);
            }
        }
    }
    None
}

/// The module path of a file, for the re-export rule: `store/mod.rs` → `store`.
fn module_of(file: &str) -> String {
    file.trim_end_matches(".rs").trim_end_matches("/mod").to_owned()
}

/// The `crate::` paths `text` names, with one level of `{a, b}` lists expanded
/// (`crate::store::{RecordKey, UserKey}` gives `store::RecordKey` and `store::UserKey`).
fn imports(text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let base: Vec<String> = rest[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let items: Vec<String> = match rest[end..].strip_prefix('{') {
            Some(list) => list[..list.find('}').unwrap_or(0)]
                .split(',')
                .map(|item| {
                    item.trim()
                        .split("::")
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .to_owned()
                })
                .filter(|item| !item.is_empty() && item != "self")
                .collect(),
            None => Vec::new(),
        };
        if items.is_empty() {
            if !base.is_empty() {
                found.push(base);
            }
        } else {
            for item in items {
                let mut path = base.clone();
                path.push(item);
                found.push(path);
            }
        }
    }
    found
}

/// What each `mod.rs` re-exports from its children: (module, item) → the child's file.
fn reexports(all: &[String], known: &BTreeSet<String>) -> BTreeMap<(String, String), String> {
    let mut map = BTreeMap::new();
    for file in all.iter().filter(|f| f.ends_with("mod.rs") || *f == "lib.rs") {
        let module = module_of(file);
        let text = std::fs::read_to_string(src().join(file)).unwrap();
        for line in text.lines().map(str::trim) {
            let Some(rest) = line
                .strip_prefix("pub use ")
                .or_else(|| line.strip_prefix("pub(crate) use "))
            else {
                continue;
            };
            let Some((child, items)) = rest.trim_end_matches(';').split_once("::") else {
                continue;
            };
            let child_file = file_of(&[module.as_str(), child], known);
            let Some(child_file) = child_file.filter(|f| module_of(f) != module) else {
                continue;
            };
            for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
                let item = item.trim().split(" as ").next().unwrap_or_default().trim();
                if !item.is_empty() {
                    map.insert((module.clone(), item.to_owned()), child_file.clone());
                }
            }
        }
    }
    map
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut all = Vec::new();
    files(&src(), &mut all);
    let known: BTreeSet<String> = all.iter().cloned().collect();
    let reexported = reexports(&all, &known);
    let mut graph = BTreeMap::new();
    for file in &all {
        let text = std::fs::read_to_string(src().join(file)).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let own = module_of(file);
        let mut edges = BTreeSet::new();
        for path in imports(&code) {
            let segments: Vec<&str> = path.iter().map(String::as_str).collect();
            let Some(mut target) = file_of(&segments, &known) else {
                continue;
            };
            // An item a `mod.rs` re-exports lives in the child that defines it.
            if let Some(item) = segments.get(module_of(&target).split('/').count()) {
                let module = module_of(&target);
                if let Some(child) = reexported.get(&(module, (*item).to_owned())) {
                    target = child.clone();
                }
            }
            let target_module = module_of(&target);
            let is_own_child = file.ends_with("mod.rs") && target_module.starts_with(&format!("{own}/"));
            if target != *file && !is_own_child {
                edges.insert(target);
            }
        }
        graph.insert(file.clone(), edges);
    }
    graph
}

/// A cycle through `node`, if there is one.
fn cycle(
    node: &str,
    graph: &BTreeMap<String, BTreeSet<String>>,
    path: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    if let Some(at) = path.iter().position(|n| n == node) {
        let mut found = path[at..].to_vec();
        found.push(node.to_owned());
        return Some(found);
    }
    if done.contains(node) {
        return None;
    }
    path.push(node.to_owned());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(found) = cycle(next, graph, path, done) {
            return Some(found);
        }
    }
    path.pop();
    done.insert(node.to_owned());
    None
}

#[test]
fn the_runtime_files_import_each_other_without_cycles() {
    let graph = graph();
    assert!(graph.len() > 30, "found the runtime's files: {:?}", graph.keys());
    assert!(
        graph["context/mod.rs"].contains("refusal/answer.rs"),
        "the resolver sees real imports: {:?}",
        graph["context/mod.rs"]
    );
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(found) = cycle(node, &graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", found.join(" -> "));
        }
    }
}

#[test]
fn no_runtime_file_holds_more_than_about_400_lines_of_code() {
    let mut all = Vec::new();
    files(&src(), &mut all);
    for file in all {
        let text = std::fs::read_to_string(src().join(&file)).unwrap();
        // Code lines: not blank, not a comment, and not in the unit tests at the end.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let lines = code
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .count();
        assert!(lines <= 420, "{file} has {lines} code lines: split it by job");
    }
}
