//! Keymaps as data: contexts, bindable commands, strict TOML parsing with every error collected
//! (file and line), layering (`extends`), the rules every keymap must pass, and the choice of
//! keymap (`--keymap`, `TALLYMAN_KEYMAP`, config, TERM, default).
//!
//! A keymap file has optional top-level `extends` and `description`, an optional `[labels]`
//! table (what the device's keys are called, e.g. `"<f1>" = "PF1"`), and one table per context
//! mapping command names to lists of triggers. A trigger is a key name (`"<f1>"`, `"?"`) or a
//! typed code (`"/h"`: typed, then ended with Enter). A context's list is added to the
//! `[global]` list of the same command; a layer's list replaces the lower layer's list for
//! that context and command (`[]` removes it).

//!
//! The parts: `commands` (contexts, bindable commands, triggers), `file` (one keymap file
//! read strictly into a layer), `rules` (what no keymap may bind), `choice` (the shipped
//! keymaps, layering with `extends`, and which keymap a session gets); here the resolved
//! keymap itself.

mod choice;
mod commands;
mod file;
mod rules;

pub use choice::*;
pub use commands::{Context, KeyCommand, Trigger};

use std::collections::BTreeMap;
use std::fmt;

use super::keys::KeyPress;
use file::parse_layer;
use rules::{forbidden, reserved_for_scan_field};

/// Where a binding was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// File label (`keymaps/vt220.toml` or a site file path).
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

/// One trigger of one command, with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// The trigger.
    pub trigger: Trigger,
    /// Where it was written.
    pub origin: Origin,
}

/// A problem in a keymap file, or a rule the merged keymap breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeymapError {
    /// File label.
    pub file: String,
    /// 1-based line, when one line is to blame.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.file, l, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// A loaded keymap: per-context bindings, key labels, and the name it goes by.
#[derive(Clone, Debug, Default)]
pub struct Keymap {
    name: String,
    description: String,
    sections: BTreeMap<Context, BTreeMap<KeyCommand, Vec<Binding>>>,
    labels: BTreeMap<KeyPress, String>,
    files: Vec<String>,
}

impl Keymap {
    /// The keymap's name (`vt220`, or `vt220+site` with a site file).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The description from the file.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The files this keymap was built from, lowest layer first.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The bindings effective for a command in a context: the context's own, then global's.
    pub fn bindings(&self, ctx: Context, cmd: KeyCommand) -> Vec<&Binding> {
        let own = self.sections.get(&ctx).and_then(|s| s.get(&cmd));
        let global = if ctx == Context::Global {
            None
        } else {
            self.sections
                .get(&Context::Global)
                .and_then(|s| s.get(&cmd))
        };
        let mut out: Vec<&Binding> = Vec::new();
        // A set, not a scan of `out`: a list of many keys stays linear.
        let mut seen = std::collections::BTreeSet::new();
        for b in own
            .into_iter()
            .flatten()
            .chain(global.into_iter().flatten())
        {
            if seen.insert(&b.trigger) {
                out.push(b);
            }
        }
        out
    }

    /// Commands with at least one binding effective in `ctx`, in documentation order.
    pub fn commands(&self, ctx: Context) -> Vec<KeyCommand> {
        KeyCommand::ALL
            .iter()
            .copied()
            .filter(|c| !self.bindings(ctx, *c).is_empty())
            .collect()
    }

    /// The command a key means in a context.
    pub fn command_for_key(&self, ctx: Context, key: &KeyPress) -> Option<KeyCommand> {
        let want = Trigger::Key(*key);
        self.find(ctx, |t| *t == want)
    }

    /// The command a typed code means in a context (case-insensitive).
    pub fn command_for_code(&self, ctx: Context, code: &str) -> Option<KeyCommand> {
        let code = code.trim();
        self.find(
            ctx,
            |t| matches!(t, Trigger::Code(c) if c.eq_ignore_ascii_case(code)),
        )
    }

    fn find(&self, ctx: Context, pred: impl Fn(&Trigger) -> bool) -> Option<KeyCommand> {
        let mut layers = vec![ctx];
        if ctx != Context::Global {
            layers.push(Context::Global);
        }
        for c in layers {
            if let Some(section) = self.sections.get(&c) {
                for (cmd, bindings) in section {
                    if bindings.iter().any(|b| pred(&b.trigger)) {
                        return Some(*cmd);
                    }
                }
            }
        }
        None
    }

    /// The label of one trigger on this device (`PF1`, `F1`, `?`, `/h`).
    pub fn trigger_label(&self, t: &Trigger) -> String {
        match t {
            Trigger::Key(k) => self.labels.get(k).cloned().unwrap_or_else(|| k.label()),
            Trigger::Code(c) => c.clone(),
        }
    }

