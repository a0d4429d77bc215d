//! No import circles: the core's top-level modules (`analysis`, `dialect`, `lint`, `model`, ...)
//! and the web shell's files each form a graph without cycles, so every layer can be read,
//! tested and changed with only what is below it in mind.
//!
//! The graph is read from the sources: `crate::x`, `$crate::x` and `super::` paths (in `use`
//! lines, groups included, and in code), comment lines left out. A name the crate root or
//! `web/mod.rs` re-exports counts as the module it comes from.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::path::Path;

/// Circles that exist today and that only a change elsewhere can break, each as the set of
/// modules it runs through. Empty: keep it so.
const ALLOWED_CORE_CIRCLES: &[&[&str]] = &[];

#[test]
fn the_core_modules_import_no_circle() {
    let sources = read_sources();
    let graph = core_graph(&sources);
    // A parser that read nothing would find no circle either.
    assert!(graph.nodes.len() >= 12, "too few modules read: {:?}", graph.nodes);
    for (from, to) in [("analysis", "dialect"), ("dialect", "model"), ("lint", "rule")] {
        assert!(graph.edges.contains_key(&(from.into(), to.into())), "no edge {from} → {to}");
    }
    let circles: Vec<String> = graph
        .circles()
        .into_iter()
        .filter(|(members, _)| {
            !ALLOWED_CORE_CIRCLES.iter().any(|allowed| {
                allowed.iter().copied().collect::<BTreeSet<_>>()
                    == members.iter().map(String::as_str).collect()
            })
        })
        .map(|(members, circle)| format!("{members:?}, for example {circle}"))
        .collect();
    assert!(circles.is_empty(), "import circles among core modules:\n{}", circles.join("\n"));
}

#[test]
fn the_web_shell_imports_no_circle() {
    let sources = read_sources();
    let graph = web_graph(&sources);
    assert!(graph.nodes.len() >= 10, "too few web files read: {:?}", graph.nodes);
    assert!(graph.edges.contains_key(&("app".into(), "gallery".into())), "no edge app → gallery");
    let circles: Vec<String> = graph
        .circles()
        .into_iter()
        .map(|(members, circle)| format!("{members:?}, for example {circle}"))
        .collect();
    assert!(circles.is_empty(), "import circles in src/web/:\n{}", circles.join("\n"));
}

#[test]
fn a_circle_is_found_and_named() {
    let source = |path: &str, text: &str| Source::new(path, text.to_string());
    let sources = vec![
        source("lib.rs", "pub mod a;\npub mod b;\npub mod c;\npub mod d;\npub use c::Thing;\n"),
        source("a.rs", "use crate::{b::X, d};\n// use crate::c::Y; is a comment\n"),
        source("b/mod.rs", "pub mod inner;\n"),
        source("b/inner.rs", "fn f() { let _ = super::super::Thing::new(); }\n"),
        source("c.rs", "fn g() { $crate::a::run(); }\n"),
        source("d.rs", "use super::c;\n"),
    ];
    let graph = core_graph(&sources);
    let circles = graph.circles();
    let members: Vec<&BTreeSet<String>> = circles.iter().map(|(m, _)| m).collect();
    let expected: BTreeSet<String> = ["a", "b", "c", "d"].map(String::from).into();
    assert_eq!(members, [&expected], "{circles:?}");
    assert_eq!(
        circles[0].1, "a → b (src/a.rs) → c (src/b/inner.rs) → a (src/c.rs)",
        "the shortest circle through the first module, with the file behind each step"
    );
}

/// One source file: its module path inside the crate and its text without comment lines.
struct Source {
    path: String,
    module: Vec<String>,
    code: String,
}

impl Source {
    /// `path` is relative to `src/`.
    fn new(path: &str, text: String) -> Source {
        let mut module: Vec<String> =
            path.trim_end_matches(".rs").split('/').map(String::from).collect();
        if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
            module.pop();
        }
        let code = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        Source { path: format!("src/{path}"), module, code }
    }
}

