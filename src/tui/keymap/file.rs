//! One keymap file read strictly into a layer: every error collected with its line.

use toml::de::{DeTable, DeValue};

use super::super::keys::KeyPress;
use super::*;
use crate::config::{sorted, Lines};
use crate::domain::limits::clipped;

/// One parsed file, before merging.
#[derive(Debug, Default)]
pub(super) struct Layer {
    pub(super) description: Option<String>,
    pub(super) labels: Vec<(KeyPress, String)>,
    pub(super) entries: Vec<(Context, KeyCommand, Vec<Binding>)>,
}

pub(super) struct Sink<'a> {
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

pub(super) fn known_sections() -> String {
    let mut v: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
    v.push("labels");
    v.join(", ")
}

pub(super) fn parse_layer(file: &str, src: &str, errors: &mut Vec<KeymapError>) -> Layer {
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

pub(super) fn parse_section(
    sink: &mut Sink<'_>,
    ctx: Context,
    table: &DeTable<'_>,
    layer: &mut Layer,
) {
    for (k, v) in sorted(table) {
        let name = k.get_ref().as_ref();
        let Some(cmd) = KeyCommand::from_name(name) else {
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
