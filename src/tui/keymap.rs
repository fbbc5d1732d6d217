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

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::keys::{Key, KeyPress};
use crate::config::{line_of, sorted, Lines};
use crate::domain::limits::{clipped, MAX_KEYMAP_BYTES};

/// Where keys are interpreted. Each screen has one context.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Applies in every context (added to each context's own bindings).
    Global,
    /// The main menu.
    Menu,
    /// The list of open counts: join one, move it to review, cancel it.
    CountList,
    /// Scanning serials in a count session.
    Count,
    /// The mismatch lists of a count.
    Mismatch,
    /// Warranty/history lookup by scanned serial.
    Lookup,
    /// A data-entry prompt with a scan field.
    Input,
    /// Read-only overlays: help, messages, confirmations, error screens.
    Popup,
}

impl Context {
    /// All contexts in file order.
    pub const ALL: [Context; 8] = [
        Self::Global,
        Self::Menu,
        Self::CountList,
        Self::Count,
        Self::Mismatch,
        Self::Lookup,
        Self::Input,
        Self::Popup,
    ];

    /// The section name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Menu => "menu",
            Self::CountList => "count_list",
            Self::Count => "count",
            Self::Mismatch => "mismatch",
            Self::Lookup => "lookup",
            Self::Input => "input",
            Self::Popup => "popup",
        }
    }

    /// Parses a section name.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Contexts with a scan field: a scan (printable characters) can arrive at any moment, so
    /// no bare printable key may be bound. `global` counts, since it applies there too.
    pub fn scan_bearing(self) -> bool {
        matches!(
            self,
            Self::Global | Self::Count | Self::Lookup | Self::Input
        )
    }

    /// Contexts a user can be in (all but `global`).
    pub fn screens() -> impl Iterator<Item = Context> {
        Self::ALL.into_iter().filter(|c| *c != Self::Global)
    }
}

impl fmt::Display for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! commands {
    ($($variant:ident = $name:literal in [$($ctx:ident),*];)*) => {
        /// A bindable command: what a key (or typed code) means in a context.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl Command {
            /// Every command, in documentation order.
            pub const ALL: &'static [Command] = &[$(Self::$variant),*];

            /// The name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            /// The contexts this command belongs to (where `default.toml` binds it).
            pub fn home(self) -> &'static [Context] {
                match self { $(Self::$variant => &[$(Context::$ctx),*],)* }
            }
        }
    };
}

commands! {
    Help = "help" in [Global];
    Back = "back" in [Global];
    Redraw = "redraw" in [Global];
    Quit = "quit" in [Menu];
    Select = "select" in [Menu, CountList];
    Up = "up" in [Menu, CountList, Mismatch, Lookup, Input, Popup];
    Down = "down" in [Menu, CountList, Mismatch, Lookup, Input, Popup];
    PageUp = "page_up" in [Mismatch, Lookup, Popup];
    PageDown = "page_down" in [Mismatch, Lookup, Popup];
    Review = "review" in [CountList];
    CancelCount = "cancel_count" in [CountList];
    NewCount = "new_count" in [CountList];
    Finish = "finish" in [Count];
    UndoLast = "undo_last" in [Count];
    SetLocation = "set_location" in [Count];
    BinDone = "bin_done" in [Count];
    ReplaceSerial = "replace_serial" in [Mismatch];
    Relocate = "relocate" in [Mismatch];
    ReceiveFound = "receive_found" in [Mismatch];
    WriteOff = "write_off" in [Mismatch];
    Accept = "accept" in [Mismatch];
    Details = "details" in [Mismatch];
    NextList = "next_list" in [Mismatch];
    UndoFix = "undo" in [Mismatch];
    Post = "post" in [Mismatch];
    Find = "find" in [Mismatch];
    Bulk = "bulk" in [Mismatch];
    Actions = "actions" in [Lookup];
    ClearField = "clear_field" in [Input];
}

impl Command {
    /// Parses a command name.
    pub fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.name() == s)
    }

    /// May this command be bound in `ctx`? Global commands may be bound in any context.
    pub fn allowed_in(self, ctx: Context) -> bool {
        self.home().contains(&ctx) || self.home().contains(&Context::Global)
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What triggers a command: a key, or a code typed and ended with Enter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    /// A key press.
    Key(KeyPress),
    /// A typed code such as `/h` (matched case-insensitively).
    Code(String),
}

