//! The `vt` profile's output filter: a `Write` wrapper between the ratatui backend and the
//! terminal. It tracks the SGR attribute state and re-expresses every attribute-off (SGR
//! 22/23/24/25/27, VT300+ only) as `0;` plus the attributes still on, drops colours (crossterm
//! writes `38;5;n`, which a VT reads as blink), drops private modes other than cursor
//! visibility and autowrap (`?1049`, `?1000`, `?2004`, `?2026`...), drops OSC/DCS strings, and
//! replaces non-ASCII characters with ASCII look-alikes. Escape sequences may arrive split
//! over several writes. Also holds [`vt_violations`], the independent checker tests use.

use std::io::{self, Write};

/// SGR attributes a VT100/VT220 has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Attrs {
    bold: bool,
    underline: bool,
    blink: bool,
    reverse: bool,
}

impl Attrs {
    fn codes(self) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.bold {
            v.push("1");
        }
        if self.underline {
            v.push("4");
        }
        if self.blink {
            v.push("5");
        }
        if self.reverse {
            v.push("7");
        }
        v
    }

    fn minus(self, other: Attrs) -> Attrs {
        Attrs {
            bold: self.bold && !other.bold,
            underline: self.underline && !other.underline,
            blink: self.blink && !other.blink,
            reverse: self.reverse && !other.reverse,
        }
    }

    fn is_empty(self) -> bool {
        self == Attrs::default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Ground,
    Esc,
    EscInter,
    Csi,
    CsiDrop,
    Str,
    StrEsc,
}

const MAX_SEQ: usize = 64;

/// Private modes a VT220 understands and we may send: 7 autowrap, 25 cursor visible.
const ALLOWED_PRIVATE_MODES: [&str; 2] = ["7", "25"];

/// The output filter. With `enabled == false` it passes bytes through untouched.
#[derive(Debug)]
pub struct VtFilter<W: Write> {
    inner: W,
    enabled: bool,
    st: St,
    seq: Vec<u8>,
    utf8: Vec<u8>,
    utf8_need: usize,
    attrs: Attrs,
    known: bool,
    out: Vec<u8>,
}

impl<W: Write> VtFilter<W> {
    /// Wraps a writer; `enabled` is true for the `vt` profile.
    pub fn new(inner: W, enabled: bool) -> Self {
        Self {
            inner,
            enabled,
            st: St::Ground,
            seq: Vec::new(),
            utf8: Vec::new(),
            utf8_need: 0,
            attrs: Attrs::default(),
            known: false,
            out: Vec::with_capacity(4096),
        }
    }

    /// Is the filter active?
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The wrapped writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The wrapped writer, mutably.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    fn byte(&mut self, b: u8) {
        match self.st {
            St::Ground => self.ground(b),
            St::Esc => match b {
                b'[' => {
                    self.seq.push(b);
                    self.st = St::Csi;
                }
                b']' | b'P' | b'X' | b'^' | b'_' => {
                    self.seq.clear();
                    self.st = St::Str;
                }
                0x20..=0x2F => {
                    self.seq.push(b);
                    self.st = St::EscInter;
                }
                0x30..=0x7E => {
                    if b == b'c' {
                        // RIS resets attributes.
                        self.attrs = Attrs::default();
                        self.known = true;
                    }
                    self.seq.push(b);
                    self.out.extend_from_slice(&self.seq);
                    self.seq.clear();
                    self.st = St::Ground;
                }
                _ => {
                    self.seq.clear();
                    self.st = St::Ground;
                    self.ground(b);
                }
            },
            St::EscInter => match b {
                0x20..=0x2F if self.seq.len() < MAX_SEQ => self.seq.push(b),
                0x30..=0x7E => {
                    self.seq.push(b);
                    self.out.extend_from_slice(&self.seq);
                    self.seq.clear();
                    self.st = St::Ground;
                }
                _ => {
                    self.seq.clear();
                    self.st = St::Ground;
                }
            },
            St::Csi => match b {
                0x20..=0x3F => {
                    if self.seq.len() >= MAX_SEQ {
                        self.seq.clear();
                        self.st = St::CsiDrop;
                    } else {
                        self.seq.push(b);
                    }
                }
                0x40..=0x7E => {
                    let params = std::mem::take(&mut self.seq);
                    self.csi(&params[2..], b);
                    self.st = St::Ground;
                }
                0x18 | 0x1A => {
                    self.seq.clear();
                    self.st = St::Ground;
                }
                0x1B => {
                    self.seq.clear();
                    self.seq.push(b);
                    self.st = St::Esc;
                }
                0x00..=0x1F => self.out.push(b),
                _ => {
                    self.seq.clear();
                    self.st = St::Ground;
                }
            },
            St::CsiDrop => {
                if (0x40..=0x7E).contains(&b) {
                    self.st = St::Ground;
                }
            }
            St::Str => match b {
                0x07 => self.st = St::Ground,
                0x1B => self.st = St::StrEsc,
                _ => {}
            },
            St::StrEsc => {
                self.st = if b == b'\\' { St::Ground } else { St::Str };
            }
        }
    }

