//! The engine's layering, checked from the source: every path in native/src that can name a file
//! of the crate (`crate::…`, `super::…`, `self::…`, and `child::…` for a `mod child;` the file
//! declares) is resolved to the file it names (`pub use` re-exports followed to the file that
//! holds the item; `super::` inside an inline `mod tests { … }` is the file itself), and the test
//! fails on
//! - an import cycle between files, parent ↔ child included (a `mod.rs` is its folder's file);
//! - a layer edge that runs the wrong way: an audit folder (inspect, lync, rightsize, ual, uc,
//!   teams, workbook, history) may use only its own folder and the shared input modules (`m365`),
//!   never `app`, `output` or another audit; `output` uses only itself; `app/cli.rs` uses only
//!   the model;
//! - clap outside `app/`, console I/O (stdin/stdout/stderr, process::exit) outside `app/` and
//!   `output/`, or a command-line flag (`--name`) inside an audit's strings: flag names live in
//!   the app layer only.
//! The model and the reader are crates of their own, so the compiler already keeps them below.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules of native/src that are not audits.
const NOT_AUDITS: &[&str] = &["app", "output"];
/// Shared input modules: readers several audits use (no records, no counting).
const SHARED_INPUTS: &[&str] = &["m365"];
/// Re-exported crates (checked by Cargo, not here).
const CRATES: &[&str] = &["model", "ingest"];

type ModPath = Vec<String>;

struct Source {
    module: ModPath,
    /// Code with comments removed and string literals blanked (their text is kept apart).
    code: String,
    strings: Vec<String>,
}

fn module_of(rel: &Path) -> ModPath {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_string());
    }
    parts
}

/// Splits Rust text into code (comments dropped, strings replaced by "") and string literals.
fn lex(text: &str) -> (String, Vec<String>) {
    let b = text.as_bytes();
    let (mut code, mut strings) = (String::with_capacity(text.len()), Vec::new());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            i = end;
        } else if b[i] == b'\'' && i + 2 < b.len() && (b[i + 2] == b'\'' || b[i + 1] == b'\\') {
            // A char literal ('"', '\\', '\''): skip it so its quote opens no string.
            let end = text[i + 1..].find('\'').map_or(b.len(), |e| {
                let e = i + 1 + e;
                if b[i + 1] == b'\\' && e == i + 2 {
                    e + 1
                } else {
                    e
                }
            });
            code.push_str("' '");
            i = end + 1;
        } else if b[i] == b'r' && (b[i..].starts_with(b"r#\"") || b[i..].starts_with(b"r\"")) {
            let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
            let open = i + 1 + hashes + 1;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = text[open..].find(&close).map_or(b.len(), |e| open + e);
            strings.push(text[open..end].to_string());
            code.push_str("\"\"");
            i = end + close.len();
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            strings.push(text[i + 1..j.min(b.len())].to_string());
            code.push_str("\"\"");
            i = j + 1;
        } else {
            let ch = text[i..].chars().next().expect("in bounds");
            code.push(ch);
            i += ch.len_utf8();
        }
    }
    (code, strings)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Expands a use tree (`a::b`, `a::{b, c::d}`, `a::*`, `a as b`) into full paths.
fn expand(tree: &str, prefix: &ModPath, out: &mut Vec<ModPath>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: ModPath = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let close = tree.rfind('}').unwrap_or(tree.len());
        let inner = &tree[open + 1..close];
        let mut base = prefix.clone();
        base.extend(head);
        let (mut depth, mut start) = (0, 0);
        for (k, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..k], &base, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &base, out);
    } else {
        let tree = tree.split(" as ").next().unwrap_or("").trim();
        if tree.is_empty() {
            return;
        }
        let mut p = prefix.clone();
        for seg in tree.split("::").map(str::trim) {
            if seg != "self" && seg != "*" && !seg.is_empty() {
                p.push(seg.to_string());
            }
        }
        out.push(p);
    }
}

/// The modules a file declares as files of their own (`mod x;`, `pub mod x;`): names that
/// start a path into a child file (`x::f()`, `use x::Y`).
fn child_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for stmt in code.split(|c| c == ';' || c == '{' || c == '}') {
        let words: Vec<&str> = stmt.split_whitespace().collect();
        if let [.., "mod", name] = words.as_slice() {
            if name.chars().all(is_ident) {
                out.insert(name.to_string());
            }
        }
    }
    out
}

