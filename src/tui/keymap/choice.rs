//! The shipped keymaps, layering with `extends`, and the keymap a session gets (`--keymap`,
//! `TALLYMAN_KEYMAP`, config, TERM, default).

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::*;
use crate::config::line_of;
use crate::domain::limits::{clipped, MAX_KEYMAP_BYTES};

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
        source: include_str!("../../../keymaps/default.toml"),
    },
    BuiltinKeymap {
        name: "vt220",
        file: "keymaps/vt220.toml",
        source: include_str!("../../../keymaps/vt220.toml"),
    },
    BuiltinKeymap {
        name: "handheld",
        file: "keymaps/handheld.toml",
        source: include_str!("../../../keymaps/handheld.toml"),
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
