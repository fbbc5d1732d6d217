//! Scan decoder: turns what a barcode scanner typed into a serial, GTIN, lot, expiry or IMEI.
//!
//! The rules are those of DESIGN.md section 8 and `tests/fixtures/scan-vectors.README.md`:
//!
//! 1. Trim trailing CR/LF, strip the configured suffix and prefix, trim surrounding spaces and
//!    tabs, then turn the configured GS substitute into GS (0x1D).
//! 2. An AIM symbology identifier (`]` + letter + modifier) picks the reading: `]C1` `]d2`
//!    `]Q3` `]e0` carry GS1 element strings, `]E0` EAN-13/UPC-A, `]E4` EAN-8, `]I1` ITF-14;
//!    any other identifier carries plain data (an IMEI when it is 15 Luhn-valid digits).
//! 3. Without an identifier, text starting with `(` is the bracketed human form, text with a GS
//!    or starting with `01` + a valid GTIN-14 is a GS1 element string; anything else is an
//!    IMEI (15 digits, Luhn-valid) or a plain serial. So `21345678` is a serial, never AI (21).
//!
//! A variable-length field longer than its maximum means a lost separator: that is an error
//! asking for a rescan, never a guess.

use std::fmt;

/// The GS1 field separator (ASCII GS), sent for FNC1.
const GS: char = '\u{1d}';

/// How to undo what the scanner adds around the data.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScanConfig {
    /// Configured scanner prefix to strip (may be empty).
    pub prefix: String,
    /// Configured scanner suffix to strip (may be empty).
    pub suffix: String,
    /// A printable char some scanners send instead of GS (0x1D).
    pub gs_substitute: Option<char>,
    /// The characters the site allows in a serial (checked by the service, not the decoder).
    pub serial_chars: crate::domain::SerialChars,
}

/// What kind of data a scan carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanKind {
    /// GS1 element strings, or an EAN/UPC/ITF-14 GTIN.
    Gs1,
    /// A 15-digit, Luhn-valid IMEI.
    Imei,
    /// Anything else: the whole payload is the serial.
    Plain,
}

impl ScanKind {
    /// `"gs1"`, `"imei"` or `"plain"`.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            ScanKind::Gs1 => "gs1",
            ScanKind::Imei => "imei",
            ScanKind::Plain => "plain",
        }
    }
}

/// The fields found in one scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedScan {
    pub kind: ScanKind,
    /// (21), or the whole payload of a plain scan.
    pub serial: Option<String>,
    /// Always 14 digits when present (EAN-13/UPC-A/EAN-8 left-padded).
    pub gtin: Option<String>,
    /// (10).
    pub lot: Option<String>,
    /// (17) exactly as given, YYMMDD, DD=00 allowed.
    pub expiry: Option<String>,
    /// 15 digits, Luhn-valid.
    pub imei: Option<String>,
    /// The AIM symbology identifier seen, e.g. `"]C1"`, if any.
    pub aim: Option<String>,
}

impl DecodedScan {
    /// The serial a lookup should use: serial, else imei.
    #[must_use]
    pub fn key(&self) -> Option<&str> {
        self.serial.as_deref().or(self.imei.as_deref())
    }

    fn new(kind: ScanKind, aim: Option<String>) -> Self {
        DecodedScan {
            kind,
            serial: None,
            gtin: None,
            lot: None,
            expiry: None,
            imei: None,
            aim,
        }
    }
}

/// Why a scan was refused. `field` names the AI or code, e.g. `"(21) serial"` or `"GTIN"`;
/// `value` is the offending value in full (`Display` shortens it for a 20-column screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// Nothing left after trimming.
    Empty,
    /// An AIM identifier with no data after it.
    NoData { aim: String },
    /// A control character (other than GS) in plain data.
    ControlChar { found: char },
    /// An Application Identifier that is not in the table (or not 2-4 digits).
    UnknownAi { ai: String },
    /// Bracketed form that is not `(AI)value(AI)value...`.
    Malformed { found: String },
    /// An AI with no value.
    EmptyValue { field: String },
    /// A fixed-length field of the wrong length.
    WrongLength {
        field: String,
        value: String,
        expected: usize,
    },
    /// A variable-length field shorter than its minimum.
    TooShort {
        field: String,
        value: String,
        min: usize,
    },
    /// A variable-length field longer than its maximum; `rescan` when a separator was lost.
    TooLong {
        field: String,
        value: String,
        max: usize,
        rescan: bool,
    },
    /// A character the field does not allow; `expected` says what it allows.
    BadChar {
        field: String,
        value: String,
        found: char,
        expected: &'static str,
    },
    /// A mod-10 check digit mismatch; `expected` is the right digit.
    CheckDigit {
        field: String,
        value: String,
        expected: char,
    },
    /// A date field that is not a valid YYMMDD date.
    BadDate { field: String, value: String },
    /// The same AI twice with different values.
    Conflict {
        field: String,
        first: String,
        second: String,
    },
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::Empty => write!(f, "empty scan"),
            ScanError::NoData { aim } => write!(f, "no data after {}: rescan", Quoted(aim)),
            ScanError::ControlChar { found } => {
                write!(
                    f,
                    "control character {} in scan",
                    Quoted(&found.to_string())
                )
            }
            ScanError::UnknownAi { ai } => {
                write!(f, "unknown AI {}", Quoted(&format!("({ai})")))
            }
            ScanError::Malformed { found } => {
                write!(f, "expected \"(AI)value\", found {}", Quoted(found))
            }
            ScanError::EmptyValue { field } => write!(f, "{field} is empty"),
            ScanError::WrongLength {
                field,
                value,
                expected,
            } => write!(
                f,
                "{field} {} has {}, expected {expected}",
                Quoted(value),
                char_count(value)
            ),
            ScanError::TooShort { field, value, min } => write!(
                f,
                "{field} {} has {}, expected at least {min}",
                Quoted(value),
                char_count(value)
            ),
            ScanError::TooLong {
                field,
                value,
                max,
                rescan,
            } => {
                write!(f, "{field} {} is longer than {max} chars", Quoted(value))?;
                if *rescan {
                    write!(f, ": rescan")?;
                }
                Ok(())
            }
            ScanError::BadChar {
                field,
                value,
                found,
                expected,
            } => write!(
                f,
                "{field} {}: {} is not {expected}",
                Quoted(value),
                Quoted(&found.to_string())
            ),
            ScanError::CheckDigit {
                field,
                value,
                expected,
            } => write!(
                f,
                "{field} {}: check digit should be {expected}",
                Quoted(value)
            ),
            ScanError::BadDate { field, value } => {
                write!(f, "{field} {} is not a YYMMDD date", Quoted(value))
            }
            ScanError::Conflict {
                field,
                first,
                second,
            } => write!(
                f,
                "{field} twice, {} and {}: rescan",
                Quoted(first),
                Quoted(second)
            ),
        }
    }
}

impl std::error::Error for ScanError {}

/// `"1 char"`, `"13 chars"`.
fn char_count(value: &str) -> String {
    match value.chars().count() {
        1 => "1 char".to_string(),
        n => format!("{n} chars"),
    }
}

/// Shows a value in double quotes: control characters as `\xNN`, long values cut to 20 chars.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX_SHOWN: usize = 20;
        let long = self.0.chars().count() > MAX_SHOWN;
        let shown = if long { MAX_SHOWN - 3 } else { MAX_SHOWN };
        f.write_str("\"")?;
        for c in self.0.chars().take(shown) {
            match c {
                '"' | '\\' => write!(f, "\\{c}")?,
                c if c.is_control() => write!(f, "\\x{:02x}", u32::from(c))?,
                c => write!(f, "{c}")?,
            }
        }
        if long {
            f.write_str("...")?;
        }
        f.write_str("\"")
    }
}