    /// Labels of every trigger of a command in a context.
    pub fn labels(&self, ctx: Context, cmd: KeyCommand) -> Vec<String> {
        self.bindings(ctx, cmd)
            .iter()
            .map(|b| self.trigger_label(&b.trigger))
            .collect()
    }

    /// The label to show in a footer hint: the first trigger.
    pub fn hint(&self, ctx: Context, cmd: KeyCommand) -> Option<String> {
        self.bindings(ctx, cmd)
            .first()
            .map(|b| self.trigger_label(&b.trigger))
    }

    /// The first trigger of a command in a context.
    pub fn first_trigger(&self, ctx: Context, cmd: KeyCommand) -> Option<Trigger> {
        self.bindings(ctx, cmd).first().map(|b| b.trigger.clone())
    }

    /// Builds a keymap from layers (lowest first), collecting every parse error.
    fn from_layers(name: &str, layers: &[(String, &str)]) -> (Keymap, Vec<KeymapError>) {
        let mut km = Keymap {
            name: name.to_string(),
            ..Keymap::default()
        };
        let mut errors = Vec::new();
        for (file, src) in layers {
            let layer = parse_layer(file, src, &mut errors);
            if let Some(d) = layer.description {
                km.description = d;
            }
            for (k, l) in layer.labels {
                km.labels.insert(k, l);
            }
            for (ctx, cmd, bindings) in layer.entries {
                km.sections.entry(ctx).or_default().insert(cmd, bindings);
            }
            km.files.push(file.clone());
        }
        (km, errors)
    }