/// The bodies of inline modules (`mod tests { … }`): byte range and name. Inside one, `super::`
/// is the file itself, not its parent.
fn inline_modules(code: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(pos) = code[at..].find("mod ").map(|p| at + p) {
        at = pos + 4;
        if pos > 0 && is_ident(code[..pos].chars().last().unwrap_or(' ')) {
            continue;
        }
        let rest = &code[at..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| is_ident(*c))
            .collect();
        let after = rest.trim_start()[name.len()..].trim_start();
        if name.is_empty() || !after.starts_with('{') {
            continue;
        }
        let open = code.len() - after.len();
        let mut depth = 0;
        let mut close = code.len();
        for (k, c) in code[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((open..close, name));
    }
    out
}

/// Where a path starting at `rest` begins: the module it is relative to and the rest of it, for
/// `crate::`, `self::`, `super::` (any number) and a child module's name.
fn path_start<'a>(
    rest: &'a str,
    here: &ModPath,
    file: &ModPath,
    children: &BTreeSet<String>,
) -> Option<(ModPath, &'a str)> {
    if let Some(t) = rest.strip_prefix("crate::") {
        return Some((ModPath::new(), t));
    }
    if let Some(t) = rest.strip_prefix("self::") {
        return Some((here.clone(), t));
    }
    if rest.starts_with("super::") {
        let mut base = here.clone();
        let mut tail = rest;
        while let Some(t) = tail.strip_prefix("super::") {
            base.pop();
            tail = t;
        }
        return Some((base, tail));
    }
    let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
    if children.contains(&name) && rest[name.len()..].starts_with("::") {
        // A child file is named from anywhere in its parent file, tests included (`use super::*`
        // brings it into an inline module).
        return Some((file.clone(), rest));
    }
    None
}

/// Every path in the code that can name a file of this crate (`crate::…`, `super::…`,
/// `self::…`, `child::…`), made absolute (module segments first).
fn references(src: &Source) -> Vec<ModPath> {
    let code = &src.code;
    let children = child_modules(code);
    let inline = inline_modules(code);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(pos) = code[at..].find(|c: char| is_ident(c)).map(|p| at + p) {
        let word_end = code[pos..]
            .find(|c: char| !is_ident(c))
            .map_or(code.len(), |e| pos + e);
        at = word_end;
        let prev = &code[..pos];
        if prev.trim_end().ends_with("::") || prev.ends_with(|c: char| is_ident(c) || c == '$') {
            continue; // the middle of a path, or of a longer word
        }
        let mut here = src.module.clone();
        for (body, name) in &inline {
            if body.contains(&pos) {
                here.push(name.clone());
            }
        }
        let Some((base, tail)) = path_start(&code[pos..], &here, &src.module, &children) else {
            continue;
        };
        // The path runs to the end of the use tree (braces balanced) or of the path expression.
        let (mut depth, mut end) = (0i32, tail.len());
        for (k, c) in tail.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    end = k;
                    break;
                }
                '}' => depth -= 1,
                c if depth == 0 && !(is_ident(c) || c == ':') => {
                    end = k;
                    break;
                }
                _ => {}
            }
        }
        expand(&tail[..end], &base, &mut out);
        at = code.len() - tail.len() + end;
    }
    out
}

