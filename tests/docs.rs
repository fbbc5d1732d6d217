//! `docs/keymaps.md` lists every command and context with the keys of every shipped keymap
//! (its table is generated here; run with `UPDATE_DOCS=1` to rewrite it), and the user guide
//! mentions what the clerk sees and presses. Also: `tui` does not reach below `ops`.

use tallyman::tui::keymap::{build_builtin, Context, KeyCommand, BUILTIN};
use tallyman::tui::screens::{diagnostics, help, keymap_errors};
use tallyman::tui::text;

mod support;

const BEGIN: &str = "<!-- BEGIN GENERATED: cargo test --test docs (UPDATE_DOCS=1 rewrites) -->";
const END: &str = "<!-- END GENERATED -->";

fn table() -> String {
    let maps: Vec<_> = BUILTIN
        .iter()
        .map(|b| (b.name, build_builtin(b.name).expect("shipped keymap loads")))
        .collect();
    let mut s = String::new();
    s.push_str("| command | context |");
    for (name, _) in &maps {
        s.push_str(&format!(" {name} |"));
    }
    s.push_str(" what it does |\n|---|---|");
    for _ in &maps {
        s.push_str("---|");
    }
    s.push_str("---|\n");
    for cmd in KeyCommand::ALL {
        // Its own contexts, and contexts where a shipped keymap adds to a global command.
        let ctxs: Vec<Context> = Context::ALL
            .into_iter()
            .filter(|ctx| {
                cmd.home().contains(ctx)
                    || maps.iter().any(|(_, km)| {
                        cmd.allowed_in(*ctx)
                            && km.bindings(*ctx, *cmd) != km.bindings(Context::Global, *cmd)
                    })
            })
            .collect();
        for ctx in &ctxs {
            s.push_str(&format!("| `{}` | `[{}]` |", cmd.name(), ctx.name()));
            for (_, km) in &maps {
                let keys: Vec<String> = km
                    .bindings(*ctx, *cmd)
                    .iter()
                    .map(|b| format!("`{}`", b.trigger.name()))
                    .collect();
                s.push_str(&format!(" {} |", keys.join(" ")));
            }
            s.push_str(&format!(" {} |\n", help::words::command_help(*cmd)));
        }
    }
    s.push('\n');
    s.push_str("| context | scan field | what it is |\n|---|---|---|\n");
    for ctx in Context::ALL {
        s.push_str(&format!(
            "| `[{}]` | {} | {}: {} |\n",
            ctx.name(),
            if ctx.scan_bearing() { "yes" } else { "no" },
            text::context_title(ctx),
            help::words::context_intro(ctx)
        ));
    }
    s
}

#[test]
fn keymaps_doc_lists_every_command_and_context() {
    let path = "docs/keymaps.md";
    let doc = std::fs::read_to_string(path).unwrap();
    let start = doc.find(BEGIN).expect("begin marker") + BEGIN.len();
    let end = doc.find(END).expect("end marker");
    let current = doc[start..end].trim();
    let want = table();
    if current != want.trim() {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let new = format!("{}\n{}\n{}", &doc[..start], want, &doc[end..]);
            std::fs::write(path, new).unwrap();
        } else {
            panic!("{path} is out of date; run UPDATE_DOCS=1 cargo test --test docs\n{want}");
        }
    }
    for cmd in KeyCommand::ALL {
        assert!(doc.contains(&format!("`{}`", cmd.name())), "{cmd} missing");
    }
    for ctx in Context::ALL {
        assert!(
            doc.contains(&format!("`[{}]`", ctx.name())),
            "{ctx} missing"
        );
    }
    for b in BUILTIN {
        assert!(doc.contains(b.file), "{} missing", b.file);
    }
}

#[test]
fn user_guide_covers_menu_help_and_diagnostics() {
    let raw = std::fs::read_to_string("docs/tui.md").unwrap();
    // Prose is wrapped: compare with whitespace runs collapsed.
    let doc = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "9 Diagnostics",
        "0 Quit",
        "Screen too small",
        "TALLYMAN_KEYMAP",
        "--keymap-file",
        "--profile",
        "NO_COLOR",
        "/h",
        "GS",
        keymap_errors::words::KEYMAP_ERRORS_CONTINUE,
        diagnostics::words::DIAG_BYTES_NOTE,
    ] {
        assert!(
            doc.contains(needle),
            "docs/tui.md does not mention {needle:?}"
        );
    }
}

/// Every screen capture in `docs/tui.md` (a fenced block showing the clock, 14:05) is one of
/// the snapshots, exactly: the guide says its captures are real output.
#[test]
fn the_screen_guide_shows_real_screens() {
    support::screens::assert_guide_shows_real_screens("docs/tui.md", "", 5);
}