    /// Checks the rules every keymap must pass. Returns every violation.
    pub fn check(&self) -> Vec<KeymapError> {
        let top = self.files.last().cloned().unwrap_or_default();
        let mut errors = Vec::new();
        let mut err = |b: Option<&Binding>, message: String| {
            errors.push(KeymapError {
                file: b
                    .map(|b| b.origin.file.clone())
                    .unwrap_or_else(|| top.clone()),
                line: b.map(|b| b.origin.line),
                message,
            })
        };
        // Per-section rules on each binding.
        for (ctx, section) in &self.sections {
            for (cmd, bindings) in section {
                for b in bindings {
                    let Trigger::Key(k) = &b.trigger else {
                        continue;
                    };
                    if ctx.scan_bearing() && k.printable().is_some() {
                        err(
                            Some(b),
                            format!(
                                "[{ctx}] {cmd}: bare key `{}` would be taken from scans; \
                                 use a function key or a typed code",
                                k.name()
                            ),
                        );
                    }
                    if ctx.scan_bearing() && reserved_for_scan_field(k) {
                        err(
                            Some(b),
                            format!("[{ctx}] {cmd}: `{}` is kept for the scan field", k.name()),
                        );
                    }
                }
            }
        }
        // Per effective context: reachability and conflicts.
        for ctx in Context::screens() {
            let mut seen: BTreeMap<Trigger, (KeyCommand, &Binding)> = BTreeMap::new();
            for cmd in KeyCommand::ALL {
                for b in self.bindings(ctx, *cmd) {
                    let key = match &b.trigger {
                        Trigger::Code(c) => Trigger::Code(c.to_ascii_lowercase()),
                        t => t.clone(),
                    };
                    if let Some((other, first)) = seen.get(&key) {
                        if other != cmd {
                            err(
                                Some(b),
                                format!(
                                    "[{ctx}] `{}` is bound to both {other} ({}:{}) and {cmd}",
                                    b.trigger.name(),
                                    first.origin.file,
                                    first.origin.line
                                ),
                            );
                        }
                    } else {
                        seen.insert(key, (*cmd, b));
                    }
                }
                let bindings = self.bindings(ctx, *cmd);
                if !bindings.is_empty() && !bindings.iter().any(|b| b.trigger.is_reliable()) {
                    err(
                        bindings.first().copied(),
                        format!(
                            "[{ctx}] {cmd} has only function/Esc/Ctrl/Alt keys; add a typed \
                             code or a plain key"
                        ),
                    );
                }
            }
            let reachable = |cmds: &[KeyCommand]| {
                cmds.iter().any(|c| {
                    self.bindings(ctx, *c)
                        .iter()
                        .any(|b| b.trigger.is_reliable())
                })
            };
            if !reachable(&[KeyCommand::Back, KeyCommand::Quit]) {
                err(
                    None,
                    format!("[{ctx}] has no way back (back or quit) without function keys"),
                );
            }
            if !reachable(&[KeyCommand::Help]) {
                err(
                    None,
                    format!("[{ctx}] has no way to help without function keys"),
                );
            }
        }
        errors
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn from_str(src: &str) -> (Keymap, Vec<KeymapError>) {
        let base = builtin("default").unwrap();
        Keymap::from_layers(
            "t",
            &[
                (base.file.to_string(), base.source),
                ("site.toml".into(), src),
            ],
        )
    }

    #[test]
    fn default_resolves_keys_and_codes() {
        let km = build_builtin("default").unwrap();
        let f1 = KeyPress::parse("<f1>").unwrap();
        assert_eq!(
            km.command_for_key(Context::Count, &f1),
            Some(KeyCommand::Help)
        );
        assert_eq!(
            km.command_for_code(Context::Count, "/H"),
            Some(KeyCommand::Help)
        );
        assert_eq!(
            km.command_for_key(Context::Menu, &KeyPress::char('?')),
            Some(KeyCommand::Help)
        );
        assert_eq!(
            km.command_for_key(Context::Count, &KeyPress::char('?')),
            None
        );
    }

    #[test]
    fn errors_are_all_collected_with_lines() {
        let (_, errors) = from_str(
            "[count]\nfnish = [\"<f4>\"]\nfinish = \"<f4>\"\n[nowhere]\nx = 1\n[menu]\n\
             quit = [\"<f99>\", \"<ctrl-s>\", \"5\"]\nfinish = [\"<f4>\"]\n",
        );
        let lines: Vec<Option<usize>> = errors.iter().map(|e| e.line).collect();
        assert_eq!(
            lines,
            vec![
                Some(2),
                Some(3),
                Some(4),
                Some(7),
                Some(7),
                Some(7),
                Some(8)
            ],
            "{errors:#?}"
        );
        assert!(errors[0]
            .to_string()
            .starts_with("site.toml:2: unknown command `fnish`"));
    }

    #[test]
    fn rules_catch_printables_conflicts_and_unreachable_help() {
        let (km, errors) = from_str(
            "[count]\nfinish = [\"f\"]\nundo_last = [\"<f1>\"]\n[global]\nhelp = [\"<f1>\"]\n",
        );
        assert!(errors.is_empty(), "{errors:#?}");
        let msgs: Vec<String> = km.check().iter().map(|e| e.to_string()).collect();
        let all = msgs.join("\n");
        assert!(
            all.contains("bare key `f` would be taken from scans"),
            "{all}"
        );
        assert!(all.contains("`<f1>` is bound to both help"), "{all}");
        assert!(all.contains("[count] has no way to help"), "{all}");
        assert!(all.contains("undo_last has only function"), "{all}");
    }

    #[test]
    fn choice_order() {
        let mut req = KeymapRequest {
            term: "vt220".into(),
            ..Default::default()
        };
        assert_eq!(req.choose(), ("vt220".into(), KeymapSource::Term));
        req.term = "xterm-256color".into();
        assert_eq!(req.choose(), ("default".into(), KeymapSource::Default));
        req.config = Some("handheld".into());
        assert_eq!(req.choose().1, KeymapSource::Config);
        req.env = Some("vt220".into());
        assert_eq!(req.choose(), ("vt220".into(), KeymapSource::Env));
        req.cli = Some("default".into());
        assert_eq!(req.choose(), ("default".into(), KeymapSource::Cli));
    }

    #[test]
    fn bad_choice_falls_back_to_default_with_errors() {
        let req = KeymapRequest {
            cli: Some("nosuch".into()),
            ..Default::default()
        };
        let loaded = load(&req, |_| unreachable!());
        assert_eq!(loaded.keymap.name(), "default");
        assert_eq!(loaded.errors.len(), 1);
        assert!(loaded.errors[0].message.contains("unknown keymap `nosuch`"));
    }

    #[test]
    fn site_file_layers_on_the_chosen_keymap() {
        let req = KeymapRequest {
            term: "vt220".into(),
            site_file: Some(PathBuf::from("/etc/site.toml")),
            ..Default::default()
        };
        let loaded = load(&req, |_| {
            Ok("[count]\nfinish = [\"<f12>\", \"/end\"]\n".into())
        });
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        assert_eq!(loaded.keymap.name(), "vt220+site");
        let f12 = KeyPress::parse("<f12>").unwrap();
        assert_eq!(
            loaded.keymap.command_for_key(Context::Count, &f12),
            Some(KeyCommand::Finish)
        );
        assert_eq!(
            loaded
                .keymap
                .hint(Context::Global, KeyCommand::Help)
                .as_deref(),
            Some("PF1")
        );
    }
}