/// `pub use` re-exports per module: name → the path it stands for.
fn reexports(src: &Source) -> BTreeMap<String, ModPath> {
    let mut map = BTreeMap::new();
    for stmt in src.code.split(';') {
        let s = stmt.trim();
        let Some(tree) = s
            .strip_prefix("pub use ")
            .or_else(|| s.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        let (tree, base) = if let Some(t) = tree.strip_prefix("crate::") {
            (t, ModPath::new())
        } else if let Some(t) = tree.strip_prefix("self::") {
            (t, src.module.clone())
        } else {
            (tree, src.module.clone())
        };
        let mut paths = Vec::new();
        expand(tree, &base, &mut paths);
        for p in paths {
            if let Some(last) = p.last() {
                map.insert(last.clone(), p.clone());
            }
        }
    }
    map
}

struct Tree {
    files: BTreeMap<ModPath, (PathBuf, Source)>,
}

impl Tree {
    fn load(root: &Path) -> Tree {
        let mut files = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("read src") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let rel = p.strip_prefix(root).expect("under root");
                    let module = module_of(rel);
                    if rel == Path::new("main.rs") {
                        continue;
                    }
                    let text = std::fs::read_to_string(&p).expect("read file");
                    let (code, strings) = lex(&text);
                    let src = Source {
                        module: module.clone(),
                        code,
                        strings,
                    };
                    files.insert(module, (rel.to_path_buf(), src));
                }
            }
        }
        Tree { files }
    }

    /// The file a path names: its longest module prefix, following `pub use` re-exports.
    fn resolve(&self, path: &ModPath, hops: u32) -> Option<ModPath> {
        if path.first().is_some_and(|f| CRATES.contains(&f.as_str())) || hops > 8 {
            return None;
        }
        let module = (0..=path.len())
            .rev()
            .map(|n| path[..n].to_vec())
            .find(|m| self.files.contains_key(m))?;
        if let Some(name) = path.get(module.len()) {
            let (_, src) = &self.files[&module];
            if let Some(target) = reexports(src).get(name) {
                if target != path {
                    return self.resolve(target, hops + 1).or(Some(module));
                }
            }
        }
        Some(module)
    }

    /// File → files it uses (self-edges and the crate root left out).
    fn graph(&self) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
        let mut g = BTreeMap::new();
        for (module, (_, src)) in &self.files {
            let mut to = BTreeSet::new();
            for r in references(src) {
                if let Some(target) = self.resolve(&r, 0) {
                    if &target != module && !target.is_empty() {
                        to.insert(target);
                    }
                }
            }
            g.insert(module.clone(), to);
        }
        g
    }
}