impl Trigger {
    /// Parses a trigger as written in a keymap file.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() >= 2 && s.starts_with('/') {
            if s.chars().all(|c| c.is_ascii_graphic()) {
                return Ok(Self::Code(s.to_string()));
            }
            return Err(format!(
                "typed code `{}` may only hold printable ASCII without spaces",
                clipped(s)
            ));
        }
        KeyPress::parse(s).map(Self::Key)
    }

    /// Reachable on any device: a typed code, or a key that is not a function key, Esc, Ctrl
    /// or Alt.
    pub fn is_reliable(&self) -> bool {
        match self {
            Self::Code(_) => true,
            Self::Key(k) => !k.is_unreliable(),
        }
    }

    /// The name as written in files.
    pub fn name(&self) -> String {
        match self {
            Self::Key(k) => k.name(),
            Self::Code(c) => c.clone(),
        }
    }
}

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

/// A keymap shipped in the binary.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinKeymap {
    /// Name for `--keymap`.
    pub name: &'static str,
    /// File label used in messages.
    pub file: &'static str,
    /// The TOML text.
    pub source: &'static str,
}

/// Every shipped keymap, embedded from `keymaps/`.
pub const BUILTIN: &[BuiltinKeymap] = &[
    BuiltinKeymap {
        name: "default",
        file: "keymaps/default.toml",
        source: include_str!("../../keymaps/default.toml"),
    },
    BuiltinKeymap {
        name: "vt220",
        file: "keymaps/vt220.toml",
        source: include_str!("../../keymaps/vt220.toml"),
    },
    BuiltinKeymap {
        name: "handheld",
        file: "keymaps/handheld.toml",
        source: include_str!("../../keymaps/handheld.toml"),
    },
];

/// Looks up a shipped keymap by name.
pub fn builtin(name: &str) -> Option<&'static BuiltinKeymap> {
    BUILTIN.iter().find(|b| b.name == name)
}

/// The shipped keymap for a TERM value, if any besides `default`.
pub fn keymap_for_term(term: &str) -> Option<&'static str> {
    let t = term.to_ascii_lowercase();
    let vt = [
        "vt100", "vt102", "vt220", "vt320", "vt420", "vt510", "vt520", "ansi",
    ];
    if vt.iter().any(|p| t.starts_with(p)) {
        Some("vt220")
    } else {
        None
    }
}

/// One parsed file, before merging.
#[derive(Debug, Default)]
struct Layer {
    description: Option<String>,
    labels: Vec<(KeyPress, String)>,
    entries: Vec<(Context, Command, Vec<Binding>)>,
}

/// A loaded keymap: per-context bindings, key labels, and the name it goes by.
#[derive(Clone, Debug, Default)]
pub struct Keymap {
    name: String,
    description: String,
    sections: BTreeMap<Context, BTreeMap<Command, Vec<Binding>>>,
    labels: BTreeMap<KeyPress, String>,
    files: Vec<String>,
}

/// Keys the scan field needs in contexts where a scan can arrive.
fn reserved_for_scan_field(k: &KeyPress) -> bool {
    !k.ctrl
        && !k.alt
        && matches!(
            k.key,
            Key::Enter
                | Key::Tab
                | Key::Backspace
                | Key::Delete
                | Key::Left
                | Key::Right
                | Key::Home
                | Key::End
        )
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
    pub fn bindings(&self, ctx: Context, cmd: Command) -> Vec<&Binding> {
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
    pub fn commands(&self, ctx: Context) -> Vec<Command> {
        Command::ALL
            .iter()
            .copied()
            .filter(|c| !self.bindings(ctx, *c).is_empty())
            .collect()
    }

    /// The command a key means in a context.
    pub fn command_for_key(&self, ctx: Context, key: &KeyPress) -> Option<Command> {
        let want = Trigger::Key(*key);
        self.find(ctx, |t| *t == want)
    }

    /// The command a typed code means in a context (case-insensitive).
    pub fn command_for_code(&self, ctx: Context, code: &str) -> Option<Command> {
        let code = code.trim();
        self.find(
            ctx,
            |t| matches!(t, Trigger::Code(c) if c.eq_ignore_ascii_case(code)),
        )
    }

    fn find(&self, ctx: Context, pred: impl Fn(&Trigger) -> bool) -> Option<Command> {
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
    pub fn labels(&self, ctx: Context, cmd: Command) -> Vec<String> {
        self.bindings(ctx, cmd)
            .iter()
            .map(|b| self.trigger_label(&b.trigger))
            .collect()
    }

    /// The label to show in a footer hint: the first trigger.
    pub fn hint(&self, ctx: Context, cmd: Command) -> Option<String> {
        self.bindings(ctx, cmd)
            .first()
            .map(|b| self.trigger_label(&b.trigger))
    }

    /// The first trigger of a command in a context.
    pub fn first_trigger(&self, ctx: Context, cmd: Command) -> Option<Trigger> {
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
            let mut seen: BTreeMap<Trigger, (Command, &Binding)> = BTreeMap::new();
            for cmd in Command::ALL {
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
            let reachable = |cmds: &[Command]| {
                cmds.iter().any(|c| {
                    self.bindings(ctx, *c)
                        .iter()
                        .any(|b| b.trigger.is_reliable())
                })
            };
            if !reachable(&[Command::Back, Command::Quit]) {
                err(
                    None,
                    format!("[{ctx}] has no way back (back or quit) without function keys"),
                );
            }
            if !reachable(&[Command::Help]) {
                err(
                    None,
                    format!("[{ctx}] has no way to help without function keys"),
                );
            }
        }
        errors
    }
}

struct Sink<'a> {
    file: &'a str,
    lines: Lines,
    errors: &'a mut Vec<KeymapError>,
}

impl Sink<'_> {
    fn e(&mut self, offset: usize, message: String) {
        self.errors.push(KeymapError {
            file: self.file.to_string(),
            line: Some(self.lines.of(offset)),
            message,
        })
    }

    fn origin(&self, offset: usize) -> Origin {
        Origin {
            file: self.file.to_string(),
            line: self.lines.of(offset),
        }
    }
}

