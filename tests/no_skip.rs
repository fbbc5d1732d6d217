//! In CI no test skips: `.ci/run` runs `.ci/setup` (which installs and makes everything the
//! suite needs) and exports `TALLYMAN_REQUIRE_ALL`, under which the one skip of the suite,
//! `support::skipped`, fails the test with its reason instead. Checked here: the script says
//! so, the setup names every tool and account a test looks for, no test file skips any other
//! way, and `skipped` fails or passes by the variable.

mod support;

use std::process::Command;

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

#[test]
fn ci_run_sets_up_the_machine_and_requires_every_test_to_run() {
    let run = read(".ci/run");
    let lines: Vec<&str> = run.lines().collect();
    let at = |line: &str| {
        lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| panic!(".ci/run: expected the line {line:?} (not indented)"))
    };
    let test = at("cargo test");
    for line in [
        ".ci/setup",
        "export CI=true",
        &format!("export {}=1", support::REQUIRE_ALL),
    ] {
        assert!(
            at(line) < test,
            ".ci/run: {line:?} must come before \"cargo test\""
        );
    }
    let setup = read(".ci/setup");
    for needed in [
        "tmux",
        "/usr/sbin/sshd",
        "/usr/bin/setpriv",
        "/usr/bin/prlimit",
        "/usr/bin/python3",
        "tallyman-users",
        "tallyman-handheld",
        "useradd --system --user-group",
        "tmhh1 tmhh2",
        "tmhh3",
    ] {
        assert!(setup.contains(needed), ".ci/setup: expected {needed:?}");
    }
}

/// Every skip goes through `support::skipped`: no test file prints its own "skipped" and
/// returns, or asks for tmux or the CI variable itself.
#[test]
fn no_test_skips_but_through_the_one_function() {
    let mut wrong = Vec::new();
    for e in std::fs::read_dir("tests").unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "rs") || p.ends_with("no_skip.rs") {
            continue;
        }
        let text = read(p.to_str().unwrap());
        for (n, line) in text.lines().enumerate() {
            let l = line.to_lowercase();
            let own_skip =
                (l.contains("eprintln!") || l.contains("println!")) && l.contains("skip");
            let own_check = l.contains("tmux::available()")
                || l.contains("var_os(\"ci\")")
                || l.contains("var(\"ci\")")
                || l.contains("tallyman_require_sshd");
            if own_skip || own_check {
                wrong.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "skips not through support::skipped: {wrong:#?}"
    );
}

/// Run by the test below in a child process, with and without the variable.
#[test]
#[ignore = "run by skipped_fails_under_require_all_and_passes_without"]
fn skip_probe() {
    if support::skipped("the probe", Some("it lacks \"nothing\"".into())) {
        return;
    }
    unreachable!("a reason is a skip");
}

#[test]
fn skipped_fails_under_require_all_and_passes_without() {
    assert!(!support::skipped("a test", None), "no reason: it runs");
    let probe = |require: Option<&str>| {
        let mut c = Command::new(std::env::current_exe().unwrap());
        c.args(["--ignored", "--exact", "skip_probe", "--nocapture"])
            .env_remove(support::REQUIRE_ALL)
            .env_remove("TALLYMAN_REQUIRE_SSHD")
            .env_remove("CI");
        if let Some(var) = require {
            c.env(var, "1");
        }
        let o = c.output().unwrap();
        let text =
            String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
        (o.status.success(), text)
    };
    let (ok, text) = probe(None);
    assert!(ok, "{text}");
    assert!(
        text.contains("the probe skipped: it lacks \"nothing\""),
        "{text}"
    );
    for var in [support::REQUIRE_ALL, "TALLYMAN_REQUIRE_SSHD", "CI"] {
        let (ok, text) = probe(Some(var));
        assert!(!ok, "{var}: {text}");
        assert!(
            text.contains("the probe cannot run: it lacks \"nothing\""),
            "{var}: {text}"
        );
    }
}