fn read_sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative =
                    path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
                out.push(Source::new(&relative, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Modules as nodes; an edge `(from, to)` keeps the first file (in path order) that makes it.
#[derive(Debug, Default)]
struct Graph {
    nodes: BTreeSet<String>,
    edges: BTreeMap<(String, String), String>,
}

/// The top-level modules `lib.rs` declares, except the web shell; `main.rs` and `cli/` belong to
/// the binary and are not read.
fn core_graph(sources: &[Source]) -> Graph {
    let root = sources.iter().find(|s| s.module.is_empty()).expect("lib.rs");
    let modules: BTreeSet<String> =
        declared_modules(&root.code).into_iter().filter(|m| m != "web").collect();
    let reexports = reexports(&root.code);
    let mut graph = Graph { nodes: modules.clone(), ..Graph::default() };
    for source in sources.iter().filter(|s| s.module.first().is_some_and(|m| modules.contains(m))) {
        for path in referenced_paths(&source.module, &source.code) {
            let Some(first) = path.first() else { continue };
            let target = if modules.contains(first) { Some(first) } else { reexports.get(first) };
            if let Some(target) = target {
                graph.add(&source.module[0], target, &source.path);
            }
        }
    }
    graph
}

/// The files of `src/web/` (each a module) except `mod.rs`, which only declares and re-exports.
fn web_graph(sources: &[Source]) -> Graph {
    let parent = sources.iter().find(|s| s.module == ["web"]).expect("src/web/mod.rs");
    let modules = declared_modules(&parent.code);
    let reexports = reexports(&parent.code);
    let mut graph = Graph { nodes: modules.clone(), ..Graph::default() };
    for source in sources.iter().filter(|s| s.module.len() == 2 && s.module[0] == "web") {
        for path in referenced_paths(&source.module, &source.code) {
            let (Some(web), Some(second)) = (path.first(), path.get(1)) else { continue };
            if web != "web" {
                continue;
            }
            let target =
                if modules.contains(second) { Some(second) } else { reexports.get(second) };
            if let Some(target) = target {
                graph.add(&source.module[1], target, &source.path);
            }
        }
    }
    graph
}

impl Graph {
    fn add(&mut self, from: &str, to: &str, file: &str) {
        if from != to {
            self.nodes.insert(to.to_string());
            self.edges
                .entry((from.to_string(), to.to_string()))
                .or_insert_with(|| file.to_string());
        }
    }

    fn successors(&self, node: &str) -> impl Iterator<Item = &String> {
        self.edges.keys().filter(move |(from, _)| from == node).map(|(_, to)| to)
    }

    /// Every strongly connected component of more than one module, with its shortest circle
    /// through its first module, written `a → b (file) → a (file)`: each step names the file
    /// that makes it.
    fn circles(&self) -> Vec<(BTreeSet<String>, String)> {
        let mut out = Vec::new();
        for component in self.components() {
            if component.len() < 2 {
                continue;
            }
            let start = component.iter().next().unwrap().clone();
            let mut previous: BTreeMap<&String, &String> = BTreeMap::new();
            let mut queue = VecDeque::from([&start]);
            let mut closing = None;
            while let Some(node) = queue.pop_front() {
                for next in self.successors(node).filter(|n| component.contains(*n)) {
                    if *next == start {
                        closing = Some(node);
                        break;
                    }
                    if !previous.contains_key(next) {
                        previous.insert(next, node);
                        queue.push_back(next);
                    }
                }
                if closing.is_some() {
                    break;
                }
            }
            // Walk back from the module that closes the circle, then read it forwards.
            let mut path = vec![&start];
            let mut node = closing.expect("a component of two or more has a circle");
            while *node != start {
                path.push(node);
                node = previous[node];
            }
            path[1..].reverse();
            path.push(&start);
            let mut description = start.clone();
            for step in path.windows(2) {
                let file = &self.edges[&(step[0].clone(), step[1].clone())];
                description.push_str(&format!(" → {} ({file})", step[1]));
            }
            out.push((component, description));
        }
        out
    }

    /// Strongly connected components (Tarjan), each as a set of modules.
    fn components(&self) -> Vec<BTreeSet<String>> {
        struct State<'g> {
            graph: &'g Graph,
            index: BTreeMap<&'g String, usize>,
            low: BTreeMap<&'g String, usize>,
            stack: Vec<&'g String>,
            on_stack: BTreeSet<&'g String>,
            out: Vec<BTreeSet<String>>,
        }
        fn visit<'g>(s: &mut State<'g>, node: &'g String) {
            let i = s.index.len();
            s.index.insert(node, i);
            s.low.insert(node, i);
            s.stack.push(node);
            s.on_stack.insert(node);
            for next in s.graph.successors(node) {
                if !s.index.contains_key(next) {
                    visit(s, next);
                    let low = s.low[node].min(s.low[next]);
                    s.low.insert(node, low);
                } else if s.on_stack.contains(next) {
                    let low = s.low[node].min(s.index[next]);
                    s.low.insert(node, low);
                }
            }
            if s.low[node] == s.index[node] {
                let mut component = BTreeSet::new();
                while let Some(top) = s.stack.pop() {
                    s.on_stack.remove(top);
                    component.insert(top.clone());
                    if top == node {
                        break;
                    }
                }
                s.out.push(component);
            }
        }
        let mut state = State {
            graph: self,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            out: Vec::new(),
        };
        for node in &self.nodes {
            if !state.index.contains_key(node) {
                visit(&mut state, node);
            }
        }
        state.out.sort();
        state.out
    }
}

