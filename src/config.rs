//! The config file (TOML): keymap, terminal profile, bell, scan terminators, GS substitute,
//! warranty warning days, the server's socket and limits, and the mode of the files tallyman
//! creates. Strict: unknown keys and bad values are errors with line numbers, and
//! every error in the file is reported at once.
//!
//! Where it is looked for: `--config PATH` (must exist), else the platform config directory
//! (`$XDG_CONFIG_HOME/tallyman/config.toml` or `~/.config/tallyman/config.toml` on Linux,
//! `~/Library/Application Support/tallyman/config.toml` on macOS,
//! `%APPDATA%\tallyman\config.toml` on Windows), else `/etc/tallyman/config.toml` on Unix (one
//! file for all handheld accounts), else built-in defaults.
//!
//! ```toml
//! [terminal]
//! keymap = "vt220"          # default, vt220, handheld
//! profile = "vt"            # full or vt; absent: chosen from TERM
//! bell = true
//! confirm_fixes = true      # ask before a count fix rewrites a document (false: desk use)
//!
//! [scan]
//! terminators = ["enter", "crlf", "tab"]   # also "lf"
//! gs_substitute = "~"       # a typed stand-in for the GS (0x1D) separator
//! serial_chars = "-./_"     # marks a serial may hold besides letters and digits (the
//!                           # server's setting holds for every client of the site)
//!
//! [warranty]
//! expiring_soon_days = 30
//!
//! [serve]
//! socket = "/run/tallyman/site.sock"   # default: the database folder + ".sock", beside it
//! socket_mode = "0660"
//! group = "tallyman-users"             # the socket's group; default: the server user's
//! log = "/var/log/tallyman/serve.log"  # default: serve.log in the database folder
//! max_frame_mib = 64
//! idle_timeout_secs = 600
//! read_timeout_secs = 10
//! group_commit = true
//!
//! [database]
//! umask = "0077"                       # folder 0700, files 0600
//! group = "tallyman"                   # share the files with a group: 0770 / 0660
//! ```

use clap::ValueEnum;

use std::fmt;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::domain::limits::{clipped, quoted, MAX_CONFIG_BYTES};

/// Terminal profile named in the config file or on the command line (`full` or `vt`; clap's
/// `ValueEnum` names, parses and lists them for both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum)]
pub enum ProfileSetting {
    /// xterm-like: colour, Unicode borders, alternate screen.
    Full,
    /// VT100/VT220-like: 7-bit ASCII, no colour, no private modes beyond cursor visibility.
    Vt,
}

impl ProfileSetting {
    /// The name as written in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Vt => "vt",
        }
    }
}

/// The profile names the config file and `--profile` accept, for error messages: "full, vt".
fn profile_names() -> String {
    ProfileSetting::value_variants()
        .iter()
        .filter_map(ValueEnum::to_possible_value)
        .map(|v| v.get_name().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What ends a scan (or a typed entry) in a scan field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Terminator {
    /// CR, the Enter key.
    Enter,
    /// A lone LF (crossterm reports it as Ctrl+J in raw mode).
    Lf,
    /// CR LF: CR ends the scan and the LF right after it is swallowed.
    CrLf,
    /// Tab.
    Tab,
}

impl Terminator {
    /// All terminators, in documentation order.
    pub const ALL: [Terminator; 4] = [Self::Enter, Self::Lf, Self::CrLf, Self::Tab];

    /// The name used in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Self::Enter => "enter",
            Self::Lf => "lf",
            Self::CrLf => "crlf",
            Self::Tab => "tab",
        }
    }

    /// Parses a config-file name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// The resolved configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Keymap name (`default`, `vt220`, `handheld`), below `--keymap` and `TALLYMAN_KEYMAP`.
    pub keymap: Option<String>,
    /// Terminal profile, below `--profile`; `None` means "from TERM".
    pub profile: Option<ProfileSetting>,
    /// Ring the terminal bell (BEL) on errors.
    pub bell: bool,
    /// Ask `1=Yes 2=No`, showing the change, before a count fix rewrites a document or stock.
    pub confirm_fixes: bool,
    /// What ends a scan.
    pub scan_terminators: Vec<Terminator>,
    /// A printable character that stands for GS (0x1D) in hand-typed GS1 data.
    pub gs_substitute: Option<char>,
    /// The marks a serial may hold besides ASCII letters and digits.
    pub serial_chars: crate::domain::SerialChars,
    /// Warranties ending within this many days show as "expiring soon".
    pub expiring_soon_days: u32,
    /// `tallyman serve` and the clients that look for it.
    pub serve: ServeConfig,
    /// The umask tallyman runs under: what the files it creates allow others.
    pub umask: u32,
    /// A group that may read and write the database's files (folder 0770, files 0660);
    /// none: folder 0700, files 0600.
    pub database_group: Option<String>,
}