fn known_sections() -> String {
    let mut v: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
    v.push("labels");
    v.join(", ")
}

fn parse_layer(file: &str, src: &str, errors: &mut Vec<KeymapError>) -> Layer {
    let mut layer = Layer::default();
    let mut sink = Sink {
        file,
        lines: Lines::new(src),
        errors,
    };
    let (doc, parse_errors) = DeTable::parse_recoverable(src);
    for pe in parse_errors {
        sink.e(
            pe.span().map(|s| s.start).unwrap_or(0),
            pe.message().trim().to_string(),
        );
    }
    for (key, value) in sorted(doc.get_ref()) {
        let name = key.get_ref().as_ref();
        let at = key.span().start;
        match (name, value.get_ref()) {
            // Read by `extends_of` when the layer chain is built.
            ("extends", DeValue::String(_)) => {}
            ("description", DeValue::String(s)) => layer.description = Some(s.to_string()),
            ("extends" | "description", _) => sink.e(at, format!("`{name}` must be a string")),
            ("labels", DeValue::Table(t)) => {
                for (k, v) in sorted(t) {
                    match (KeyPress::parse(k.get_ref()), v.get_ref()) {
                        (Ok(kp), DeValue::String(label))
                            if !label.is_empty() && label.chars().all(|c| c.is_ascii_graphic()) =>
                        {
                            layer.labels.push((kp, label.to_string()))
                        }
                        (Ok(_), _) => sink.e(
                            v.span().start,
                            "a label is a short printable ASCII string without spaces".into(),
                        ),
                        (Err(m), _) => sink.e(k.span().start, format!("[labels] {m}")),
                    }
                }
            }
            (_, DeValue::Table(t)) => match Context::from_name(name) {
                Some(ctx) => parse_section(&mut sink, ctx, t, &mut layer),
                None => sink.e(
                    at,
                    format!(
                        "unknown section [{}] (known: {})",
                        clipped(name),
                        known_sections()
                    ),
                ),
            },
            _ => sink.e(
                at,
                format!(
                    "unknown top-level key `{}` (known: extends, description, [{}])",
                    clipped(name),
                    known_sections().replace(", ", "], [")
                ),
            ),
        }
    }
    layer
}

fn parse_section(sink: &mut Sink<'_>, ctx: Context, table: &DeTable<'_>, layer: &mut Layer) {
    for (k, v) in sorted(table) {
        let name = k.get_ref().as_ref();
        let Some(cmd) = Command::from_name(name) else {
            sink.e(
                k.span().start,
                format!(
                    "unknown command `{}` in [{ctx}] (see docs/keymaps.md)",
                    clipped(name)
                ),
            );
            continue;
        };
        if !cmd.allowed_in(ctx) {
            let homes: Vec<&str> = cmd.home().iter().map(|c| c.name()).collect();
            sink.e(
                k.span().start,
                format!(
                    "`{cmd}` cannot be bound in [{ctx}]; it belongs to [{}]",
                    homes.join("], [")
                ),
            );
            continue;
        }
        let DeValue::Array(items) = v.get_ref() else {
            sink.e(
                v.span().start,
                format!("`{cmd}` must be a list of keys, e.g. [\"<f1>\", \"/h\"]"),
            );
            continue;
        };
        let mut bindings = Vec::new();
        for item in items.iter() {
            let at = item.span().start;
            let DeValue::String(s) = item.get_ref() else {
                sink.e(at, format!("`{cmd}`: keys are strings such as \"<f1>\""));
                continue;
            };
            match Trigger::parse(s) {
                Ok(t) => match forbidden(ctx, &t) {
                    Some(msg) => sink.e(at, format!("[{ctx}] {cmd}: {msg}")),
                    None => bindings.push(Binding {
                        trigger: t,
                        origin: sink.origin(at),
                    }),
                },
                Err(m) => sink.e(at, format!("[{ctx}] {cmd}: {m}")),
            }
        }
        layer.entries.push((ctx, cmd, bindings));
    }
}