    fn ground(&mut self, b: u8) {
        if self.utf8_need > 0 {
            if (0x80..=0xBF).contains(&b) {
                self.utf8.push(b);
                self.utf8_need -= 1;
                if self.utf8_need == 0 {
                    let ch = std::str::from_utf8(&self.utf8)
                        .ok()
                        .and_then(|s| s.chars().next());
                    self.utf8.clear();
                    let rep = ch.map(ascii_for).unwrap_or("?");
                    self.out.extend_from_slice(rep.as_bytes());
                }
                return;
            }
            // A broken sequence: show it, then handle this byte afresh.
            self.utf8.clear();
            self.utf8_need = 0;
            self.out.push(b'?');
        }
        match b {
            0x1B => {
                self.seq.clear();
                self.seq.push(b);
                self.st = St::Esc;
            }
            0x00..=0x7F => self.out.push(b),
            0xC2..=0xDF => self.start_utf8(b, 1),
            0xE0..=0xEF => self.start_utf8(b, 2),
            0xF0..=0xF4 => self.start_utf8(b, 3),
            _ => self.out.push(b'?'),
        }
    }

    fn start_utf8(&mut self, b: u8, need: usize) {
        self.utf8.clear();
        self.utf8.push(b);
        self.utf8_need = need;
    }

    fn csi(&mut self, params: &[u8], fin: u8) {
        let p = String::from_utf8_lossy(params);
        let private = p.starts_with(['?', '<', '=', '>']);
        match fin {
            b'm' if !private && !p.contains(|c: char| (0x20..=0x2F).contains(&(c as u32))) => {
                self.sgr(&p)
            }
            b'm' => {}
            b'h' | b'l' if p.starts_with('?') => {
                let kept: Vec<&str> = p[1..]
                    .split(';')
                    .filter(|m| ALLOWED_PRIVATE_MODES.contains(m))
                    .collect();
                if !kept.is_empty() {
                    self.out.extend_from_slice(b"\x1b[?");
                    self.out.extend_from_slice(kept.join(";").as_bytes());
                    self.out.push(fin);
                }
            }
            _ if private => {}
            // DECSCUSR and other sequences with intermediates are VT500+; drop them.
            _ if p.contains(|c: char| (0x20..=0x2F).contains(&(c as u32))) => {
                if p.ends_with('!') && fin == b'p' {
                    // DECSTR soft reset: attributes are reset.
                    self.out.extend_from_slice(b"\x1b[!p");
                    self.attrs = Attrs::default();
                }
            }
            _ => {
                self.out.extend_from_slice(b"\x1b[");
                self.out.extend_from_slice(params);
                self.out.push(fin);
            }
        }
    }