/// `mod x;` and `pub mod x;` lines.
fn declared_modules(code: &str) -> BTreeSet<String> {
    code.lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("pub ").unwrap_or(line.trim());
            line.strip_prefix("mod ")?.strip_suffix(';').map(str::to_string)
        })
        .collect()
}

/// `pub use m::{A, b::C};` → A and C come from `m`.
fn reexports(code: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for statement in code.split(';') {
        let Some(tree) = statement.trim().strip_prefix("pub use ") else { continue };
        for path in use_tree(tree) {
            if let (Some(first), Some(last)) = (path.first(), path.last()) {
                out.insert(last.clone(), first.clone());
            }
        }
    }
    out
}

/// Every absolute module path that `code` names through `crate::`, `$crate::` or `super::`.
fn referenced_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::").into_iter().chain(rest.find("super::")).min() {
        let before = rest[..at].chars().next_back();
        let starts_word = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let mut tail = &rest[at..];
        let base: Vec<String> = if let Some(after) = tail.strip_prefix("crate::") {
            tail = after;
            Vec::new()
        } else {
            let mut up = 0;
            while let Some(after) = tail.strip_prefix("super::") {
                tail = after;
                up += 1;
            }
            module[..module.len().saturating_sub(up)].to_vec()
        };
        if starts_word {
            let paths = use_tree(tail);
            if paths.is_empty() {
                out.push(base.clone());
            }
            for path in paths {
                out.push(base.iter().cloned().chain(path).collect());
            }
        }
        rest = &rest[rest.len() - tail.len()..];
    }
    out
}

/// The paths a use tree (or the path at the start of an expression) names: `a::{b, c::d}` gives
/// `a::b` and `a::c::d`. Stops at the first character that cannot continue a path.
fn use_tree(text: &str) -> Vec<Vec<String>> {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut items = Vec::new();
        let mut item_start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    items.push(&group[item_start..i]);
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    items.push(&group[item_start..i]);
                    item_start = i + 1;
                }
                _ => {}
            }
        }
        return items.into_iter().flat_map(use_tree).collect();
    }
    let ident: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    if ident.is_empty() || ident == "self" {
        return Vec::new();
    }
    match text[ident.len()..].strip_prefix("::") {
        Some(rest) => {
            let inner = use_tree(rest);
            if inner.is_empty() {
                return vec![vec![ident]];
            }
            inner
                .into_iter()
                .map(|path| std::iter::once(ident.clone()).chain(path).collect())
                .collect()
        }
        None => vec![vec![ident]],
    }
}