// ---------------------------------------------------------------------------------------------
// Public check-digit helpers

/// True when `digits` is a GTIN-8, -12, -13 or -14 with a correct mod-10 check digit.
#[must_use]
pub fn gtin_check_digit_ok(digits: &str) -> bool {
    matches!(digits.len(), 8 | 12 | 13 | 14) && expected_check_digit(digits) == last_char(digits)
}

/// True when `digits` is non-empty, all ASCII digits, and passes the Luhn check.
#[must_use]
pub fn luhn_ok(digits: &str) -> bool {
    let Some(values) = digit_values(digits) else {
        return false;
    };
    // Every second digit from the right is doubled, and a two-digit result's digits added.
    let sum = values.iter().rev().enumerate().fold(0, |sum, (i, &d)| {
        let d = match (i % 2, d * 2) {
            (0, _) => d,
            (_, twice) if twice > 9 => twice - 9,
            (_, twice) => twice,
        };
        (sum + d) % 10
    });
    sum == 0
}

/// True when `s` is exactly 15 ASCII digits with a valid Luhn digit.
#[must_use]
pub fn is_imei(s: &str) -> bool {
    s.len() == 15 && luhn_ok(s)
}

/// The values of an all-ASCII-digit, non-empty string.
fn digit_values(s: &str) -> Option<Vec<u32>> {
    if s.is_empty() {
        return None;
    }
    s.chars().map(|c| c.to_digit(10)).collect()
}

fn last_char(s: &str) -> Option<char> {
    s.chars().next_back()
}

/// The GS1 mod-10 check digit `digits` should end with (weights 3,1,3... from the right of the
/// body); `None` unless `digits` is at least two ASCII digits.
fn expected_check_digit(digits: &str) -> Option<char> {
    let values = digit_values(digits)?;
    let (_, body) = values.split_last()?;
    if body.is_empty() {
        return None;
    }
    let sum = body.iter().rev().enumerate().fold(0, |sum, (i, &d)| {
        let weight = if i % 2 == 0 { 3 } else { 1 };
        (sum + weight * d) % 10
    });
    char::from_digit((10 - sum) % 10, 10)
}

// ---------------------------------------------------------------------------------------------
// The Application Identifier table (GS1 General Specifications / GS1 Syntax Dictionary)

/// Which characters a part of an AI value may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cset {
    /// ASCII digits.
    Numeric,
    /// GS1 CSET 82.
    Cset82,
    /// GS1 CSET 39.
    Cset39,
    /// GS1 CSET 64 (file-safe base64).
    Cset64,
}

impl Cset {
    fn allows(self, c: char) -> bool {
        match self {
            Cset::Numeric => c.is_ascii_digit(),
            Cset::Cset82 => c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c),
            Cset::Cset39 => c.is_ascii_uppercase() || c.is_ascii_digit() || "#-/".contains(c),
            Cset::Cset64 => c.is_ascii_alphanumeric() || "-_=".contains(c),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Cset::Numeric => "a digit",
            Cset::Cset82 => "a GS1 character",
            Cset::Cset39 => "a GS1 CSET 39 character",
            Cset::Cset64 => "a GS1 CSET 64 character",
        }
    }
}

/// One component of an AI value: `min == max` is fixed, `min == 0` is optional (last only).
#[derive(Debug, Clone, Copy)]
struct Part {
    cset: Cset,
    min: usize,
    max: usize,
}

/// Extra validation of an AI's first component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lint {
    None,
    /// GS1 mod-10 check digit.
    CheckDigit,
    /// YYMMDD, day 00 allowed (means the month's end).
    DateDay00,
    /// YYMMDD, a real day.
    Date,
}

/// One AI or a range of AIs of the same length, e.g. `3100`..=`3105`.
#[derive(Debug)]
struct AiDef {
    first: &'static str,
    last: &'static str,
    parts: &'static [Part],
    lint: Lint,
}

impl AiDef {
    /// The value length when every part is fixed (such an AI needs no GS after it).
    fn fixed_len(&self) -> Option<usize> {
        let (min, max) = self.len_range();
        (min == max).then_some(max)
    }

    fn len_range(&self) -> (usize, usize) {
        let min = self.parts.iter().map(|p| p.min).sum();
        let max = self.parts.iter().map(|p| p.max).sum();
        (min, max)
    }

    fn contains(&self, code: &str) -> bool {
        code.len() == self.first.len() && self.first <= code && code <= self.last
    }
}

const fn part(cset: Cset, min: usize, max: usize) -> Part {
    Part { cset, min, max }
}
/// Numeric, exactly `len` digits.
const fn n(len: usize) -> Part {
    part(Cset::Numeric, len, len)
}
/// Numeric, 1 to `max` digits.
const fn n_upto(max: usize) -> Part {
    part(Cset::Numeric, 1, max)
}
/// CSET 82, exactly `len` chars.
const fn x(len: usize) -> Part {
    part(Cset::Cset82, len, len)
}
/// CSET 82, 1 to `max` chars.
const fn x_upto(max: usize) -> Part {
    part(Cset::Cset82, 1, max)
}
/// May be left out (last part only).
const fn optional(p: Part) -> Part {
    Part { min: 0, ..p }
}

// Value formats shared by several AIs, named as in the GS1 specs ("X..20" = X_20).
const N2: &[Part] = &[n(2)];
const N3: &[Part] = &[n(3)];
const N4: &[Part] = &[n(4)];
const N6: &[Part] = &[n(6)];
const N13: &[Part] = &[n(13)];
const N14: &[Part] = &[n(14)];
const N18: &[Part] = &[n(18)];
const N_8: &[Part] = &[n_upto(8)];
const N_15: &[Part] = &[n_upto(15)];
const N3_N_15: &[Part] = &[n(3), n_upto(15)];
const N6_N4: &[Part] = &[n(6), n(4)];
const N14_N4: &[Part] = &[n(14), n(4)];
const X2: &[Part] = &[x(2)];
const X_20: &[Part] = &[x_upto(20)];
const X_25: &[Part] = &[x_upto(25)];
const X_30: &[Part] = &[x_upto(30)];
const X_35: &[Part] = &[x_upto(35)];
const X_70: &[Part] = &[x_upto(70)];
const X_90: &[Part] = &[x_upto(90)];

/// A single AI.
const fn ai(code: &'static str, parts: &'static [Part], lint: Lint) -> AiDef {
    AiDef {
        first: code,
        last: code,
        parts,
        lint,
    }
}
/// A range of AIs sharing one format and no lint.
const fn ais(first: &'static str, last: &'static str, parts: &'static [Part]) -> AiDef {
    AiDef {
        first,
        last,
        parts,
        lint: Lint::None,
    }
}

use Lint::{CheckDigit as CSUM, Date as DATE, DateDay00 as DATE0, None as NONE};