/// Keys that may never be bound (in any keymap), with the reason.
fn forbidden(ctx: Context, t: &Trigger) -> Option<String> {
    let Trigger::Key(k) = t else { return None };
    let name = k.name();
    if k.is_flow_control() {
        return Some(format!(
            "`{name}` is XON/XOFF flow control on terminal links"
        ));
    }
    if k.separator_byte().is_some() {
        return Some(format!("`{name}` is a GS1 separator byte sent by scanners"));
    }
    if k.is_line_feed() || (k.ctrl && !k.alt && k.key == Key::Char('h')) {
        return Some(format!(
            "`{name}` is LF/BS, which scanners and terminals send"
        ));
    }
    if k.printable() == Some('/') {
        return Some("`/` starts a typed code".into());
    }
    match (ctx, k.printable()) {
        (Context::Menu, Some(c)) if c.is_ascii_digit() => {
            Some(format!("`{c}` opens menu entry {c}"))
        }
        (Context::CountList, Some(c @ '1'..='9')) => {
            Some(format!("`{c}` joins the count on line {c}"))
        }
        (Context::Popup, Some(c @ '1'..='9')) => {
            Some(format!("`{c}` answers numbered choices in popups"))
        }
        _ => None,
    }
}

/// How the keymap name was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeymapSource {
    /// `--keymap NAME`.
    Cli,
    /// `TALLYMAN_KEYMAP`.
    Env,
    /// The config file.
    Config,
    /// The TERM table.
    Term,
    /// Nothing chose one.
    Default,
}

impl KeymapSource {
    /// A short word for the diagnostics screen.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cli => "--keymap",
            Self::Env => "TALLYMAN_KEYMAP",
            Self::Config => "config",
            Self::Term => "TERM",
            Self::Default => "default",
        }
    }
}

/// Everything that decides the keymap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeymapRequest {
    /// `--keymap NAME`.
    pub cli: Option<String>,
    /// `TALLYMAN_KEYMAP`.
    pub env: Option<String>,
    /// The config file's `keymap`.
    pub config: Option<String>,
    /// TERM.
    pub term: String,
    /// `--keymap-file PATH`: a site file layered on top.
    pub site_file: Option<PathBuf>,
}

impl KeymapRequest {
    /// The chosen name and why.
    pub fn choose(&self) -> (String, KeymapSource) {
        let pick = |v: &Option<String>| {
            v.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        if let Some(n) = pick(&self.cli) {
            (n, KeymapSource::Cli)
        } else if let Some(n) = pick(&self.env) {
            (n, KeymapSource::Env)
        } else if let Some(n) = pick(&self.config) {
            (n, KeymapSource::Config)
        } else if let Some(n) = keymap_for_term(&self.term) {
            (n.to_string(), KeymapSource::Term)
        } else {
            ("default".to_string(), KeymapSource::Default)
        }
    }
}

/// The result of loading: the keymap in use and what went wrong on the way.
#[derive(Clone, Debug)]
pub struct LoadedKeymap {
    /// The keymap in use (the default one if the chosen one had errors).
    pub keymap: Keymap,
    /// The name asked for.
    pub requested: String,
    /// Why that name.
    pub source: KeymapSource,
    /// The site file, if one was given.
    pub site_file: Option<PathBuf>,
    /// Every error; non-empty means the requested keymap was replaced by the default.
    pub errors: Vec<KeymapError>,
}

/// Builds a shipped keymap with its `extends` chain (no site file). Used by tests too.
pub fn build_builtin(name: &str) -> Result<Keymap, Vec<KeymapError>> {
    build(name, None)
}

fn chain(name: &str, errors: &mut Vec<KeymapError>) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let mut next = Some(name.to_string());
    while let Some(n) = next.take() {
        let Some(b) = builtin(&n) else {
            let known: Vec<&str> = BUILTIN.iter().map(|b| b.name).collect();
            errors.push(KeymapError {
                file: out
                    .last()
                    .map(|(f, _)| f.clone())
                    .unwrap_or_else(|| "keymap".into()),
                line: None,
                message: format!(
                    "unknown keymap `{}` (known: {})",
                    clipped(&n),
                    known.join(", ")
                ),
            });
            break;
        };
        if out.iter().any(|(f, _)| f == b.file) {
            errors.push(KeymapError {
                file: b.file.into(),
                line: None,
                message: "`extends` loops back to this file".into(),
            });
            break;
        }
        out.push((b.file.to_string(), b.source));
        next = extends_of(b.source).map(|(n, _)| n);
    }
    out.reverse();
    out
}

