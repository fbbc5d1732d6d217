//! The keymap rules over every shipped file (and the broken fixtures in
//! `tests/fixtures/keymaps/`, each naming the message it must fail with).

use std::collections::BTreeMap;
use std::path::PathBuf;

use tallyman::tui::keymap::{
    build_builtin, load, Context, KeyCommand, Keymap, KeymapRequest, Trigger, BUILTIN,
};

fn shipped() -> Vec<(&'static str, Keymap)> {
    BUILTIN
        .iter()
        .map(|b| {
            let km = build_builtin(b.name)
                .unwrap_or_else(|e| panic!("{} does not load: {e:#?}", b.file));
            (b.name, km)
        })
        .collect()
}

#[test]
fn every_shipped_keymap_loads_and_passes_the_checks() {
    for (name, km) in shipped() {
        let errors = km.check();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert!(!km.description().is_empty(), "{name} has no description");
    }
    // The files on disk are the ones embedded.
    for b in BUILTIN {
        let on_disk = std::fs::read_to_string(b.file).unwrap();
        assert_eq!(on_disk, b.source, "{}", b.file);
    }
}

#[test]
fn no_bare_printable_key_where_a_scan_can_arrive() {
    for (name, km) in shipped() {
        for ctx in Context::ALL.into_iter().filter(|c| c.scan_bearing()) {
            for cmd in KeyCommand::ALL {
                for b in km.bindings(ctx, *cmd) {
                    if let Trigger::Key(k) = &b.trigger {
                        assert!(
                            k.printable().is_none(),
                            "{name}: [{ctx}] {cmd} = {} ({}:{})",
                            k.name(),
                            b.origin.file,
                            b.origin.line
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn back_or_quit_and_help_are_reachable_everywhere_without_function_keys() {
    for (name, km) in shipped() {
        for ctx in Context::screens() {
            let reliable =
                |c: KeyCommand| km.bindings(ctx, c).iter().any(|b| b.trigger.is_reliable());
            assert!(
                reliable(KeyCommand::Back) || reliable(KeyCommand::Quit),
                "{name}: no way back in [{ctx}]"
            );
            assert!(reliable(KeyCommand::Help), "{name}: no help in [{ctx}]");
            // Every command bound here has a path without function keys, Esc, Ctrl or Alt.
            for cmd in km.commands(ctx) {
                assert!(reliable(cmd), "{name}: [{ctx}] {cmd} needs a function key");
            }
        }
    }
}

#[test]
fn no_conflicts_and_no_flow_control_keys() {
    for (name, km) in shipped() {
        for ctx in Context::screens() {
            let mut seen: BTreeMap<String, KeyCommand> = BTreeMap::new();
            for cmd in KeyCommand::ALL {
                for b in km.bindings(ctx, *cmd) {
                    let key = b.trigger.name().to_ascii_lowercase();
                    if let Some(other) = seen.insert(key.clone(), *cmd) {
                        assert_eq!(other, *cmd, "{name}: [{ctx}] {key} is {other} and {cmd}");
                    }
                    if let Trigger::Key(k) = &b.trigger {
                        assert!(!k.is_flow_control(), "{name}: {key}");
                        assert!(k.separator_byte().is_none(), "{name}: {key}");
                    }
                }
            }
        }
    }
}

#[test]
fn default_binds_every_command_in_every_context_it_belongs_to() {
    let km = build_builtin("default").unwrap();
    for cmd in KeyCommand::ALL {
        for ctx in cmd.home() {
            assert!(
                !km.bindings(*ctx, *cmd).is_empty(),
                "default.toml does not bind {cmd} in [{ctx}]"
            );
        }
    }
}

#[test]
fn vt220_keymap_has_no_esc_and_no_f5() {
    let km = build_builtin("vt220").unwrap();
    for ctx in Context::screens() {
        for cmd in KeyCommand::ALL {
            for b in km.bindings(ctx, *cmd) {
                let n = b.trigger.name();
                assert!(n != "<esc>" && n != "<f5>", "vt220: [{ctx}] {cmd} = {n}");
            }
        }
    }
    assert_eq!(
        km.hint(Context::Menu, KeyCommand::Help).as_deref(),
        Some("?")
    );
    assert_eq!(
        km.hint(Context::Count, KeyCommand::Help).as_deref(),
        Some("PF1")
    );
}

#[test]
fn broken_fixtures_fail_with_their_message() {
    let dir = PathBuf::from("tests/fixtures/keymaps");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let src = std::fs::read_to_string(&path).unwrap();
        let expect = src
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} lacks an `# expect:` line", path.display()))
            .to_string();
        let req = KeymapRequest {
            site_file: Some(PathBuf::from("site.toml")),
            ..Default::default()
        };
        let loaded = load(&req, |_| Ok(src.clone()));
        let all: Vec<String> = loaded.errors.iter().map(|e| e.to_string()).collect();
        assert!(
            all.iter().any(|e| e.contains(&expect)),
            "{}: expected {expect:?} in {all:#?}",
            path.display()
        );
        assert!(
            loaded
                .errors
                .iter()
                .all(|e| e.file == "site.toml" || e.file.starts_with("keymaps/")),
            "{all:#?}"
        );
        assert_eq!(loaded.keymap.name(), "default", "{}", path.display());
        n += 1;
    }
    assert!(n >= 10, "only {n} fixtures");
}