/// One cycle, if the graph has any (depth-first search with colours).
fn find_cycle(g: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Option<Vec<ModPath>> {
    fn visit(
        n: &ModPath,
        g: &BTreeMap<ModPath, BTreeSet<ModPath>>,
        colour: &mut BTreeMap<ModPath, u8>,
        stack: &mut Vec<ModPath>,
    ) -> Option<Vec<ModPath>> {
        colour.insert(n.clone(), 1);
        stack.push(n.clone());
        for m in g.get(n).into_iter().flatten() {
            match colour.get(m).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|x| x == m).expect("on stack");
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(m.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(m, g, colour, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        colour.insert(n.clone(), 2);
        None
    }
    let mut colour = BTreeMap::new();
    for n in g.keys() {
        if colour.get(n).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(n, g, &mut colour, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

/// One cycle per tangle (set of files that all reach each other), so a failing run lists every
/// tangle to untie, not just the first.
fn every_cycle(g: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<String> {
    let reach = |from: &ModPath| {
        let (mut seen, mut todo) = (BTreeSet::new(), vec![from.clone()]);
        while let Some(n) = todo.pop() {
            for m in g.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&ModPath, BTreeSet<ModPath>> = g.keys().map(|n| (n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in g.keys() {
        if done.contains(n) || !reaches[n].contains(n) {
            continue;
        }
        let tangle: BTreeSet<ModPath> = reaches[n]
            .iter()
            .filter(|m| reaches.get(m).is_some_and(|r| r.contains(n)))
            .cloned()
            .collect();
        let inside: BTreeMap<ModPath, BTreeSet<ModPath>> = tangle
            .iter()
            .map(|t| (t.clone(), g[t].intersection(&tangle).cloned().collect()))
            .collect();
        let cycle = find_cycle(&inside).expect("a tangle holds a cycle");
        out.push(
            cycle
                .iter()
                .map(|m| m.join("::"))
                .collect::<Vec<_>>()
                .join(" -> "),
        );
        done.extend(tangle);
    }
    out
}

fn top(m: &ModPath) -> &str {
    m.first().map(String::as_str).unwrap_or("")
}

fn is_audit(m: &ModPath) -> bool {
    !m.is_empty() && !NOT_AUDITS.contains(&top(m)) && !SHARED_INPUTS.contains(&top(m))
}

/// Every edge that runs against the layering, as "from -> to: why".
fn layer_violations(g: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<String> {
    let mut bad = Vec::new();
    for (from, tos) in g {
        for to in tos {
            let why = if top(from) == "app" {
                (from == &["app", "cli"] && top(to) != "app")
                    .then_some("the command line depends on the model only")
            } else if top(from) == "output" {
                (top(to) != "output").then_some("output depends on the model only")
            } else if SHARED_INPUTS.contains(&top(from)) {
                (top(to) != top(from))
                    .then_some("a shared input module depends on the model and the reader only")
            } else if is_audit(from) {
                match top(to) {
                    "app" | "output" => Some("an audit never sees the app layer or the writers"),
                    t if t == top(from) || SHARED_INPUTS.contains(&t) => None,
                    _ => Some("an audit does not use another audit"),
                }
            } else {
                None
            };
            if let Some(why) = why {
                bad.push(format!("{} -> {}: {why}", from.join("::"), to.join("::")));
            }
        }
    }
    bad
}

fn engine_tree() -> Tree {
    Tree::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn native_src_has_no_import_cycle() {
    let g = engine_tree().graph();
    assert!(
        g.len() > 20,
        "the walk found the source files ({})",
        g.len()
    );
    let cycles = every_cycle(&g);
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn dependencies_run_one_way() {
    let g = engine_tree().graph();
    let bad = layer_violations(&g);
    assert!(bad.is_empty(), "layering broken:\n{}", bad.join("\n"));
    // The audits do reach the layers below them (so the check above has edges to judge).
    let usage = g
        .get(&vec!["lync".to_string(), "usage".to_string()])
        .expect("lync::usage");
    assert!(usage.iter().any(|t| top(t) == "lync"));
}

#[test]
fn flags_console_and_clap_live_in_the_app_layer() {
    let tree = engine_tree();
    let mut bad = Vec::new();
    for (module, (rel, src)) in &tree.files {
        let place = rel.display();
        if top(module) != "app" && src.code.contains("clap") {
            bad.push(format!("{place}: uses clap outside the app layer"));
        }
        if !matches!(top(module), "app" | "output") {
            for io in [
                "stdin()",
                "stdout()",
                "stderr()",
                "process::exit",
                "println!",
                "eprintln!",
            ] {
                if src.code.contains(io) {
                    bad.push(format!("{place}: console I/O ({io}) outside app/output"));
                }
            }
        }
        if is_audit(module) {
            for s in &src.strings {
                let flag = s.match_indices("--").any(|(i, _)| {
                    s[i + 2..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_lowercase())
                        && (i == 0 || !s[..i].ends_with(|c: char| c.is_ascii_alphanumeric()))
                });
                if flag {
                    bad.push(format!("{place}: names a command-line flag in \"{s}\""));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// File names repeated in native/src by convention, each meaning the same thing wherever it is:
/// a folder's file, and an audit folder's options, errors, readers, records and pure rules.
const ROLE_FILES: &[&str] = &[
    "mod.rs",
    "options.rs",
    "error.rs",
    "inputs.rs",
    "records.rs",
    "rules.rs",
];

/// Files that share a name with another but are neither a role file, nor the app layer's mapping
/// file for the domain of that name (`app/lync.rs` for `lync/`), nor in that domain itself.
fn name_clashes(files: &[PathBuf]) -> Vec<String> {
    let top = |f: &PathBuf| {
        let first = f.iter().next().map(|d| d.to_string_lossy().into_owned());
        first
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_string()
    };
    let domains: BTreeSet<String> = files
        .iter()
        .map(top)
        .filter(|d| !["app", "lib", "main"].contains(&d.as_str()))
        .collect();
    let mut by_name: BTreeMap<String, Vec<&PathBuf>> = BTreeMap::new();
    for f in files {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
        by_name.entry(name.unwrap_or_default()).or_default().push(f);
    }
    let mut bad = Vec::new();
    for (name, paths) in by_name {
        if paths.len() < 2 || ROLE_FILES.contains(&name.as_str()) {
            continue;
        }
        let stem = name.trim_end_matches(".rs");
        let explained = |p: &PathBuf| {
            let mapping = p.starts_with("app") && domains.contains(stem);
            mapping || top(p) == stem
        };
        if !paths.iter().all(|p| explained(p)) {
            let all: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            bad.push(all.join(" / "));
        }
    }
    bad
}

#[test]
fn no_two_files_share_a_name_for_different_things() {
    let files: Vec<PathBuf> = engine_tree()
        .files
        .values()
        .map(|(rel, _)| rel.clone())
        .collect();
    let bad = name_clashes(&files);
    assert!(bad.is_empty(), "one name, two things:\n{}", bad.join("\n"));
}

#[test]
fn the_checker_tells_a_convention_from_a_clash() {
    let files = |names: &[&str]| -> Vec<PathBuf> { names.iter().map(PathBuf::from).collect() };
    let fine = files(&[
        "app/lync.rs",
        "lync/mod.rs",
        "lync/error.rs",
        "uc/error.rs",
        "lib.rs",
    ]);
    assert!(name_clashes(&fine).is_empty());
    // Two history.rs for two things (issue #23 item 8), and an app file named for no domain.
    let two = files(&["app/history.rs", "report/history.rs", "report/mod.rs"]);
    assert_eq!(
        name_clashes(&two),
        vec!["app/history.rs / report/history.rs"]
    );
    let nested = files(&["app/estate.rs", "lync/estate.rs", "lync/mod.rs"]);
    assert_eq!(name_clashes(&nested).len(), 1);
    // A mapping file does not excuse a file of another domain under its name.
    let teams = files(&["app/teams.rs", "teams/mod.rs", "uc/teams.rs", "uc/mod.rs"]);
    assert_eq!(name_clashes(&teams), vec!["app/teams.rs / uc/teams.rs"]);
    let own = files(&["app/history.rs", "history.rs"]);
    assert!(
        name_clashes(&own).is_empty(),
        "a one-file domain and its mapping file"
    );
}

/// An error that converts any `std::io::Error` with `?` calls a failed read "cannot write
/// output" (exit 1): an audit's errors hold the shared `IoError` pair, and whoever meets an io
/// error says whether it is input or output (issue #23 item 9).
#[test]
fn no_error_converts_a_bare_io_error() {
    let tree = engine_tree();
    let mut bad = Vec::new();
    for (rel, src) in tree.files.values() {
        let code: String = src.code.split_whitespace().collect();
        for from in ["#[from]std::io::Error", "#[from]io::Error"] {
            if code.contains(from) {
                bad.push(format!("{}: {from}", rel.display()));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // Not vacuous: the audits' errors are read, and they do hold the pair.
    let uc = tree
        .files
        .values()
        .find(|(rel, _)| rel.ends_with("uc/error.rs"));
    assert!(uc.is_some_and(|(_, src)| src.code.contains("#[from] IoError")));
}

// The checker itself: it must see what it is meant to catch.

fn src(module: &[&str], text: &str) -> Source {
    let (code, strings) = lex(text);
    Source {
        module: module.iter().map(|s| s.to_string()).collect(),
        code,
        strings,
    }
}

fn m(p: &[&str]) -> ModPath {
    p.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_checker_reads_use_trees_super_paths_and_reexports() {
    let a = src(
        &["lync", "plan"],
        "use super::{LyncError, estate::{Estate, PolicyTable}};\nuse crate::model::Tier;\nfn f() { crate::ual::roles::find(); let s = \"crate::app::x\"; }",
    );
    let refs = references(&a);
    assert!(refs.contains(&m(&["lync", "LyncError"])));
    assert!(refs.contains(&m(&["lync", "estate", "PolicyTable"])));
    assert!(refs.contains(&m(&["ual", "roles", "find"])));
    assert!(
        !refs.iter().any(|r| top(r) == "app"),
        "strings are not code"
    );

    let tree = Tree {
        files: [
            (
                m(&["lync"]),
                src(
                    &["lync"],
                    "mod error;\npub use error::{LyncError, MissingInput};",
                ),
            ),
            (m(&["lync", "error"]), src(&["lync", "error"], "")),
        ]
        .into_iter()
        .map(|(k, s)| (k, (PathBuf::new(), s)))
        .collect(),
    };
    assert_eq!(
        tree.resolve(&m(&["lync", "LyncError"]), 0),
        Some(m(&["lync", "error"]))
    );
    assert_eq!(tree.resolve(&m(&["model", "Tier"]), 0), None);
}

fn tree(sources: &[(&[&str], &str)]) -> Tree {
    Tree {
        files: sources
            .iter()
            .map(|(module, text)| (m(module), (PathBuf::new(), src(module, text))))
            .collect(),
    }
}

#[test]
fn the_checker_sees_calls_into_child_modules() {
    // Issue #23 item 7: `usage::schemas()` in lync/mod.rs names lync/usage/mod.rs.
    let parent = src(
        &["lync"],
        "pub mod usage;\nmod error;\nuse error::LyncError;\nfn f() { usage::schemas(); self::usage::run(); x.usage; LyncUsage::new(); serde_json::error::Error; }",
    );
    let refs = references(&parent);
    assert!(refs.contains(&m(&["lync", "usage", "schemas"])));
    assert!(refs.contains(&m(&["lync", "usage", "run"])));
    assert!(refs.contains(&m(&["lync", "error", "LyncError"])));
    assert_eq!(
        refs.len(),
        3,
        "a field, a type or another crate's path is no child: {refs:?}"
    );
}

#[test]
fn the_checker_reports_a_parent_child_cycle() {
    // The parent calls its child; the child uses a type of the parent's file: a cycle.
    let files = tree(&[
        (
            &["report"],
            "pub mod workbook;\npub struct ReportSheet;\nfn run() { workbook::write(); }",
        ),
        (
            &["report", "workbook"],
            "use super::ReportSheet;\npub fn write() {}",
        ),
    ]);
    let cycle = find_cycle(&files.graph()).expect("report -> report::workbook -> report");
    assert_eq!(cycle.len(), 3, "{cycle:?}");
    assert_eq!(every_cycle(&files.graph()).len(), 1);

    // The type moved to a file of its own, re-exported by the parent: one way only.
    let files = tree(&[
        (&["report"], "pub mod workbook;\nmod records;\npub use records::ReportSheet;\nfn run() { workbook::write(); }"),
        (&["report", "records"], "pub struct ReportSheet;"),
        (&["report", "workbook"], "use super::ReportSheet;\npub fn write() {}"),
    ]);
    let g = files.graph();
    assert_eq!(find_cycle(&g), None, "{g:?}");
    assert!(g[&m(&["report", "workbook"])].contains(&m(&["report", "records"])));
}

#[test]
fn the_checker_reads_super_in_an_inline_module_as_the_file_itself() {
    // `mod tests { use super::*; }` in lync/plan.rs uses plan, not lync: no edge back to lync.
    let files = tree(&[
        (&["lync"], "pub mod plan;\nfn f() { plan::run(); }"),
        (&["lync", "plan"], "pub fn run() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    fn t() { super::run(); }\n}\nfn g() { super::super::ual::x(); }"),
        (&["ual"], ""),
    ]);
    let g = files.graph();
    assert_eq!(find_cycle(&g), None, "{g:?}");
    assert_eq!(
        g[&m(&["lync", "plan"])],
        BTreeSet::from([m(&["ual"])]),
        "super:: outside the inline module still climbs from the file"
    );
}

#[test]
fn the_checker_finds_cycles_and_wrong_way_edges() {
    let mut g: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    g.entry(m(&["lync", "a"]))
        .or_default()
        .insert(m(&["lync", "b"]));
    g.entry(m(&["lync", "b"]))
        .or_default()
        .insert(m(&["lync", "c"]));
    g.entry(m(&["lync", "c"]))
        .or_default()
        .insert(m(&["lync", "a"]));
    assert_eq!(find_cycle(&g).map(|c| c.len()), Some(4));
    g.get_mut(&m(&["lync", "c"])).unwrap().clear();
    assert_eq!(find_cycle(&g), None);

    g.entry(m(&["lync", "c"]))
        .or_default()
        .insert(m(&["app", "cli"]));
    g.entry(m(&["ual", "x"]))
        .or_default()
        .insert(m(&["lync", "a"]));
    g.entry(m(&["app", "cli"]))
        .or_default()
        .insert(m(&["lync", "policy"]));
    g.entry(m(&["uc", "count"]))
        .or_default()
        .insert(m(&["m365", "online_user"]));
    let bad = layer_violations(&g);
    assert_eq!(bad.len(), 3, "{bad:?}");
    let (_, strings) = lex(r#"let x = "use --pools"; let c = '"'; let y = "a--b";"#);
    assert_eq!(strings, vec!["use --pools".to_string(), "a--b".to_string()]);
}
