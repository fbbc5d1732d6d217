//! The layers of docs/architecture.md, checked over every path the code names (not only its
//! `use` lines): the front ends reach data only through the ops protocol, the domain does no
//! I/O, and the test support is not part of the release library.

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

#[test]
fn the_command_line_reaches_data_only_through_the_protocol() {
    let found = offences("src/cli", &[], BELOW_OPS);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_screens_reach_data_only_through_the_protocol() {
    // tui/testing.rs is test support (feature `testing`): it builds a runner over a service.
    let found = offences("src/tui", &["tui/testing.rs"], BELOW_OPS);
    assert!(found.is_empty(), "{found:#?}");
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
