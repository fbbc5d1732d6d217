//! The rules the command line and the screens share give the same answer from both, on the
//! demo database: a count session's lines (a quantity that is none, a quantity of 0, a
//! command barcode while a quantity is asked), the lookup of a serial nobody has, and which
//! counts are active. The command line runs as the real binary; the screens through `update`
//! with the real `OpsRunner` over the same database afterwards.
mod support;

use std::sync::Arc;

use support::cli::Cli;
use tallyman::ops::local::Service;
use tallyman::tui::testing::{TestApp, TestSetup};

/// The demo database (its count 1 covers WH3/A, where BAT-AA is counted by quantity).
fn demo() -> Cli {
    Cli::with_demo(200)
}

/// The answer lines of `count scan 1 --location WH3/A/01` fed `lines`.
fn cli_scan(cli: &Cli, lines: &[&str]) -> Vec<String> {
    let input: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let out = cli.run_in(
        &cli.db,
        &["count", "scan", "1", "--location", "WH3/A/01"],
        input.as_bytes(),
    );
    support::cli::stdout(&out)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The screens over the same database, at the menu, acting as the demo's counter.
fn screens(cli: &Cli) -> (Arc<Service>, TestApp) {
    let (svc, _) = Service::open(&cli.db).expect("the demo database opens");
    let svc = Arc::new(svc);
    let app = TestSetup::new(80, 24, tallyman::tui::Profile::Vt)
        .build()
        .with_service(svc.clone());
    (svc, app)
}

/// Joins count 1 on the screen, at WH3/A/01.
const JOIN_AT_WH3_A_01: &str = "11WH3/A/01<enter>";

/// The refusal words of a CLI answer line `error bad scan: WORDS; the next line is ...`.
fn refusal_of(line: &str) -> &str {
    let words = line
        .strip_prefix("error ")
        .unwrap_or_else(|| panic!("not an error line: {line}"));
    let words = words.strip_prefix("bad scan: ").unwrap_or(words);
    words
        .split_once("; the next line is the quantity")
        .map_or(words, |(w, _)| w)
}

#[test]
fn a_line_that_is_no_quantity_is_refused_in_the_same_words() {
    let cli = demo();
    let said = cli_scan(&cli, &["BAT-AA", "lots"]);
    assert!(said[0].starts_with("qty? BAT-AA"), "{said:?}");
    let cli_words = refusal_of(&said[1]).to_string();
    assert!(cli_words.contains("\"lots\""), "{cli_words}");
    let (_svc, mut app) = screens(&cli);
    app.keys(&format!("{JOIN_AT_WH3_A_01}BAT-AA<enter>lots<enter>"));
    assert!(app.state.has_error(), "{}", app.render());
    assert_eq!(app.status(), Some(cli_words.as_str()), "{}", app.render());
}

#[test]
fn a_quantity_of_zero_is_refused_in_the_same_words() {
    let cli = demo();
    let said = cli_scan(&cli, &["BAT-AA", "0"]);
    let cli_words = refusal_of(&said[1]).to_string();
    assert!(cli_words.contains("found \"0\""), "{cli_words}");
    let (_svc, mut app) = screens(&cli);
    app.keys(&format!("{JOIN_AT_WH3_A_01}BAT-AA<enter>0<enter>"));
    assert!(app.state.has_error(), "{}", app.render());
    assert_eq!(app.status(), Some(cli_words.as_str()), "{}", app.render());
}

#[test]
fn a_command_barcode_while_a_quantity_is_asked_is_the_command_on_both() {
    let cli = demo();
    // The question ends and the count's scan loop ends with it.
    let said = cli_scan(&cli, &["BAT-AA", "#TM:FINISH", "RT90000001"]);
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(said[1], "finish count 1", "{said:?}");
    let (_svc, mut app) = screens(&cli);
    app.keys(&format!("{JOIN_AT_WH3_A_01}BAT-AA<enter>#TM:FINISH<enter>"));
    assert!(!app.state.has_error(), "{}", app.render());
    assert!(
        !app.render().contains("Qty:") && !app.render().contains("Scan loop"),
        "the question and the scan loop are left:\n{}",
        app.render()
    );
}

#[test]
fn a_serial_nobody_has_is_unknown_in_the_same_words() {
    let cli = demo();
    let (code, err) = cli.exits(1, &["lookup", "NOSUCH-1"]);
    assert!(code.is_empty(), "{code}");
    let cli_words = err.trim().trim_start_matches("tallyman: ").to_string();
    assert!(cli_words.contains("\"NOSUCH-1\""), "{cli_words}");
    let (_svc, mut app) = screens(&cli);
    app.keys("3NOSUCH-1<enter>");
    assert!(
        app.render().contains(&cli_words),
        "{cli_words}\n{}",
        app.render()
    );
}

#[test]
fn the_active_counts_are_the_same_on_both() {
    let cli = demo();
    // Count 1 is open; 2 goes to review, 3 is cancelled, 4 stays open.
    for name in ["second", "third", "fourth"] {
        cli.ok(&["count", "open", "--location", "WH3/A", name]);
    }
    cli.ok(&["count", "close", "2"]);
    cli.ok(&["count", "cancel", "3"]);
    let listed: Vec<String> = cli
        .json(&["count", "list"])
        .as_array()
        .expect("a list")
        .iter()
        .map(|c| c["id"].to_string())
        .collect();
    assert_eq!(listed, ["1", "2", "4"]);
    let (_svc, mut app) = screens(&cli);
    app.keys("1");
    let shown = app.words();
    for name in ["second", "fourth"] {
        assert!(shown.contains(name), "{name} missing:\n{}", app.render());
    }
    assert!(!shown.contains("third"), "{}", app.render());
}

/// A serial's lookup is one request: the service's one answer says whether counters found
/// the serial when no unit has it, so no front end asks a second question.
#[test]
fn no_front_end_asks_twice_for_a_lookup() {
    for dir in ["src/cli", "src/tui"] {
        for file in rust_files(std::path::Path::new(dir)) {
            let code = std::fs::read_to_string(&file).unwrap();
            assert!(
                !code.contains("SerialScans") && !code.contains("serial_scans("),
                "{} asks for a serial's scans apart from its lookup",
                file.display()
            );
        }
    }
}

/// Which counts are active is said once, by the service: no front end writes it.
#[test]
fn no_front_end_says_which_counts_are_active() {
    for dir in ["src/cli", "src/tui"] {
        for file in rust_files(std::path::Path::new(dir)) {
            let code = std::fs::read_to_string(&file).unwrap();
            assert!(
                !code
                    .replace(char::is_whitespace, "")
                    .contains("Open|CountStatus::Review"),
                "{} filters the active counts itself",
                file.display()
            );
        }
    }
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}