/// The `[serve]` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServeConfig {
    /// The socket; `None`: the database folder's path with ".sock" appended.
    pub socket: Option<PathBuf>,
    /// The socket file's mode.
    pub socket_mode: u32,
    /// The socket file's group, by name.
    pub group: Option<String>,
    /// The server's log; `None`: `serve.log` in the database folder.
    pub log: Option<PathBuf>,
    /// The largest request accepted, in MiB.
    pub max_frame_mib: u32,
    /// A client that sends nothing for this long is disconnected.
    pub idle_timeout_secs: u64,
    /// A request that has started must arrive completely within this.
    pub read_timeout_secs: u64,
    /// Commands arriving together share one fsync.
    pub group_commit: bool,
    /// Connections the server holds at once, all users together.
    pub max_connections: u32,
    /// Connections one user may hold at once.
    pub max_connections_per_user: u32,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            socket: None,
            socket_mode: 0o660,
            group: None,
            log: None,
            max_frame_mib: 64,
            idle_timeout_secs: 600,
            read_timeout_secs: 10,
            group_commit: true,
            max_connections: 4096,
            max_connections_per_user: 64,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            keymap: None,
            profile: None,
            bell: true,
            confirm_fixes: true,
            scan_terminators: vec![Terminator::Enter, Terminator::CrLf, Terminator::Tab],
            gs_substitute: None,
            serial_chars: crate::domain::SerialChars::default(),
            expiring_soon_days: 30,
            serve: ServeConfig::default(),
            umask: 0o077,
            database_group: None,
        }
    }
}

/// One problem in a config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigIssue {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A config file that could not be used, with every problem found in it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    /// The file.
    pub path: PathBuf,
    /// Every problem, in file order.
    pub issues: Vec<ConfigIssue>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "config file {} is not valid:", self.path.display())?;
        for issue in &self.issues {
            write!(
                f,
                "\n  {}:{}: {}",
                self.path.display(),
                issue.line,
                issue.message
            )?;
        }
        Ok(())
    }
}

/// 1-based line number of a byte offset (one lookup; [`Lines`] for many).
pub(crate) fn line_of(src: &str, offset: usize) -> usize {
    Lines::new(src).of(offset)
}

/// The line starts of a text, so that the line of each of many offsets is found by a binary
/// search instead of a count from the top (which made a file with many errors quadratic).
pub(crate) struct Lines {
    /// Byte offsets where lines 2, 3, ... begin.
    starts: Vec<usize>,
}

impl Lines {
    pub(crate) fn new(src: &str) -> Lines {
        Lines {
            starts: src
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1)
                .collect(),
        }
    }

    /// 1-based line number of a byte offset.
    pub(crate) fn of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) + 1
    }
}