/// Every AI the decoder knows (GS1 General Specifications section 3 / GS1 Syntax Dictionary),
/// in lexical order. No AI is a prefix of another (a unit test checks).
#[rustfmt::skip]
const AI_TABLE: &[AiDef] = &[
    ai("00", N18, CSUM),  // SSCC
    ai("01", N14, CSUM),  // GTIN
    ai("02", N14, CSUM),  // GTIN of contained trade items
    ai("10", X_20, NONE), // batch/lot
    ai("11", N6, DATE0),  // production date
    ai("12", N6, DATE0),  // due date
    ai("13", N6, DATE0),  // packaging date
    ai("15", N6, DATE0),  // best before
    ai("16", N6, DATE0),  // sell by
    ai("17", N6, DATE0),  // expiry
    ai("20", N2, NONE),   // variant
    ai("21", X_20, NONE), // serial
    ai("22", X_20, NONE), // consumer product variant
    ai("235", &[x_upto(28)], NONE),
    ais("240", "241", X_30),
    ai("242", &[n_upto(6)], NONE),
    ai("243", X_20, NONE),
    ais("250", "251", X_30),
    ai("253", &[n(13), optional(x_upto(17))], CSUM),  // GDTI
    ai("254", X_20, NONE),
    ai("255", &[n(13), optional(n_upto(12))], CSUM),  // GCN
    ai("30", N_8, NONE),  // variable count
    // Measures: the 4th digit is the decimal point position, 0-5.
    ais("3100", "3105", N6), ais("3110", "3115", N6), ais("3120", "3125", N6),
    ais("3130", "3135", N6), ais("3140", "3145", N6), ais("3150", "3155", N6),
    ais("3160", "3165", N6),
    ais("3200", "3205", N6), ais("3210", "3215", N6), ais("3220", "3225", N6),
    ais("3230", "3235", N6), ais("3240", "3245", N6), ais("3250", "3255", N6),
    ais("3260", "3265", N6), ais("3270", "3275", N6), ais("3280", "3285", N6),
    ais("3290", "3295", N6),
    ais("3300", "3305", N6), ais("3310", "3315", N6), ais("3320", "3325", N6),
    ais("3330", "3335", N6), ais("3340", "3345", N6), ais("3350", "3355", N6),
    ais("3360", "3365", N6), ais("3370", "3375", N6),
    ais("3400", "3405", N6), ais("3410", "3415", N6), ais("3420", "3425", N6),
    ais("3430", "3435", N6), ais("3440", "3445", N6), ais("3450", "3455", N6),
    ais("3460", "3465", N6), ais("3470", "3475", N6), ais("3480", "3485", N6),
    ais("3490", "3495", N6),
    ais("3500", "3505", N6), ais("3510", "3515", N6), ais("3520", "3525", N6),
    ais("3530", "3535", N6), ais("3540", "3545", N6), ais("3550", "3555", N6),
    ais("3560", "3565", N6), ais("3570", "3575", N6),
    ais("3600", "3605", N6), ais("3610", "3615", N6), ais("3620", "3625", N6),
    ais("3630", "3635", N6), ais("3640", "3645", N6), ais("3650", "3655", N6),
    ais("3660", "3665", N6), ais("3670", "3675", N6), ais("3680", "3685", N6),
    ais("3690", "3695", N6),
    ai("37", N_8, NONE),  // count of trade items
    ais("3900", "3909", N_15),     // amount payable
    ais("3910", "3919", N3_N_15),  // amount payable, ISO currency
    ais("3920", "3929", N_15),     // price
    ais("3930", "3939", N3_N_15),  // price, ISO currency
    ais("3940", "3943", N4),       // percentage discount
    ais("3950", "3955", N6),       // price per unit of measure
    ais("400", "401", X_30),       // order number, GINC
    ai("402", &[n(17)], CSUM),     // GSIN
    ai("403", X_30, NONE),         // routing code
    ai("410", N13, CSUM), ai("411", N13, CSUM), ai("412", N13, CSUM), ai("413", N13, CSUM),
    ai("414", N13, CSUM), ai("415", N13, CSUM), ai("416", N13, CSUM), ai("417", N13, CSUM),
    ai("420", X_20, NONE),
    ai("421", &[n(3), x_upto(9)], NONE),
    ai("422", N3, NONE),
    ai("423", N_15, NONE),
    ai("424", N3, NONE),
    ai("425", N_15, NONE),
    ai("426", N3, NONE),
    ai("427", &[x_upto(3)], NONE),
    ais("4300", "4301", X_35), ais("4302", "4306", X_70),
    ai("4307", X2, NONE),
    ai("4308", X_30, NONE),
    ai("4309", &[n(10), n(10)], NONE),
    ais("4310", "4311", X_35), ais("4312", "4316", X_70),
    ai("4317", X2, NONE),
    ai("4318", X_20, NONE),
    ai("4319", X_30, NONE),
    ai("4320", X_35, NONE),
    ais("4321", "4323", &[n(1)]),
    ai("4324", N6_N4, DATE0),
    ai("4325", N6_N4, DATE0),
    ai("4326", N6, DATE),
    ais("4330", "4333", &[n(6), optional(x(1))]),
    ai("7001", N13, NONE),
    ai("7002", X_30, NONE),
    ai("7003", N6_N4, DATE),  // expiry date and time
    ai("7004", &[n_upto(4)], NONE),
    ai("7005", &[x_upto(12)], NONE),
    ai("7006", N6, DATE),
    ai("7007", &[n(6), optional(n(6))], DATE),
    ai("7008", &[x_upto(3)], NONE),
    ai("7009", &[x_upto(10)], NONE),
    ai("7010", &[x_upto(2)], NONE),
    ai("7011", &[n(6), optional(n(4))], DATE),
    ais("7020", "7022", X_20),
    ai("7023", X_30, NONE),
    ais("7030", "7039", &[n(3), x_upto(27)]),
    ai("7040", &[n(1), x(3)], NONE),
    ais("710", "716", X_20),  // national healthcare reimbursement numbers
    ais("7230", "7239", &[x(2), x_upto(28)]),
    ai("7240", X_20, NONE),
    ai("7241", N2, NONE),
    ai("7242", X_25, NONE),
    ai("8001", N14, NONE),
    ai("8002", X_20, NONE),
    ai("8003", &[n(14), optional(x_upto(16))], NONE),  // GRAI
    ai("8004", X_30, NONE),                            // GIAI
    ai("8005", N6, NONE),
    ai("8006", N14_N4, CSUM),
    ai("8007", &[x_upto(34)], NONE),
    ai("8008", &[n(8), optional(n_upto(4))], NONE),
    ai("8009", &[x_upto(50)], NONE),
    ai("8010", &[part(Cset::Cset39, 1, 30)], NONE),
    ai("8011", &[n_upto(12)], NONE),
    ai("8012", X_20, NONE),
    ai("8013", X_25, NONE),
    ai("8017", N18, CSUM),
    ai("8018", N18, CSUM),
    ai("8019", &[n_upto(10)], NONE),
    ai("8020", X_25, NONE),
    ai("8026", N14_N4, CSUM),
    ai("8030", &[part(Cset::Cset64, 1, 90)], NONE),
    ai("8110", X_70, NONE),
    ai("8111", N4, NONE),
    ai("8112", X_70, NONE),
    ai("8200", X_70, NONE),  // product URL
    ai("90", X_30, NONE),
    ais("91", "99", X_90),   // company internal
];

/// The table row for a 2-4 digit AI code.
fn find_ai(code: &str) -> Option<&'static AiDef> {
    if !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    AI_TABLE.iter().find(|def| def.contains(code))
}

/// How a clerk sees an AI: `"(21) serial"`, `"(99)"`.
fn field_name(ai: &str) -> String {
    let name = match ai {
        "00" => "SSCC",
        "01" | "02" => "GTIN",
        "10" => "lot",
        "17" => "expiry",
        "21" => "serial",
        _ => return format!("({ai})"),
    };
    format!("({ai}) {name}")
}