    fn sgr(&mut self, p: &str) {
        let old = self.attrs;
        let mut new = old;
        let mut tokens = p.split(';').peekable();
        while let Some(tok) = tokens.next() {
            if tok.contains(':') {
                // Sub-parameters: only `4:n` (underline style) matters here.
                if let Some(style) = tok.strip_prefix("4:") {
                    new.underline = style != "0";
                }
                continue;
            }
            match tok.parse::<u16>().unwrap_or(0) {
                0 => new = Attrs::default(),
                1 => new.bold = true,
                4 => new.underline = true,
                5 | 6 => new.blink = true,
                7 => new.reverse = true,
                22 => new.bold = false,
                24 => new.underline = false,
                25 => new.blink = false,
                27 => new.reverse = false,
                38 | 48 | 58 => match tokens.next() {
                    Some("5") => {
                        tokens.next();
                    }
                    Some("2") => {
                        for _ in 0..3 {
                            tokens.next();
                        }
                    }
                    _ => {}
                },
                // Colours (30-49, 90-107), dim, italic, hidden, strike, fonts: not on a VT.
                _ => {}
            }
        }
        let codes: Vec<&str> = if !self.known || !old.minus(new).is_empty() {
            let mut v = vec!["0"];
            v.extend(new.codes());
            v
        } else {
            new.minus(old).codes()
        };
        self.attrs = new;
        self.known = true;
        if codes.is_empty() {
            return;
        }
        self.out.extend_from_slice(b"\x1b[");
        self.out.extend_from_slice(codes.join(";").as_bytes());
        self.out.push(b'm');
    }
}

impl<W: Write> Write for VtFilter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.enabled {
            return self.inner.write(buf);
        }
        for &b in buf {
            self.byte(b);
        }
        if !self.out.is_empty() {
            self.inner.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// An ASCII stand-in for a non-ASCII character, one column per column it takes.
fn ascii_for(c: char) -> &'static str {
    const LATIN1: &str = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYPsaaaaaaaceeeeiiiidnooooo/ouuuuypy";
    let u = c as u32;
    match u {
        0xA0 => " ",
        0xC0..=0xFF => {
            let i = (u - 0xC0) as usize;
            LATIN1.get(i..i + 1).unwrap_or("?")
        }
        0x2500 | 0x2501 | 0x2504 | 0x2505 | 0x2508 | 0x2509 | 0x254C | 0x254D | 0x2550 | 0x2574
        | 0x2576 | 0x2578 | 0x257A | 0x257C | 0x257E => "-",
        0x2502 | 0x2503 | 0x2506 | 0x2507 | 0x250A | 0x250B | 0x254E | 0x254F | 0x2551 | 0x2575
        | 0x2577 | 0x2579 | 0x257B | 0x257D | 0x257F => "|",
        0x2500..=0x257F => "+",
        0x2580..=0x259F => "#",
        0x2010..=0x2015 | 0x2212 => "-",
        0x2018 | 0x2019 | 0x201A | 0x2032 => "'",
        0x201C | 0x201D | 0x201E | 0x2033 => "\"",
        0x2022 | 0x00B7 | 0x2027 => "*",
        0x2026 => ".",
        0x2190 | 0x25C0 | 0x25C4 => "<",
        0x2192 | 0x25B6 | 0x25BA => ">",
        0x2191 | 0x25B2 => "^",
        0x2193 | 0x25BC => "v",
        0x20AC => "E",
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F => "",
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => "??",
        _ => "?",
    }
}