/// Reads a whole text file of at most `max` bytes. A larger file (or an endless one such as
/// `/dev/zero`) is refused as soon as the limit is passed, without reading further; the
/// error (kind `InvalidData`) names the limit.
pub fn read_bounded(path: &Path, max: u64) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    let invalid = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
    if bytes.len() as u64 > max {
        return Err(invalid(crate::domain::limits::file_too_large(max)));
    }
    String::from_utf8(bytes).map_err(|e| {
        invalid(format!(
            "the file is not UTF-8 text (a bad byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The platform's per-user config file path, if a home directory is known.
pub fn user_config_path() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.config_dir().join("tallyman").join("config.toml"))
}

/// The system-wide config file (Unix only).
pub fn system_config_path() -> Option<PathBuf> {
    if cfg!(unix) {
        Some(PathBuf::from("/etc/tallyman/config.toml"))
    } else {
        None
    }
}

impl Config {
    /// Loads the config: `explicit` must exist; otherwise the user file, then the system file,
    /// then defaults. Returns the config and the file it came from (if any).
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<(Config, Option<PathBuf>)> {
        let read = |path: &Path| read_bounded(path, MAX_CONFIG_BYTES);
        if let Some(path) = explicit {
            let src = read(path)
                .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", path.display()))?;
            return Ok((Self::parse(&src, path)?, Some(path.to_path_buf())));
        }
        for path in [user_config_path(), system_config_path()]
            .into_iter()
            .flatten()
        {
            match read(&path) {
                Ok(src) => return Ok((Self::parse(&src, &path)?, Some(path))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => anyhow::bail!("cannot read config file {}: {e}", path.display()),
            }
        }
        Ok((Config::default(), None))
    }

    /// Parses config text; `path` is only used in messages.
    pub fn parse(src: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut issues = Vec::new();
        let lines = Lines::new(src);
        let (doc, parse_errors) = DeTable::parse_recoverable(src);
        for e in parse_errors {
            let line = e.span().map(|s| lines.of(s.start)).unwrap_or(1);
            issues.push(ConfigIssue {
                line,
                message: e.message().trim().to_string(),
            });
        }
        let mut cfg = Config::default();
        let mut p = Parser {
            lines: &lines,
            issues: &mut issues,
        };
        for (key, value) in sorted(doc.get_ref()) {
            let section = key.get_ref().as_ref();
            let DeValue::Table(table) = value.get_ref() else {
                p.issue(
                    key.span().start,
                    format!("`{}` must be a [section]", clipped(section)),
                );
                continue;
            };
            match section {
                "terminal" => p.terminal(table, &mut cfg),
                "scan" => p.scan(table, &mut cfg),
                "warranty" => p.warranty(table, &mut cfg),
                "serve" => p.serve(table, &mut cfg),
                "database" => p.database(table, &mut cfg),
                other => p.issue(
                    key.span().start,
                    format!(
                        "unknown section [{}] (known: terminal, scan, warranty, serve, database)",
                        clipped(other)
                    ),
                ),
            }
        }
        if issues.is_empty() {
            Ok(cfg)
        } else {
            issues.sort_by_key(|i| i.line);
            Err(ConfigError {
                path: path.to_path_buf(),
                issues,
            })
        }
    }
}

type Entry<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

/// Table entries in file order (the parser keeps them sorted by name).
pub(crate) fn sorted<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Entry<'a, 'i>> {
    let mut v: Vec<_> = table.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

struct Parser<'s, 'v> {
    lines: &'s Lines,
    issues: &'v mut Vec<ConfigIssue>,
}

impl Parser<'_, '_> {
    fn issue(&mut self, offset: usize, message: String) {
        self.issues.push(ConfigIssue {
            line: self.lines.of(offset),
            message,
        });
    }

    fn string(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<String> {
        match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            _ => {
                self.issue(v.span().start, format!("`{key}` must be a string"));
                None
            }
        }
    }

    /// A file mode written as an octal string ("0660"), at most `max`.
    fn mode(&mut self, key: &str, v: &Spanned<DeValue<'_>>, max: u32) -> Option<u32> {
        let s = self.string(key, v)?;
        match u32::from_str_radix(s.trim(), 8) {
            Ok(m) if m <= max => Some(m),
            _ => {
                self.issue(
                    v.span().start,
                    format!(
                        "`{key}` must be an octal mode such as \"0660\", found {}",
                        quoted(&s)
                    ),
                );
                None
            }
        }
    }

    /// A whole number from `lo` to `hi`.
    fn number(&mut self, key: &str, v: &Spanned<DeValue<'_>>, lo: i64, hi: i64) -> Option<i64> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i.as_str().parse::<i64>().ok(),
            _ => None,
        };
        let n = n.filter(|n| (lo..=hi).contains(n));
        if n.is_none() {
            self.issue(
                v.span().start,
                format!("`{key}` must be a whole number from {lo} to {hi}"),
            );
        }
        n
    }

    fn serve(&mut self, table: &DeTable<'_>, cfg: &mut Config) {
        let serve = &mut cfg.serve;
        for (k, v) in sorted(table) {
            let name = k.get_ref().as_ref();
            match name {
                "socket" => serve.socket = self.string(name, v).map(PathBuf::from),
                "socket_mode" => {
                    if let Some(m) = self.mode(name, v, 0o777) {
                        serve.socket_mode = m;
                    }
                }
                "group" => serve.group = self.string(name, v),
                "log" => serve.log = self.string(name, v).map(PathBuf::from),
                "max_frame_mib" => {
                    if let Some(n) = self.number(name, v, 1, 512) {
                        serve.max_frame_mib = n as u32;
                    }
                }
                "idle_timeout_secs" => {
                    if let Some(n) = self.number(name, v, 1, 86_400) {
                        serve.idle_timeout_secs = n as u64;
                    }
                }
                "read_timeout_secs" => {
                    if let Some(n) = self.number(name, v, 1, 3_600) {
                        serve.read_timeout_secs = n as u64;
                    }
                }
                "max_connections" => {
                    if let Some(n) = self.number(name, v, 1, 1_000_000) {
                        serve.max_connections = n as u32;
                    }
                }
                "max_connections_per_user" => {
                    if let Some(n) = self.number(name, v, 1, 1_000_000) {
                        serve.max_connections_per_user = n as u32;
                    }
                }
                "group_commit" => match v.get_ref() {
                    DeValue::Boolean(b) => serve.group_commit = *b,
                    _ => self.issue(v.span().start, "`group_commit` must be true or false".into()),
                },
                other => self.issue(
                    k.span().start,
                    format!("unknown key `{}` in [serve] (known: socket, socket_mode, group, log, max_frame_mib, idle_timeout_secs, read_timeout_secs, group_commit, max_connections, max_connections_per_user)", clipped(other)),
                ),
            }
        }
    }

    fn database(&mut self, table: &DeTable<'_>, cfg: &mut Config) {
        for (k, v) in sorted(table) {
            let name = k.get_ref().as_ref();
            match name {
                "umask" => {
                    if let Some(m) = self.mode(name, v, 0o777) {
                        cfg.umask = m;
                    }
                }
                "group" => cfg.database_group = self.string(name, v),
                other => self.issue(
                    k.span().start,
                    format!(
                        "unknown key `{}` in [database] (known: umask, group)",
                        clipped(other)
                    ),
                ),
            }
        }
    }

    fn terminal(&mut self, table: &DeTable<'_>, cfg: &mut Config) {
        for (k, v) in sorted(table) {
            let name = k.get_ref().as_ref();
            match name {
                "keymap" => cfg.keymap = self.string(name, v),
                "profile" => {
                    if let Some(s) = self.string(name, v) {
                        match ProfileSetting::from_str(s.trim(), true) {
                            Ok(p) => cfg.profile = Some(p),
                            Err(_) => self.issue(
                                v.span().start,
                                format!("profile {} is not one of: {}", quoted(&s), profile_names()),
                            ),
                        }
                    }
                }
                "bell" => match v.get_ref() {
                    DeValue::Boolean(b) => cfg.bell = *b,
                    _ => self.issue(v.span().start, "`bell` must be true or false".into()),
                },
                "confirm_fixes" => match v.get_ref() {
                    DeValue::Boolean(b) => cfg.confirm_fixes = *b,
                    _ => self.issue(
                        v.span().start,
                        "`confirm_fixes` must be true or false".into(),
                    ),
                },
                other => self.issue(
                    k.span().start,
                    format!(
                        "unknown key `{}` in [terminal] (known: keymap, profile, bell, confirm_fixes)", clipped(other)
                    ),
                ),
            }
        }
    }

    fn scan(&mut self, table: &DeTable<'_>, cfg: &mut Config) {
        for (k, v) in sorted(table) {
            let name = k.get_ref().as_ref();
            match name {
                "terminators" => {
                    let DeValue::Array(items) = v.get_ref() else {
                        self.issue(
                            v.span().start,
                            "`terminators` must be a list such as [\"enter\", \"tab\"]".into(),
                        );
                        continue;
                    };
                    let mut out = Vec::new();
                    for item in items.iter() {
                        match item.get_ref() {
                            DeValue::String(s) => match Terminator::parse(s) {
                                Some(t) if !out.contains(&t) => out.push(t),
                                Some(_) => {}
                                None => self.issue(
                                    item.span().start,
                                    format!(
                                        "terminator {} is not one of: enter, lf, crlf, tab",
                                        quoted(s)
                                    ),
                                ),
                            },
                            _ => self.issue(
                                item.span().start,
                                "terminators are strings: enter, lf, crlf, tab".into(),
                            ),
                        }
                    }
                    if out.is_empty() {
                        self.issue(v.span().start, "at least one terminator is needed".into());
                    }
                    cfg.scan_terminators = out;
                }
                "gs_substitute" => {
                    if let Some(s) = self.string(name, v) {
                        let mut chars = s.chars();
                        match (chars.next(), chars.next()) {
                            (Some(c), None) if c.is_ascii_graphic() => cfg.gs_substitute = Some(c),
                            _ => self.issue(
                                v.span().start,
                                "`gs_substitute` must be one printable ASCII character".into(),
                            ),
                        }
                    }
                }
                "serial_chars" => {
                    if let Some(s) = self.string(name, v) {
                        match crate::domain::SerialChars::new(&s) {
                            Ok(chars) => cfg.serial_chars = chars,
                            Err(e) => self.issue(v.span().start, format!("`serial_chars`: {e}")),
                        }
                    }
                }
                other => self.issue(
                    k.span().start,
                    format!(
                        "unknown key `{}` in [scan] (known: terminators, gs_substitute, serial_chars)", clipped(other)
                    ),
                ),
            }
        }
    }

    fn warranty(&mut self, table: &DeTable<'_>, cfg: &mut Config) {
        for (k, v) in sorted(table) {
            match k.get_ref().as_ref() {
                "expiring_soon_days" => {
                    if let Some(d) = self.number("expiring_soon_days", v, 0, 3650) {
                        cfg.expiring_soon_days = d as u32;
                    }
                }
                other => self.issue(
                    k.span().start,
                    format!(
                        "unknown key `{}` in [warranty] (known: expiring_soon_days)",
                        clipped(other)
                    ),
                ),
            }
        }
    }
}

impl Config {
    /// The gid of `[database] group`, when it names a group this system knows.
    pub fn group_id(&self) -> Option<u32> {
        let name = self.database_group.as_deref()?;
        nix::unistd::Group::from_name(name)
            .ok()
            .flatten()
            .map(|g| g.gid.as_raw())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Config, ConfigError> {
        Config::parse(src, Path::new("test.toml"))
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn full_file_parses() {
        let cfg = parse(
            "[terminal]\nkeymap = \"vt220\"\nprofile = \"vt\"\nbell = false\n\n[scan]\n\
             terminators = [\"lf\", \"tab\"]\ngs_substitute = \"~\"\nserial_chars = \"-\"\n\n[warranty]\n\
             expiring_soon_days = 14\n",
        )
        .unwrap();
        assert_eq!(cfg.keymap.as_deref(), Some("vt220"));
        assert_eq!(cfg.profile, Some(ProfileSetting::Vt));
        assert!(!cfg.bell);
        assert_eq!(cfg.scan_terminators, vec![Terminator::Lf, Terminator::Tab]);
        assert_eq!(cfg.gs_substitute, Some('~'));
        assert_eq!(cfg.serial_chars.marks(), "-");
        assert_eq!(cfg.expiring_soon_days, 14);
    }

    #[test]
    fn every_error_is_reported_with_its_line() {
        let err = parse(
            "[terminal]\nkeymapp = \"vt220\"\nbell = \"yes\"\n[scan]\nterminators = [\"cr\"]\n\
             [colours]\nx = 1\n[warranty]\nexpiring_soon_days = -1\n",
        )
        .unwrap_err();
        let lines: Vec<usize> = err.issues.iter().map(|i| i.line).collect();
        assert_eq!(lines, vec![2, 3, 5, 5, 6, 9], "{err}");
        let text = err.to_string();
        assert!(
            text.contains("test.toml:2: unknown key `keymapp`"),
            "{text}"
        );
        assert!(text.contains("unknown section [colours]"), "{text}");
    }

    #[test]
    fn profile_is_case_insensitive_and_a_bad_one_names_the_choices() {
        assert_eq!(
            parse("[terminal]\nprofile = \" VT \"\n").unwrap().profile,
            Some(ProfileSetting::Vt)
        );
        let err = parse("[terminal]\nbell = true\nprofile = \"vt100\"\n").unwrap_err();
        assert_eq!(err.issues.len(), 1, "{err}");
        assert!(
            err.to_string()
                .contains("test.toml:3: profile \"vt100\" is not one of: full, vt"),
            "{err}"
        );
    }

    #[test]
    fn syntax_errors_have_lines() {
        let err = parse("[terminal]\nbell = tru\n").unwrap_err();
        assert_eq!(err.issues[0].line, 2, "{err}");
    }

    #[test]
    fn explicit_missing_file_is_an_error() {
        assert!(Config::load(Some(Path::new("/nonexistent/tallyman.toml"))).is_err());
    }

    #[test]
    fn explicit_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[terminal]\nprofile = \"full\"\n").unwrap();
        let (cfg, from) = Config::load(Some(&path)).unwrap();
        assert_eq!(cfg.profile, Some(ProfileSetting::Full));
        assert_eq!(from.as_deref(), Some(path.as_path()));
    }
}