/// How a clerk sees a key whose check digit is wrong: `"GTIN"`, `"SSCC"`, `"(414)"`.
fn key_name(ai: &str) -> String {
    match ai {
        "00" => "SSCC".to_string(),
        "01" | "02" => "GTIN".to_string(),
        _ => format!("({ai})"),
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// What an AIM symbology identifier says about the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Symbology {
    Gs1,
    Gtin { digits: usize, name: &'static str },
    Other,
}

#[rustfmt::skip]
const AIM_TABLE: &[(&str, Symbology)] = &[
    ("]C1", Symbology::Gs1),  // GS1-128
    ("]d2", Symbology::Gs1),  // GS1 DataMatrix
    ("]Q3", Symbology::Gs1),  // GS1 QR Code
    ("]e0", Symbology::Gs1),  // GS1 DataBar
    ("]E0", Symbology::Gtin { digits: 13, name: "EAN-13" }),  // EAN-13, UPC-A
    ("]E4", Symbology::Gtin { digits: 8, name: "EAN-8" }),
    ("]I1", Symbology::Gtin { digits: 14, name: "ITF-14" }),
];

/// Decodes what the scanner typed. Never panics; see the module docs for the rules.
///
/// # Errors
///
/// A [`ScanError`] saying what was expected and what was found, when the scan is empty, a
/// GS1 field is malformed (unknown AI, wrong length, bad character, check digit or date), a
/// separator was lost, or the data is ambiguous.
#[must_use = "a scan may be refused"]
pub fn decode(raw: &str, cfg: &ScanConfig) -> Result<DecodedScan, ScanError> {
    let chars = normalize(raw, cfg);
    if chars.is_empty() {
        return Err(ScanError::Empty);
    }
    match split_aim(&chars) {
        Some((aim, payload)) => decode_with_aim(aim, payload),
        None => decode_unprefixed(&chars),
    }
}

/// Trims line ends, strips the configured prefix/suffix and surrounding blanks, maps the GS
/// substitute to GS.
fn normalize(raw: &str, cfg: &ScanConfig) -> Vec<char> {
    let line_end: &[char] = &['\r', '\n'];
    let blank: &[char] = &[' ', '\t', '\r', '\n'];
    let mut s = raw.trim_end_matches(line_end);
    if !cfg.suffix.is_empty() {
        s = s.strip_suffix(cfg.suffix.as_str()).unwrap_or(s);
    }
    if !cfg.prefix.is_empty() {
        s = s.strip_prefix(cfg.prefix.as_str()).unwrap_or(s);
    }
    s.trim_matches(blank)
        .chars()
        .map(|c| if Some(c) == cfg.gs_substitute { GS } else { c })
        .collect()
}

/// Splits off an AIM identifier: `]`, a letter, a letter or digit.
fn split_aim(chars: &[char]) -> Option<(String, &[char])> {
    match chars {
        [']', code, modifier, payload @ ..]
            if code.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric() =>
        {
            Some((format!("]{code}{modifier}"), payload))
        }
        _ => None,
    }
}

fn decode_with_aim(aim: String, payload: &[char]) -> Result<DecodedScan, ScanError> {
    if payload.is_empty() {
        return Err(ScanError::NoData { aim });
    }
    let symbology = AIM_TABLE
        .iter()
        .find(|(id, _)| *id == aim)
        .map_or(Symbology::Other, |(_, sym)| *sym);
    match symbology {
        Symbology::Gs1 => {
            let fields = split_element_string(payload)?;
            if fields.is_empty() {
                return Err(ScanError::NoData { aim });
            }
            gs1_scan(fields, Some(aim))
        }
        Symbology::Gtin { digits, name } => gtin_scan(payload, digits, name, aim),
        Symbology::Other => plain_scan(payload, Some(aim)),
    }
}

fn decode_unprefixed(chars: &[char]) -> Result<DecodedScan, ScanError> {
    let fields = if chars.first() == Some(&'(') {
        split_bracketed(chars)?
    } else if chars.contains(&GS) || starts_with_valid_gtin(chars) {
        split_element_string(chars)?
    } else {
        return plain_scan(chars, None);
    };
    if fields.is_empty() {
        return Err(ScanError::Empty);
    }
    gs1_scan(fields, None)
}

/// `01` followed by a GTIN-14 with a correct check digit. All zeros is no GTIN (its check
/// digit happens to fit), so a plain number like `01000000000000002112` stays a serial.
fn starts_with_valid_gtin(chars: &[char]) -> bool {
    match chars {
        ['0', '1', rest @ ..] if rest.len() >= 14 => {
            let gtin: String = rest.iter().take(14).collect();
            gtin_check_digit_ok(&gtin) && gtin.bytes().any(|b| b != b'0')
        }
        _ => false,
    }
}

/// `]E0`, `]E4`, `]I1`: exactly `digits` digits with a good check digit, padded to 14.
fn gtin_scan(
    payload: &[char],
    digits: usize,
    name: &str,
    aim: String,
) -> Result<DecodedScan, ScanError> {
    let value: String = payload.iter().collect();
    if let Some(&found) = payload.iter().find(|c| !c.is_ascii_digit()) {
        return Err(ScanError::BadChar {
            field: name.to_string(),
            value,
            found,
            expected: Cset::Numeric.describe(),
        });
    }
    if payload.len() != digits {
        return Err(ScanError::WrongLength {
            field: name.to_string(),
            value,
            expected: digits,
        });
    }
    check_digit(&value, "GTIN")?;
    let mut scan = DecodedScan::new(ScanKind::Gs1, Some(aim));
    scan.gtin = Some(format!("{value:0>14}"));
    Ok(scan)
}

/// Non-GS1 data: an IMEI when it is one, else the whole payload is the serial.
fn plain_scan(payload: &[char], aim: Option<String>) -> Result<DecodedScan, ScanError> {
    if let Some(&found) = payload.iter().find(|&&c| c.is_control() && c != GS) {
        return Err(ScanError::ControlChar { found });
    }
    let text: String = payload.iter().collect();
    if is_imei(&text) {
        let mut scan = DecodedScan::new(ScanKind::Imei, aim);
        scan.imei = Some(text);
        return Ok(scan);
    }
    let mut scan = DecodedScan::new(ScanKind::Plain, aim);
    scan.serial = Some(text);
    Ok(scan)
}

/// One AI and its value, as cut from the scan.
struct Element<'a> {
    ai: String,
    def: &'static AiDef,
    value: &'a [char],
    /// Cut from a GS-separated element string (a too-long value means a lost GS).
    from_element_string: bool,
}

/// A validated AI and its value.
struct Field {
    ai: String,
    value: String,
}

/// Cuts a GS1 element string into validated fields. Fixed-length AIs take their length (a GS
/// after them is tolerated); variable ones run to the next GS or the end. Leading, doubled and
/// trailing GS are skipped.
fn split_element_string(chars: &[char]) -> Result<Vec<Field>, ScanError> {
    let mut fields = Vec::new();
    let mut rest = chars;
    loop {
        rest = skip_gs(rest);
        if rest.is_empty() {
            return Ok(fields);
        }
        let (ai, def) = match_ai(rest)?;
        let after_ai = rest.get(ai.len()..).unwrap_or_default();
        let end = value_end(after_ai, def);
        let (value, tail) = after_ai.split_at(end);
        fields.push(validate(Element {
            ai,
            def,
            value,
            from_element_string: true,
        })?);
        rest = tail;
    }
}

fn skip_gs(chars: &[char]) -> &[char] {
    let start = chars.iter().take_while(|&&c| c == GS).count();
    chars.get(start..).unwrap_or_default()
}

/// The 2-, 3- or 4-digit AI at the start of `chars`.
fn match_ai(chars: &[char]) -> Result<(String, &'static AiDef), ScanError> {
    for len in 2..=4 {
        let Some(head) = chars.get(..len) else { break };
        let code: String = head.iter().collect();
        if let Some(def) = find_ai(&code) {
            return Ok((code, def));
        }
    }
    Err(ScanError::UnknownAi {
        ai: unknown_ai_text(chars),
    })
}

/// What to show for an unknown AI: as many chars as the known AIs starting the same way have.
fn unknown_ai_text(chars: &[char]) -> String {
    let head: String = chars.iter().take(2).collect();
    let len = AI_TABLE
        .iter()
        .filter(|def| def.first.starts_with(&head))
        .map(|def| def.first.len())
        .max()
        .unwrap_or(2);
    chars.iter().take_while(|&&c| c != GS).take(len).collect()
}

/// Where the value starting at `chars[0]` ends.
fn value_end(chars: &[char], def: &AiDef) -> usize {
    let to_gs = chars.iter().position(|&c| c == GS).unwrap_or(chars.len());
    match def.fixed_len() {
        Some(len) => to_gs.min(len),
        None => to_gs,
    }
}

/// Cuts the bracketed human form `(01)09521234543213(21)ABC` into validated fields; a value
/// runs to the next `(`.
fn split_bracketed(chars: &[char]) -> Result<Vec<Field>, ScanError> {
    let mut fields = Vec::new();
    let mut rest = chars;
    while !rest.is_empty() {
        let malformed = || ScanError::Malformed {
            found: rest.iter().collect(),
        };
        let ['(', after_open @ ..] = rest else {
            return Err(malformed());
        };
        let close = after_open
            .iter()
            .position(|&c| c == ')')
            .ok_or_else(malformed)?;
        let (code, after_code) = after_open.split_at(close);
        let ai: String = code.iter().collect();
        let def = (2..=4)
            .contains(&code.len())
            .then(|| find_ai(&ai))
            .flatten()
            .ok_or_else(|| ScanError::UnknownAi { ai: ai.clone() })?;
        let after_close = after_code.get(1..).unwrap_or_default();
        let end = after_close
            .iter()
            .position(|&c| c == '(')
            .unwrap_or(after_close.len());
        let (value, tail) = after_close.split_at(end);
        fields.push(validate(Element {
            ai,
            def,
            value,
            from_element_string: false,
        })?);
        rest = tail;
    }
    Ok(fields)
}

/// Picks out GTIN, serial, lot and expiry; the same AI twice must carry the same value.
fn gs1_scan(fields: Vec<Field>, aim: Option<String>) -> Result<DecodedScan, ScanError> {
    let mut seen: Vec<Field> = Vec::new();
    for field in fields {
        match seen.iter().find(|s| s.ai == field.ai) {
            Some(first) if first.value != field.value => {
                return Err(ScanError::Conflict {
                    field: field_name(&field.ai),
                    first: first.value.clone(),
                    second: field.value,
                })
            }
            Some(_) => {}
            None => seen.push(field),
        }
    }
    let mut scan = DecodedScan::new(ScanKind::Gs1, aim);
    for Field { ai, value } in seen {
        let slot = match ai.as_str() {
            "01" => &mut scan.gtin,
            "10" => &mut scan.lot,
            "17" => &mut scan.expiry,
            "21" => &mut scan.serial,
            _ => continue,
        };
        *slot = Some(value);
    }
    Ok(scan)
}

/// Checks one element's length, characters, check digit and date.
fn validate(element: Element) -> Result<Field, ScanError> {
    let field = field_name(&element.ai);
    let value: String = element.value.iter().collect();
    let len = element.value.len();
    let (min, max) = element.def.len_range();
    if len == 0 {
        return Err(ScanError::EmptyValue { field });
    }
    if min == max && len != min {
        return Err(ScanError::WrongLength {
            field,
            value,
            expected: min,
        });
    }
    if len < min {
        return Err(ScanError::TooShort { field, value, min });
    }
    if len > max {
        return Err(ScanError::TooLong {
            field,
            value,
            max,
            rescan: element.from_element_string,
        });
    }
    check_parts(&element, &field, &value)?;
    lint_first_part(&element, &field, &value)?;
    Ok(Field {
        ai: element.ai,
        value,
    })
}

/// Every character of every part is in the part's character set.
fn check_parts(element: &Element, field: &str, value: &str) -> Result<(), ScanError> {
    let mut rest = element.value;
    for (i, part) in element.def.parts.iter().enumerate() {
        let is_last = i + 1 == element.def.parts.len();
        let take = if is_last {
            rest.len()
        } else {
            part.max.min(rest.len())
        };
        let (segment, tail) = rest.split_at(take);
        if let Some(&found) = segment.iter().find(|&&c| !part.cset.allows(c)) {
            return Err(ScanError::BadChar {
                field: field.to_string(),
                value: value.to_string(),
                found,
                expected: part.cset.describe(),
            });
        }
        rest = tail;
    }
    Ok(())
}

/// Runs the AI's check-digit or date rule on its first part.
fn lint_first_part(element: &Element, field: &str, value: &str) -> Result<(), ScanError> {
    let first_len = element.def.parts.first().map_or(0, |p| p.max);
    let first: String = element.value.iter().take(first_len).collect();
    match element.def.lint {
        Lint::None => Ok(()),
        Lint::CheckDigit => check_digit(&first, &key_name(&element.ai)),
        Lint::DateDay00 | Lint::Date => {
            let day_00_ok = element.def.lint == Lint::DateDay00;
            if is_yymmdd(&first, day_00_ok) {
                Ok(())
            } else {
                Err(ScanError::BadDate {
                    field: field.to_string(),
                    value: value.to_string(),
                })
            }
        }
    }
}

/// `digits` ends with its GS1 mod-10 check digit.
fn check_digit(digits: &str, field: &str) -> Result<(), ScanError> {
    match expected_check_digit(digits) {
        Some(expected) if last_char(digits) != Some(expected) => Err(ScanError::CheckDigit {
            field: field.to_string(),
            value: digits.to_string(),
            expected,
        }),
        _ => Ok(()),
    }
}

/// `s` is a YYMMDD date; DD = 00 (the month's end) only when `day_00_ok`. Years are 20YY for
/// the leap-year rule, which is exact for the GS1 window around today (2000 is a leap year).
fn is_yymmdd(s: &str, day_00_ok: bool) -> bool {
    let Some(d) = digit_values(s) else {
        return false;
    };
    let [y1, y2, m1, m2, d1, d2] = d[..] else {
        return false;
    };
    let (year, month, day) = (y1 * 10 + y2, m1 * 10 + m2, d1 * 10 + d2);
    if !(1..=12).contains(&month) {
        return false;
    }
    if day == 0 {
        return day_00_ok;
    }
    day <= days_in_month(year, month)
}

fn days_in_month(yy: u32, month: u32) -> u32 {
    match month {
        2 if yy.is_multiple_of(4) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> DecodedScan {
        match decode(raw, &ScanConfig::default()) {
            Ok(scan) => scan,
            Err(e) => panic!("{raw:?} failed: {e}"),
        }
    }

    fn err(raw: &str) -> ScanError {
        match decode(raw, &ScanConfig::default()) {
            Ok(scan) => panic!("{raw:?} decoded as {scan:?}"),
            Err(e) => e,
        }
    }

    fn err_text(raw: &str) -> String {
        err(raw).to_string()
    }

    fn gs1(gtin: Option<&str>, serial: Option<&str>, lot: Option<&str>) -> impl Fn(&DecodedScan) {
        let (gtin, serial, lot) = (
            gtin.map(str::to_string),
            serial.map(str::to_string),
            lot.map(str::to_string),
        );
        move |scan: &DecodedScan| {
            assert_eq!(scan.kind, ScanKind::Gs1);
            assert_eq!(scan.gtin, gtin);
            assert_eq!(scan.serial, serial);
            assert_eq!(scan.lot, lot);
        }
    }

    const GTIN: &str = "09506000134352";

    // --- normalisation -------------------------------------------------------------------

    #[test]
    fn trims_line_ends_and_blanks() {
        assert_eq!(ok("ABC123\r\n").serial.as_deref(), Some("ABC123"));
        assert_eq!(ok("  ABC123\t\n").serial.as_deref(), Some("ABC123"));
    }

    #[test]
    fn strips_configured_prefix_and_suffix() {
        let cfg = ScanConfig {
            prefix: "@@".into(),
            suffix: "#".into(),
            ..ScanConfig::default()
        };
        let scan = decode("@@]C101095060001343522112345#\r\n", &cfg).map_err(|e| e.to_string());
        assert_eq!(scan.map(|s| s.serial), Ok(Some("12345".into())));
        // A scan without them (typed by hand) still decodes.
        assert_eq!(
            decode("XYZ", &cfg).map(|s| s.serial),
            Ok(Some("XYZ".into()))
        );
        assert_eq!(decode("@@#", &cfg), Err(ScanError::Empty));
    }

    #[test]
    fn configured_gs_substitute_becomes_gs() {
        let cfg = ScanConfig {
            gs_substitute: Some('~'),
            ..ScanConfig::default()
        };
        let scan = decode(&format!("]C101{GTIN}10LOT7~21SER9"), &cfg);
        let scan = scan.map_err(|e| e.to_string());
        assert_eq!(scan.as_ref().map(|s| s.lot.as_deref()), Ok(Some("LOT7")));
        assert_eq!(scan.as_ref().map(|s| s.serial.as_deref()), Ok(Some("SER9")));
        // Unprefixed data carrying the substitute is GS1 too.
        let scan = decode("10LOT7~21SER9", &cfg).map_err(|e| e.to_string());
        assert_eq!(
            scan.map(|s| (s.kind, s.serial)),
            Ok((ScanKind::Gs1, Some("SER9".into())))
        );
    }

    #[test]
    fn empty_scans_are_refused() {
        assert_eq!(err(""), ScanError::Empty);
        assert_eq!(err(" \r\n"), ScanError::Empty);
        assert_eq!(err_text(""), "empty scan");
        assert_eq!(err("\u{1d}\u{1d}"), ScanError::Empty);
    }

    // --- AIM identifiers ------------------------------------------------------------------

    #[test]
    fn gs1_aim_identifiers_carry_element_strings() {
        for aim in ["]C1", "]d2", "]Q3", "]e0"] {
            let scan = ok(&format!("{aim}01{GTIN}21SN1"));
            gs1(Some(GTIN), Some("SN1"), None)(&scan);
            assert_eq!(scan.aim.as_deref(), Some(aim));
        }
        assert_eq!(err("]C1"), ScanError::NoData { aim: "]C1".into() });
        assert_eq!(err_text("]d2\u{1d}"), "no data after \"]d2\": rescan");
    }

    #[test]
    fn ean13_and_upca_need_13_digits() {
        assert_eq!(
            ok("]E05901234123457").gtin.as_deref(),
            Some("05901234123457")
        );
        assert_eq!(
            ok("]E00123601057072").gtin.as_deref(),
            Some("00123601057072")
        );
        assert_eq!(
            err_text("]E0123601057072"),
            "EAN-13 \"123601057072\" has 12 chars, expected 13"
        );
        assert_eq!(
            err_text("]E05901234123458"),
            "GTIN \"5901234123458\": check digit should be 7"
        );
        assert_eq!(
            err_text("]E0590123412345X"),
            "EAN-13 \"590123412345X\": \"X\" is not a digit"
        );
    }

    #[test]
    fn ean8_and_itf14() {
        let scan = ok("]E496385074");
        assert_eq!(
            (scan.kind, scan.gtin.as_deref()),
            (ScanKind::Gs1, Some("00000096385074"))
        );
        assert!(matches!(
            err("]E4963850741"),
            ScanError::WrongLength { expected: 8, .. }
        ));
        assert_eq!(
            ok("]I105901234123457").gtin.as_deref(),
            Some("05901234123457")
        );
        assert!(matches!(
            err("]I10590123412345"),
            ScanError::WrongLength { expected: 14, .. }
        ));
        assert!(matches!(
            err("]I105901234123458"),
            ScanError::CheckDigit { expected: '7', .. }
        ));
    }

    #[test]
    fn other_aim_identifiers_carry_plain_data() {
        for aim in ["]C0", "]d1", "]Q1", "]A0", "]X9"] {
            let scan = ok(&format!("{aim}SN-0001"));
            assert_eq!(scan.kind, ScanKind::Plain);
            assert_eq!(scan.serial.as_deref(), Some("SN-0001"));
            assert_eq!(scan.aim.as_deref(), Some(aim));
        }
        // A plain Code 128 payload may hold GS (FNC1 in a later position).
        assert_eq!(ok("]C0AB\u{1d}CD").serial.as_deref(), Some("AB\u{1d}CD"));
        assert_eq!(err("]C0"), ScanError::NoData { aim: "]C0".into() });
    }

    #[test]
    fn imei_check_applies_to_plain_code128() {
        let scan = ok("]C0490154203237518");
        assert_eq!(scan.kind, ScanKind::Imei);
        assert_eq!(scan.imei.as_deref(), Some("490154203237518"));
        assert_eq!(scan.serial, None);
        assert_eq!(scan.key(), Some("490154203237518"));
        // Bad Luhn digit: a plain 15-digit serial, never an IMEI.
        let scan = ok("]C0490154203237512");
        assert_eq!((scan.kind, scan.imei), (ScanKind::Plain, None));
    }

    #[test]
    fn a_lone_bracket_is_no_aim_identifier() {
        assert_eq!(ok("]").serial.as_deref(), Some("]"));
        assert_eq!(ok("]C").serial.as_deref(), Some("]C"));
        assert_eq!(ok("]1C").serial.as_deref(), Some("]1C"));
    }

    // --- GS1 element strings --------------------------------------------------------------

    #[test]
    fn predefined_length_ais_need_no_gs() {
        let scan = ok(&format!("]C101{GTIN}17240229211234\u{1d}10L1"));
        gs1(Some(GTIN), Some("1234"), Some("L1"))(&scan);
        assert_eq!(scan.expiry.as_deref(), Some("240229"));
        // (11), (3103), (15) are known lengths too.
        let scan = ok(&format!("]C101{GTIN}11991225310300123415991231217"));
        gs1(Some(GTIN), Some("7"), None)(&scan);
    }

    #[test]
    fn gs_after_fixed_leading_doubled_and_trailing_is_tolerated() {
        let want = gs1(Some(GTIN), Some("S1"), Some("L1"));
        want(&ok(&format!("]C101{GTIN}\u{1d}10L1\u{1d}21S1")));
        want(&ok(&format!("]C1\u{1d}01{GTIN}10L1\u{1d}\u{1d}21S1\u{1d}")));
        want(&ok(&format!("01{GTIN}10L1\u{1d}\u{1d}21S1\u{1d}")));
        want(&ok(&format!("\u{1d}01{GTIN}10L1\u{1d}21S1")));
    }

    #[test]
    fn variable_fields_run_to_gs_or_end() {
        let scan = ok(&format!("]C101{GTIN}10ABC21XYZ"));
        gs1(Some(GTIN), None, Some("ABC21XYZ"))(&scan);
    }

    #[test]
    fn variable_field_past_its_maximum_asks_for_rescan() {
        let raw = format!("]C101{GTIN}21ABCDEFGHIJKLMNOPQRSTU10LOT");
        assert_eq!(
            err(&raw),
            ScanError::TooLong {
                field: "(21) serial".into(),
                value: "ABCDEFGHIJKLMNOPQRSTU10LOT".into(),
                max: 20,
                rescan: true,
            }
        );
        assert_eq!(
            err_text(&raw),
            "(21) serial \"ABCDEFGHIJKLMNOPQ...\" is longer than 20 chars: rescan"
        );
        assert!(matches!(
            err(&format!("01{GTIN}10ABCDEFGHIJKLMNOPQRSTU")),
            ScanError::TooLong {
                max: 20,
                rescan: true,
                ..
            }
        ));
        // Exactly 20 is fine.
        let scan = ok(&format!("]C101{GTIN}21ABCDEFGHIJKLMNOPQRST"));
        assert_eq!(scan.serial.as_deref(), Some("ABCDEFGHIJKLMNOPQRST"));
    }

    #[test]
    fn common_ai_lengths_are_known() {
        // Each field precedes (21): the serial is only found if the field's length is known.
        for field in [
            "00106141412345678908",
            "0209506000134352",
            "1012\u{1d}",
            "11250101",
            "12250101",
            "13250101",
            "15250101",
            "16250101",
            "2012",
            "22CPV\u{1d}",
            "240A\u{1d}",
            "241A\u{1d}",
            "250A\u{1d}",
            "251A\u{1d}",
            "2531234567890128\u{1d}",
            "254X\u{1d}",
            "3012\u{1d}",
            "3103000123",
            "3695000123",
            "3925012345\u{1d}",
            "37100\u{1d}",
            "3955000100",
            "400PO1\u{1d}",
            "4035\u{1d}",
            "4141234567890128",
            "4201234\u{1d}",
            "422250",
            "70032501011230",
            "800314141234567890\u{1d}",
            "80041234\u{1d}",
            "802012\u{1d}",
            "90ABC\u{1d}",
            "99ABC\u{1d}",
        ] {
            let raw = format!("]C1{field}21SER");
            assert_eq!(ok(&raw).serial.as_deref(), Some("SER"), "{raw:?}");
        }
        // (20) is N2 and (7003) N10: with other lengths the data does not parse.
        assert!(matches!(err("]C120250101"), ScanError::WrongLength { .. }));
        assert!(matches!(
            err("]C17003250101123\u{1d}21SER"),
            ScanError::WrongLength { .. }
        ));
    }

    #[test]
    fn unknown_ai_is_an_error() {
        assert_eq!(err("]C1891234"), ScanError::UnknownAi { ai: "89".into() });
        assert_eq!(err_text("]C1891234"), "unknown AI \"(89)\"");
        assert_eq!(err_text("(92X)ABC"), "unknown AI \"(92X)\"");
        assert_eq!(
            err_text(&format!("]C101{GTIN}3106123456")),
            "unknown AI \"(3106)\""
        );
        assert_eq!(err_text(&format!("]C101{GTIN}2")), "unknown AI \"(2)\"");
    }

    #[test]
    fn gtin_must_be_14_digits_with_check_digit() {
        assert_eq!(
            err_text("]C10101234567890129"),
            "GTIN \"01234567890129\": check digit should be 8"
        );
        assert_eq!(
            err_text("]C1010123456789012"),
            "(01) GTIN \"0123456789012\" has 13 chars, expected 14"
        );
        assert_eq!(
            err_text("]C1010123456789012\u{1d}21A"),
            "(01) GTIN \"0123456789012\" has 13 chars, expected 14"
        );
        assert_eq!(
            err_text("]C1010123456789012A"),
            "(01) GTIN \"0123456789012A\": \"A\" is not a digit"
        );
    }

    #[test]
    fn other_keys_are_check_digit_verified() {
        assert!(matches!(
            err("]C100106141412345678909"),
            ScanError::CheckDigit { expected: '8', .. }
        ));
        assert_eq!(
            err_text("]C14141234567890127"),
            "(414) \"1234567890127\": check digit should be 8"
        );
    }

    #[test]
    fn serial_and_lot_are_cset82() {
        let scan = ok(&format!("]d201{GTIN}21aZ09!%&'()*+,-\u{1d}10./:;<=>?_\""));
        assert_eq!(scan.serial.as_deref(), Some("aZ09!%&'()*+,-"));
        assert_eq!(scan.lot.as_deref(), Some("./:;<=>?_\""));
        assert_eq!(
            err_text(&format!("]C101{GTIN}21AB CD")),
            "(21) serial \"AB CD\": \" \" is not a GS1 character"
        );
        assert_eq!(
            err_text(&format!("]C101{GTIN}10L#1")),
            "(10) lot \"L#1\": \"#\" is not a GS1 character"
        );
        assert!(matches!(
            err(&format!("]C101{GTIN}10Lé")),
            ScanError::BadChar { found: 'é', .. }
        ));
    }

    #[test]
    fn expiry_is_a_real_date_with_day_00_allowed() {
        let expiry = |v: &str| decode(&format!("01{GTIN}17{v}"), &ScanConfig::default());
        for good in ["240229", "250600", "251231", "000229", "250131", "250430"] {
            assert_eq!(
                expiry(good).map(|s| s.expiry),
                Ok(Some(good.to_string())),
                "{good}"
            );
        }
        for bad in ["250229", "251301", "250001", "250431", "250132", "991232"] {
            assert_eq!(
                expiry(bad),
                Err(ScanError::BadDate {
                    field: "(17) expiry".into(),
                    value: bad.into()
                }),
                "{bad}"
            );
        }
        assert_eq!(
            err_text(&format!("01{GTIN}17251301")),
            "(17) expiry \"251301\" is not a YYMMDD date"
        );
        assert!(matches!(
            expiry("25013"),
            Err(ScanError::WrongLength { expected: 6, .. })
        ));
        // Other date AIs are checked too; (7006) allows no day 00.
        assert!(matches!(
            err(&format!("01{GTIN}11251301")),
            ScanError::BadDate { .. }
        ));
        assert!(matches!(
            err(&format!("]C101{GTIN}7006250100")),
            ScanError::BadDate { .. }
        ));
    }

    #[test]
    fn repeated_ai_must_agree() {
        assert_eq!(
            err(&format!("]C101{GTIN}21A\u{1d}21B")),
            ScanError::Conflict {
                field: "(21) serial".into(),
                first: "A".into(),
                second: "B".into()
            }
        );
        assert_eq!(
            err_text(&format!("(01){GTIN}(21)A(21)B")),
            "(21) serial twice, \"A\" and \"B\": rescan"
        );
        assert_eq!(
            ok(&format!("]C101{GTIN}21A\u{1d}21A")).serial.as_deref(),
            Some("A")
        );
        assert!(matches!(
            err(&format!("(01){GTIN}(01)09504000059101")),
            ScanError::Conflict { .. }
        ));
    }

    // --- bracketed form -------------------------------------------------------------------

    #[test]
    fn bracketed_form() {
        let scan = ok(&format!("(01){GTIN}(21)ABC(10)L(17)260300"));
        gs1(Some(GTIN), Some("ABC"), Some("L"))(&scan);
        assert_eq!(scan.expiry.as_deref(), Some("260300"));
        assert_eq!(scan.aim, None);
        gs1(Some(GTIN), Some("X)Y"), None)(&ok(&format!("(21)X)Y(01){GTIN}")));
    }

    #[test]
    fn bracketed_form_errors() {
        assert_eq!(err_text("(15"), "expected \"(AI)value\", found \"(15\"");
        assert_eq!(err_text("(10)(11)98765"), "(10) lot is empty");
        assert_eq!(err("(1)12345"), ScanError::UnknownAi { ai: "1".into() });
        assert_eq!(
            err("(12345)12345"),
            ScanError::UnknownAi { ai: "12345".into() }
        );
        assert!(matches!(
            err("(17)9(90)217"),
            ScanError::WrongLength { expected: 6, .. }
        ));
        // Typed, not scanned: too long is an error but no lost separator.
        assert!(matches!(
            err("(21)ABCDEFGHIJKLMNOPQRSTU"),
            ScanError::TooLong { rescan: false, .. }
        ));
        assert_eq!(
            err_text("(21)ABCDEFGHIJKLMNOPQRSTU"),
            "(21) serial \"ABCDEFGHIJKLMNOPQ...\" is longer than 20 chars"
        );
    }

    // --- unprefixed data ------------------------------------------------------------------

    #[test]
    fn unprefixed_digits_are_not_misread_as_ais() {
        let scan = ok("21345678");
        assert_eq!(
            (scan.kind, scan.serial.as_deref()),
            (ScanKind::Plain, Some("21345678"))
        );
        assert_eq!(ok("1022222222222222222222aaa").kind, ScanKind::Plain);
        assert_eq!(ok("17251301").kind, ScanKind::Plain);
        // "01" and fourteen zeros fits the check digit, but all zeros is no GTIN.
        let scan = ok("01000000000000002112");
        assert_eq!(
            (scan.kind, scan.serial.as_deref()),
            (ScanKind::Plain, Some("01000000000000002112"))
        );
    }

    #[test]
    fn unprefixed_01_with_valid_gtin_is_gs1() {
        gs1(Some(GTIN), None, Some("0329"))(&ok(&format!("01{GTIN}100329")));
        gs1(Some(GTIN), None, None)(&ok(&format!("01{GTIN}")));
        // Invalid check digit: not GS1, so a plain serial equal to the input.
        let scan = ok("0109506000134353");
        assert_eq!(
            (scan.kind, scan.gtin, scan.serial.as_deref()),
            (ScanKind::Plain, None, Some("0109506000134353"))
        );
        // Once it is GS1, a bad remainder is an error, not a plain serial.
        assert!(matches!(
            err(&format!("01{GTIN}XYZ")),
            ScanError::UnknownAi { .. }
        ));
    }

    #[test]
    fn unprefixed_imei() {
        for imei in ["490154203237518", "350077523237513", "356938035643809"] {
            let scan = ok(imei);
            assert_eq!(scan.kind, ScanKind::Imei);
            assert_eq!(scan.imei.as_deref(), Some(imei));
            assert_eq!(scan.key(), Some(imei));
        }
        for not_imei in ["490154203237512", "4901542032375125", "49015420323751"] {
            let scan = ok(not_imei);
            assert_eq!(
                (scan.kind, scan.imei),
                (ScanKind::Plain, None),
                "{not_imei}"
            );
            assert_eq!(scan.serial.as_deref(), Some(not_imei));
        }
    }

    #[test]
    fn plain_serials_refuse_control_characters() {
        assert_eq!(err("AB\u{7}C"), ScanError::ControlChar { found: '\u{7}' });
        assert_eq!(err_text("AB\u{7}C"), "control character \"\\x07\" in scan");
        assert!(matches!(err("]C0AB\u{0}C"), ScanError::ControlChar { .. }));
        assert!(matches!(err("AB\u{7f}"), ScanError::ControlChar { .. }));
        assert_eq!(ok("Serial Nº 7").serial.as_deref(), Some("Serial Nº 7"));
    }

    #[test]
    fn multibyte_text_is_decoded_or_refused_in_words_never_a_panic() {
        for raw in [
            "ñ",
            "]Cñ",
            "]ñ1",
            "]C1ñ",
            "]C101ñ",
            "(01)ñ",
            "(ñ)",
            "(0ñ)1",
            "01ñ",
            "ñ\u{1d}ñ",
            "]E0ñññññññññññññ",
            "]C121ñññññññññññññññññññññ",
            "(21)日本語",
            "🦀🦀🦀",
            "]C1\u{1d}\u{1d}",
            "((((",
            "()",
            "(01)",
            ")",
            "]]]",
            "\u{1d}",
            "01\u{1d}",
        ] {
            // No panic, the same answer twice, a serial that is part of what was scanned, and
            // an error that says something and quotes at most 80 characters of it.
            let cfg = ScanConfig::default();
            let first = decode(raw, &cfg).map_err(|e| e.to_string());
            assert_eq!(first, decode(raw, &cfg).map_err(|e| e.to_string()), "{raw}");
            match &first {
                Ok(d) => {
                    if let Some(k) = d.key() {
                        assert!(raw.contains(k), "{raw:?} gave the serial {k:?}");
                    }
                }
                Err(e) => {
                    assert!(!e.trim().is_empty(), "{raw:?}");
                    assert!(e.chars().count() <= 80 + 200, "{raw:?}: {e}");
                }
            }
        }
    }

    // --- check digits ---------------------------------------------------------------------

    #[test]
    fn gtin_check_digits() {
        for good in [
            "96385074",
            "416000336108",
            "5901234123457",
            "09506000134352",
        ] {
            assert!(gtin_check_digit_ok(good), "{good}");
        }
        for bad in [
            "96385075",
            "416000336107",
            "5901234123458",
            "09506000134353",
        ] {
            assert!(!gtin_check_digit_ok(bad), "{bad}");
        }
        for wrong_shape in [
            "",
            "0",
            "1234567",
            "123456789",
            "0950600013435X",
            "095060001343522",
        ] {
            assert!(!gtin_check_digit_ok(wrong_shape), "{wrong_shape}");
        }
    }

    #[test]
    fn luhn_and_imei() {
        assert!(luhn_ok("490154203237518"));
        assert!(luhn_ok("79927398713"));
        assert!(!luhn_ok("79927398710"));
        assert!(!luhn_ok(""));
        assert!(!luhn_ok("4901542032375l8"));
        assert!(is_imei("352099001761481"));
        assert!(!is_imei("352099001761482"));
        assert!(!is_imei("3520990017614812"));
        assert!(!is_imei("٣٥٢٠٩٩٠٠١٧٦١٤٨"));
    }

    // --- API odds and ends ----------------------------------------------------------------

    #[test]
    fn kind_names_and_key() {
        assert_eq!(ScanKind::Gs1.as_str(), "gs1");
        assert_eq!(ScanKind::Imei.as_str(), "imei");
        assert_eq!(ScanKind::Plain.as_str(), "plain");
        assert_eq!(ok(&format!("]C101{GTIN}21S")).key(), Some("S"));
        assert_eq!(ok(&format!("]C101{GTIN}")).key(), None);
    }

    #[test]
    fn error_display_quotes_and_shortens_values() {
        let e = ScanError::BadChar {
            field: "(21) serial".into(),
            value: "A\"B\u{1d}".into(),
            found: '\u{1d}',
            expected: "a GS1 character",
        };
        assert_eq!(
            e.to_string(),
            "(21) serial \"A\\\"B\\x1d\": \"\\x1d\" is not a GS1 character"
        );
        let e: Box<dyn std::error::Error> = Box::new(ScanError::Empty);
        assert_eq!(e.to_string(), "empty scan");
    }

    // --- the AI table ---------------------------------------------------------------------

    #[test]
    fn ai_table_is_well_formed() {
        for def in AI_TABLE {
            let name = def.first;
            assert!((2..=4).contains(&name.len()), "{name}");
            assert_eq!(def.first.len(), def.last.len(), "{name}");
            assert!(def
                .first
                .chars()
                .chain(def.last.chars())
                .all(|c| c.is_ascii_digit()));
            assert!(def.first <= def.last, "{name}");
            let (last, fixed) = def
                .parts
                .split_last()
                .unwrap_or_else(|| panic!("{name}: no parts"));
            assert!(
                fixed.iter().all(|p| p.min == p.max && p.min > 0),
                "{name}: only the last part may vary"
            );
            assert!(last.max > 0 && last.min <= last.max, "{name}");
        }
        for pair in AI_TABLE.windows(2) {
            assert!(
                pair[0].last < pair[1].first,
                "{} not before {}",
                pair[0].last,
                pair[1].first
            );
        }
    }

    #[test]
    fn no_ai_is_a_prefix_of_another() {
        for short in AI_TABLE {
            for long in AI_TABLE
                .iter()
                .filter(|d| d.first.len() > short.first.len())
            {
                let k = short.first.len();
                let overlap = !(&long.last[..k] < short.first || &long.first[..k] > short.last);
                assert!(
                    !overlap,
                    "{}-{} vs {}-{}",
                    short.first, short.last, long.first, long.last
                );
            }
        }
    }
}
