//! The layers of docs/architecture.md, checked over every path the code names (not only its
//! `use` lines): the front ends reach data only through the ops protocol, the domain does no
//! I/O, a screen changes only its own data, and the test support is not part of the release
//! library.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comments, string and char literals (so words in messages and
/// docs do not count, and names in code do however they are written).
fn code_of(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            // The char literal '"' opens no string.
            '\'' if chars.peek() == Some(&'"') => {
                chars.next();
                out.push_str("'\"");
            }
            c => out.push(c),
        }
    }
    out
}

/// Every (file, line) of `dir` whose code matches one of `patterns`.
fn offences(dir: &str, skip: &[&str], patterns: &[&str]) -> Vec<String> {
    let res: Vec<regex_lite::Regex> = patterns
        .iter()
        .map(|p| regex_lite::Regex::new(p).unwrap())
        .collect();
    let mut files = Vec::new();
    rust_files(Path::new(dir), &mut files);
    let mut found = Vec::new();
    for f in files {
        if skip.iter().any(|s| f.ends_with(s)) {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for (n, line) in code.lines().enumerate() {
            for re in &res {
                if re.is_match(line) {
                    found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

/// What a front end may not name: the store, the journal, sled, or the service itself
/// (whose `store()` would be a way around the protocol).
const BELOW_OPS: &[&str] = &[
    r"\bstore::",
    r"\bjournal::",
    r"\bsled\b",
    r"\bService\b",
    r"\.store\(\)",
    r"\bStoreError\b",
    r"\bJournalError\b",
    r"\bStoredDocument\b",
    r"\bStoredUnit\b",
];

/// The modules of the house (`src/ops/local/`): a front end names none of them, however the
/// path is written (`ops::local::x`, `use crate::ops::{maintenance::x}`, `opening::x` after a
/// `use`). `count` and `warranty` are also front-end module names, so only `ops::` paths of
/// them count (with `reconcile`, which the house alone has).
const HOUSE: &[&str] = &[
    r"\bops::local\b",
    r"(^|[^:\w])(local|authorize|commit|door|draft|errors|maintenance|opening|parts|queries|resolve|users)::",
    r"\bops::(api::)?(count|warranty|reconcile|maintenance|opening|draft|commit|parts|queries|resolve|users)\b",
    r"\bops::\{[^}]*\b(count|warranty|reconcile)::",
    r"\bfor_bulk_writes\b",
];

/// What the face (`src/ops/api/`) may not name: the store, the journal, or the house.
const BELOW_API: &[&str] = &[
    r"\bstore\b",
    r"\bjournal\b",
    r"\blocal\b",
    r"\bsled\b",
    r"\bService\b",
    r"\bStoreError\b",
    r"\bJournalError\b",
    r"\bsuper::super\b",
];

fn front_end_rules() -> Vec<&'static str> {
    BELOW_OPS.iter().chain(HOUSE).copied().collect()
}

#[test]
fn the_command_line_reaches_data_only_through_the_protocol() {
    let found = offences("src/cli", &[], &front_end_rules());
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_screens_reach_data_only_through_the_protocol() {
    // tui/testing.rs is test support (feature `testing`): it builds a runner over a service.
    let found = offences("src/tui", &["tui/testing.rs"], &front_end_rules());
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_face_of_ops_names_neither_the_store_nor_the_journal_nor_the_house() {
    let found = offences("src/ops/api", &[], BELOW_API);
    assert!(found.is_empty(), "{found:#?}");
}

/// Whether any of `patterns` matches the code of `line`.
fn caught(patterns: &[&str], line: &str) -> bool {
    let code = code_of(line);
    patterns
        .iter()
        .any(|p| regex_lite::Regex::new(p).unwrap().is_match(&code))
}

#[test]
fn the_forbidden_lists_catch_what_they_name_and_spare_the_rest() {
    // Every way of naming the house is caught in a front end...
    let front = front_end_rules();
    for planted in [
        "use crate::ops::local::Service;",
        "use crate::ops::{Ops, maintenance::CheckReport};",
        "use crate::ops::{reconcile::suggestions, Ops};",
        "let s = crate::ops::warranty::WarrantyView::default();",
        "crate::ops::opening::not_a_database(dir)",
        "let r = maintenance::check(db, &a, &stop)?;",
        "    draft::Draft::new(store, ctx)",
        "crate::ops::Local::for_bulk_writes();",
        "let (svc, _) = Service::open(dir)?;",
        "use crate::store::Store;",
    ] {
        assert!(caught(&front, planted), "not caught: {planted}");
    }
    // ...and the front ends' own modules and the domain's are not.
    for spared in [
        "Cmd::Warranty(w) => warranty::run(&*ops, w, json),",
        "count::run(&*ops, c, json)",
        "use crate::domain::warranty::Status;",
        "use crate::ops::{suggestions, Mismatches, Ops, WarrantyView};",
        "let t = chrono::Local::now();",
        "// ops::local::Service in a comment",
    ] {
        assert!(!caught(&front, spared), "caught: {spared}");
    }
    // The face names neither the store, the journal nor the house.
    for planted in [
        "impl From<crate::store::StoreError> for OpsError {",
        "use crate::journal::EntryHash;",
        "use crate::ops::local::Service;",
        "use super::super::local::draft;",
    ] {
        assert!(caught(BELOW_API, planted), "not caught: {planted}");
    }
    assert!(!caught(
        BELOW_API,
        "pub const JOURNAL_FILE: &str = \"journal.tlj\";"
    ));
}

/// What a screen's folder may not name: the whole application state to change. A screen
/// changes its own data (lent by the registry, `screens/mod.rs`) and the shared parts through
/// `nav::Ctx`; views may read `&AppState`.
const WHOLE_STATE_MUT: &[&str] = &[r"&\s*('\w+\s+)?mut\s+(\w+::)*AppState\b"];

#[test]
fn a_screen_changes_only_its_own_data() {
    // The registry is the one place that lends a screen its part of the state.
    let found = offences("src/tui/screens", &["tui/screens/mod.rs"], WHOLE_STATE_MUT);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_whole_state_rule_catches_what_it_names_and_spares_the_rest() {
    for planted in [
        "fn scan(&self, state: &mut AppState, value: String) -> Vec<Effect> {",
        "pub(crate) fn open(state: &mut crate::tui::app::AppState) -> Vec<Effect> {",
        "fn f<'a>(s: &'a mut AppState) {}",
        "let s: &mut  AppState = app;",
    ] {
        assert!(caught(WHOLE_STATE_MUT, planted), "not caught: {planted}");
    }
    for spared in [
        "fn render(&self, state: &AppState, screen: &Screen, frame: &mut Frame, body: Rect) {",
        "fn scan(&self, screen: &mut Screen, ctx: &mut Ctx, value: String) -> Vec<Effect> {",
        "// a hook once took &mut AppState",
        "let s: &mut AppStateView = v;",
    ] {
        assert!(!caught(WHOLE_STATE_MUT, spared), "caught: {spared}");
    }
    // The registry is skipped by its path in the screens' folder, not by its file name.
    let registry = Path::new("src/tui/screens/mod.rs");
    let folder = Path::new("src/tui/screens/lookup/mod.rs");
    assert!(registry.ends_with("tui/screens/mod.rs"));
    assert!(!folder.ends_with("tui/screens/mod.rs"));
}

#[test]
fn the_domain_does_no_io_and_imports_nothing_of_ours_above_it() {
    let found = offences(
        "src/domain",
        &[],
        &[
            r"\bstd::(fs|io|net|process|env|thread)\b",
            r"\b(SystemTime|Instant)\b",
            r"\b(Local|Utc)::now\b",
            r"\b(e?println|e?print|dbg)!",
            r"\b(ratatui|crossterm|sled)\b",
            r"\bcrate::(ops|store|journal|cli|tui|server|sites|config|identity)\b",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_check_itself_finds_what_it_looks_for() {
    // A test that cannot fail is a defect: the scanner sees a path in code, and not in a
    // comment or a message.
    let code = code_of("let q = '\"'; let s = svc.store().unit(); // store::x\nlet m = \"sled\";");
    let re = regex_lite::Regex::new(r"\.store\(\)").unwrap();
    assert!(re.is_match(&code));
    assert!(!code.contains("store::x"));
    assert!(!code.contains("sled"));
}

#[test]
fn test_support_is_not_in_the_release_library() {
    let tui = std::fs::read_to_string("src/tui/mod.rs").unwrap();
    let gated = tui.lines().collect::<Vec<_>>().windows(2).any(|w| {
        w[0].trim() == "#[cfg(any(test, feature = \"testing\"))]"
            && w[1].trim() == "pub mod testing;"
    });
    assert!(
        gated,
        "src/tui/mod.rs must gate `pub mod testing` on the testing feature"
    );
    let manifest: toml::Table = std::fs::read_to_string("Cargo.toml")
        .unwrap()
        .parse()
        .unwrap();
    let default = manifest
        .get("features")
        .and_then(|f| f.get("default"))
        .and_then(|d| d.as_array())
        .cloned()
        .unwrap_or_default();
    assert!(
        !default.iter().any(|f| f.as_str() == Some("testing")),
        "the testing feature must not be a default feature"
    );
}