/// Checks bytes against the `vt` profile's rules and lists every violation: non-ASCII bytes,
/// colour SGR parameters (`38;5`, `48;5`, `38;2`, 30-49, 90-107), attribute-off parameters
/// (22, 23, 24, 25, 27), and private modes other than `?7`/`?25` (e.g. `?1049`, `?1000`,
/// `?2004`, `?2026`). Independent of the filter, so tests can check the filter with it.
pub fn vt_violations(bytes: &[u8]) -> Vec<String> {
    let mut v = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            v.push(format!("non-ASCII byte {b:#04x} at {i}"));
            i += 1;
            continue;
        }
        if b == 0x1B && bytes.get(i + 1) == Some(&b']') {
            v.push(format!("OSC string at {i}"));
        }
        if b == 0x1B && bytes.get(i + 1) == Some(&b'[') {
            let start = i;
            let mut j = i + 2;
            while j < bytes.len() && (0x20..=0x3F).contains(&bytes[j]) {
                j += 1;
            }
            let params = String::from_utf8_lossy(&bytes[i + 2..j.min(bytes.len())]).to_string();
            let fin = bytes.get(j).copied().unwrap_or(0);
            if fin == b'm' {
                let toks: Vec<&str> = params.split(';').collect();
                let mut k = 0;
                while k < toks.len() {
                    let t = toks[k];
                    let n = t.parse::<u16>().unwrap_or(0);
                    if t.contains(':') {
                        v.push(format!("SGR sub-parameter `{t}` at {start}"));
                    }
                    match n {
                        38 | 48 | 58 => {
                            v.push(format!("SGR colour `{params}` at {start}"));
                            break;
                        }
                        22 | 23 | 24 | 25 | 27 => {
                            v.push(format!("SGR attribute-off {n} in `{params}` at {start}"))
                        }
                        30..=49 | 59 | 90..=97 | 100..=107 => {
                            v.push(format!("SGR colour {n} in `{params}` at {start}"))
                        }
                        _ => {}
                    }
                    k += 1;
                }
            }
            if (fin == b'h' || fin == b'l') && params.starts_with('?') {
                for m in params[1..].split(';') {
                    if !ALLOWED_PRIVATE_MODES.contains(&m) {
                        v.push(format!("private mode ?{m} at {start}"));
                    }
                }
            }
            if params.starts_with(['<', '=', '>']) {
                v.push(format!("private sequence `{params}` at {start}"));
            }
            i = j + 1;
            continue;
        }
        i += 1;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(chunks: &[&[u8]]) -> Vec<u8> {
        let mut f = VtFilter::new(Vec::new(), true);
        for c in chunks {
            f.write_all(c).unwrap();
        }
        f.get_ref().clone()
    }

    fn s(b: &[u8]) -> String {
        String::from_utf8_lossy(b).into_owned()
    }

    #[test]
    fn attribute_off_becomes_reset_plus_remaining() {
        let out = filter(&[b"\x1b[0m\x1b[1m\x1b[7mX\x1b[27mY\x1b[22mZ"]);
        assert_eq!(s(&out), "\x1b[0m\x1b[1m\x1b[7mX\x1b[0;1mY\x1b[0mZ");
    }

    #[test]
    fn colours_are_dropped_and_redundant_resets_skipped() {
        let out =
            filter(&[b"\x1b[0m\x1b[38;5;196;48;2;1;2;3;1mA\x1b[39m\x1b[49m\x1b[59m\x1b[0m\x1b[0m"]);
        assert_eq!(s(&out), "\x1b[0m\x1b[1mA\x1b[0m");
    }

    #[test]
    fn sequences_split_over_writes() {
        let out = filter(&[
            b"\x1b",
            b"[",
            b"2",
            b"7",
            b"m",
            b"\x1b[?10",
            b"49h",
            b"\xe2\x94",
            b"\x80",
        ]);
        assert_eq!(s(&out), "\x1b[0m-");
    }

    #[test]
    fn private_modes_are_filtered() {
        let out = filter(&[b"\x1b[?1049h\x1b[?25l\x1b[?2004h\x1b[?1000;25h\x1b[?2026l"]);
        assert_eq!(s(&out), "\x1b[?25l\x1b[?25h");
    }

    #[test]
    fn non_ascii_is_replaced() {
        let out = filter(&["Müller ─│┌ …€ 漢".as_bytes()]);
        assert_eq!(s(&out), "Muller -|+ .E ??");
    }

    #[test]
    fn osc_is_dropped_and_plain_csi_kept() {
        let out = filter(&[b"\x1b]0;title\x07\x1b[5;10H\x1b[2J\x1b[K\x07"]);
        assert_eq!(s(&out), "\x1b[5;10H\x1b[2J\x1b[K\x07");
    }

    #[test]
    fn checker_finds_violations() {
        assert!(vt_violations(b"\x1b[0;1mok\x1b[?25l").is_empty());
        for bad in [
            &b"\x1b[38;5;1m"[..],
            b"\x1b[48;5;1m",
            b"\x1b[38;2;1;2;3m",
            b"\x1b[22m",
            b"\x1b[0;27m",
            b"\x1b[?1049h",
            b"\x1b[?1000h",
            b"\x1b[?2004h",
            b"\x1b[?2026h",
            "\u{2500}".as_bytes(),
            b"\x1b[31m",
        ] {
            assert!(!vt_violations(bad).is_empty(), "{:?}", s(bad));
        }
    }

    #[test]
    fn disabled_filter_passes_through() {
        let mut f = VtFilter::new(Vec::new(), false);
        f.write_all("\x1b[38;5;1m─".as_bytes()).unwrap();
        assert_eq!(f.get_ref().as_slice(), "\x1b[38;5;1m─".as_bytes());
    }
}