/// The `extends` of a file and its line.
fn extends_of(src: &str) -> Option<(String, usize)> {
    let (doc, _) = DeTable::parse_recoverable(src);
    let v = doc.get_ref().get("extends")?;
    match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), line_of(src, v.span().start))),
        _ => None,
    }
}

fn build(name: &str, site: Option<(&Path, &str)>) -> Result<Keymap, Vec<KeymapError>> {
    let mut errors = Vec::new();
    let base = match site.and_then(|(path, src)| extends_of(src).map(|e| (path, e))) {
        Some((path, (ext, line))) => {
            if builtin(&ext).is_none() {
                let known: Vec<&str> = BUILTIN.iter().map(|b| b.name).collect();
                return Err(vec![KeymapError {
                    file: path.display().to_string(),
                    line: Some(line),
                    message: format!(
                        "unknown keymap `{}` (known: {})",
                        clipped(&ext),
                        known.join(", ")
                    ),
                }]);
            }
            ext
        }
        None => name.to_string(),
    };
    let mut layers = chain(&base, &mut errors);
    let mut label = base.clone();
    if let Some((path, src)) = site {
        layers.push((path.display().to_string(), src));
        label = format!(
            "{base}+{}",
            path.file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default()
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (km, mut errs) = Keymap::from_layers(&label, &layers);
    errors.append(&mut errs);
    if errors.is_empty() {
        errors = km.check();
    }
    if errors.is_empty() {
        Ok(km)
    } else {
        Err(errors)
    }
}

/// Reads a site keymap file of at most [`MAX_KEYMAP_BYTES`] (what [`load`] is given to read
/// with): a larger or endless file is refused at the limit.
pub fn read_file(path: &Path) -> std::io::Result<String> {
    crate::config::read_bounded(path, MAX_KEYMAP_BYTES)
}

/// Loads the keymap a request asks for. `read` reads the site file. Never fails: on any error
/// the default keymap is used and the errors are returned for the error screen.
pub fn load(req: &KeymapRequest, read: impl Fn(&Path) -> std::io::Result<String>) -> LoadedKeymap {
    let (name, source) = req.choose();
    let mut errors = Vec::new();
    let site_src = match &req.site_file {
        Some(p) => match read(p) {
            Ok(s) => Some((p.as_path(), s)),
            Err(e) => {
                errors.push(KeymapError {
                    file: p.display().to_string(),
                    line: None,
                    message: format!("cannot read keymap file: {e}"),
                });
                None
            }
        },
        None => None,
    };
    let built = if errors.is_empty() {
        build(&name, site_src.as_ref().map(|(p, s)| (*p, s.as_str())))
    } else {
        Err(Vec::new())
    };
    let keymap = match built {
        Ok(km) => km,
        Err(mut errs) => {
            errors.append(&mut errs);
            match build_builtin("default") {
                Ok(km) => km,
                Err(mut errs) => {
                    errors.append(&mut errs);
                    Keymap {
                        name: "none".into(),
                        ..Keymap::default()
                    }
                }
            }
        }
    };
    LoadedKeymap {
        keymap,
        requested: name,
        source,
        site_file: req.site_file.clone(),
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(km.command_for_key(Context::Count, &f1), Some(Command::Help));
        assert_eq!(
            km.command_for_code(Context::Count, "/H"),
            Some(Command::Help)
        );
        assert_eq!(
            km.command_for_key(Context::Menu, &KeyPress::char('?')),
            Some(Command::Help)
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
            Some(Command::Finish)
        );
        assert_eq!(
            loaded
                .keymap
                .hint(Context::Global, Command::Help)
                .as_deref(),
            Some("PF1")
        );
    }
}
