//! Master data: products with their tracking modes and serial formats, locations, parties.

use crate::domain::scan;
use crate::domain::serial::SerialKey;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProductId(pub u32);

/// How strictly serials are checked in one flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Mode {
    /// No serials: quantities only.
    None,
    /// Serials recorded; rule breaks are accepted with a reason and logged.
    Soft,
    /// Serials recorded; rule breaks are refused.
    Strict,
}

impl Mode {
    pub fn parse(text: &str) -> Result<Mode, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Mode::None),
            "soft" => Ok(Mode::Soft),
            "strict" => Ok(Mode::Strict),
            _ => Err(format!(
                "expected a tracking mode strict, soft or none, found {q_text}",
                q_text = crate::domain::limits::quoted(text)
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::None => "none",
            Mode::Soft => "soft",
            Mode::Strict => "strict",
        }
    }
}

/// The flows a tracking mode is set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Flow {
    Receipt,
    Sale,
    Return,
    Transfer,
}

/// Tracking mode per flow. A product is serialised when its receipt mode is not `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracking {
    pub receipt: Mode,
    pub sale: Mode,
    pub ret: Mode,
    pub transfer: Mode,
}

impl Tracking {
    pub fn all(mode: Mode) -> Tracking {
        Tracking {
            receipt: mode,
            sale: mode,
            ret: mode,
            transfer: mode,
        }
    }

    pub fn for_flow(&self, flow: Flow) -> Mode {
        match flow {
            Flow::Receipt => self.receipt,
            Flow::Sale => self.sale,
            Flow::Return => self.ret,
            Flow::Transfer => self.transfer,
        }
    }

    pub fn serialised(&self) -> bool {
        self.receipt != Mode::None
    }

    /// `strict`, or per flow `receipt=strict,sale=soft,...` where unnamed flows keep `base`.
    pub fn describe(&self) -> String {
        if self.receipt == self.sale && self.sale == self.ret && self.ret == self.transfer {
            self.receipt.as_str().to_string()
        } else {
            format!(
                "receipt={},sale={},return={},transfer={}",
                self.receipt.as_str(),
                self.sale.as_str(),
                self.ret.as_str(),
                self.transfer.as_str()
            )
        }
    }

    /// Parses `strict` or `receipt=strict,sale=soft` (unnamed flows take the first mode given).
    pub fn parse(text: &str) -> Result<Tracking, String> {
        if !text.contains('=') {
            return Mode::parse(text).map(Tracking::all);
        }
        let mut parts: Vec<(String, Mode)> = Vec::new();
        for part in text.split(',') {
            let (flow, mode) = part.split_once('=').ok_or_else(|| {
                format!(
                    "expected flow=mode (e.g. sale=soft), found {q_part}",
                    q_part = crate::domain::limits::quoted(part)
                )
            })?;
            parts.push((flow.trim().to_ascii_lowercase(), Mode::parse(mode)?));
        }
        let mut t = Tracking::all(parts.first().map(|p| p.1).unwrap_or(Mode::Strict));
        for (flow, mode) in parts {
            match flow.as_str() {
                "receipt" => t.receipt = mode,
                "sale" => t.sale = mode,
                "return" => t.ret = mode,
                "transfer" => t.transfer = mode,
                other => {
                    return Err(format!(
                        "expected a flow receipt, sale, return or transfer, found {q_other}",
                        q_other = crate::domain::limits::quoted(other)
                    ))
                }
            }
        }
        if (t.receipt == Mode::None) != (t.sale == Mode::None)
            || (t.receipt == Mode::None) != (t.ret == Mode::None)
            || (t.receipt == Mode::None) != (t.transfer == Mode::None)
        {
            return Err(format!(
                "tracking \"{text}\" mixes none with serial modes: a product has serials in every flow or in none"
            ));
        }
        Ok(t)
    }
}

/// What a serial of a product must look like.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SerialFormat {
    Plain,
    /// 15 digits with a Luhn check digit; IMEIs are unique across products.
    Imei,
    /// A regular expression the whole serial must match.
    Regex(String),
}

impl SerialFormat {
    pub fn parse(text: &str) -> Result<SerialFormat, String> {
        let t = text.trim();
        match t.to_ascii_lowercase().as_str() {
            "" | "plain" => Ok(SerialFormat::Plain),
            "imei" => Ok(SerialFormat::Imei),
            _ => match t.strip_prefix("regex:") {
                Some(pattern) => {
                    regex_lite::Regex::new(pattern).map_err(|e| {
                        format!("serial format regex \"{pattern}\" is invalid: {e}")
                    })?;
                    Ok(SerialFormat::Regex(pattern.to_string()))
                }
                None => Err(format!(
                    "expected a serial format plain, imei or regex:PATTERN, found {q_text}",
                    q_text = crate::domain::limits::quoted(text)
                )),
            },
        }
    }

    pub fn describe(&self) -> String {
        match self {
            SerialFormat::Plain => "plain".to_string(),
            SerialFormat::Imei => "imei".to_string(),
            SerialFormat::Regex(p) => format!("regex:{p}"),
        }
    }

    /// Checks a normalised serial against the format.
    pub fn check(&self, serial: &SerialKey) -> Result<(), String> {
        let s = serial.as_str();
        match self {
            SerialFormat::Plain => Ok(()),
            SerialFormat::Imei => {
                if scan::is_imei(s) {
                    Ok(())
                } else if s.len() == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
                    Err(format!("IMEI \"{s}\" fails its check digit: rescan"))
                } else {
                    Err(format!(
                        "expected an IMEI of 15 digits, found {q_s}",
                        q_s = crate::domain::limits::quoted(s)
                    ))
                }
            }
            SerialFormat::Regex(pattern) => {
                let anchored = format!("^(?:{pattern})$");
                match regex_lite::Regex::new(&anchored) {
                    Ok(re) if re.is_match(s) => Ok(()),
                    Ok(_) => Err(format!(
                        "serial \"{s}\" does not match the product's format \"{pattern}\""
                    )),
                    Err(e) => Err(format!("serial format regex \"{pattern}\" is invalid: {e}")),
                }
            }
        }
    }
}

/// A warranty period given with the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    Days(u32),
    Months(u32),
}

impl Period {
    /// Parses `24m`, `12 months`, `365d`, `90 days`.
    pub fn parse(text: &str) -> Result<Period, String> {
        let t = text.trim().to_ascii_lowercase();
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        let unit = t[digits.len()..].trim();
        let n: u32 = digits.parse().map_err(|_| {
            format!(
                "expected a period like 24m or 365d, found {q_text}",
                q_text = crate::domain::limits::quoted(text)
            )
        })?;
        match unit {
            "m" | "month" | "months" => Ok(Period::Months(n)),
            "d" | "day" | "days" => Ok(Period::Days(n)),
            _ => Err(format!(
                "expected a period like 24m or 365d, found {q_text}",
                q_text = crate::domain::limits::quoted(text)
            )),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Days(n) => write!(f, "{n}d"),
            Period::Months(n) => write!(f, "{n}m"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub sku: String,
    pub name: String,
    /// GTIN-14 (shorter GTINs are stored left-padded with zeros).
    pub gtin: Option<String>,
    pub category: String,
    pub tracking: Tracking,
    pub serial_format: SerialFormat,
    pub warranty: Option<Period>,
    /// Serials are upper-cased before they are stored or compared.
    pub fold_case: bool,
    /// The manufacturer warranty counts from the sale (default) or from receipt (supplier
    /// warranty).
    pub warranty_basis: crate::domain::warranty::StartBasis,
    /// What a replacement unit's coverage is (remaining term by default).
    pub replacement_policy: crate::domain::warranty::ReplacementPolicy,
}

impl Product {
    /// Normalises a raw serial for this product and checks its format.
    pub fn serial_key(&self, raw: &str) -> Result<SerialKey, String> {
        let key = SerialKey::normalize(raw, self.fold_case)?;
        self.serial_format.check(&key)?;
        Ok(key)
    }

    /// IMEIs identify a device worldwide, so they are unique across products.
    pub fn globally_unique_serials(&self) -> bool {
        self.serial_format == SerialFormat::Imei
    }
}

/// A storage place; the hierarchy is in the code (`WH1/A/01` lies in `WH1/A` in `WH1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub code: String,
    pub name: String,
}

impl Location {
    /// Checks and normalises a location code: upper case, segments of A-Z 0-9 - _ . joined by '/'.
    pub fn normalize_code(raw: &str) -> Result<String, String> {
        let code = raw.trim().to_uppercase();
        let ok = !code.is_empty()
            && code.len() <= 64
            && code.split('/').all(|seg| {
                !seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
            });
        if ok {
            Ok(code)
        } else {
            Err(format!(
                "expected a location code like WH1/A/01 (letters, digits, - _ . between slashes), found {q_raw}", q_raw = crate::domain::limits::quoted(raw)
            ))
        }
    }

    /// The codes of all ancestors, outermost first (`WH1`, `WH1/A` for `WH1/A/01`).
    pub fn ancestors(code: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut end = 0;
        while let Some(pos) = code[end..].find('/') {
            end += pos;
            out.push(code[..end].to_string());
            end += 1;
        }
        out
    }

    /// Whether `code` is `scope` or lies inside it.
    pub fn within(code: &str, scope: &str) -> bool {
        code == scope
            || (code.starts_with(scope) && code.as_bytes().get(scope.len()) == Some(&b'/'))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartyRole {
    Customer,
    Supplier,
    Both,
}

impl PartyRole {
    pub fn parse(text: &str) -> Result<PartyRole, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "customer" => Ok(PartyRole::Customer),
            "supplier" => Ok(PartyRole::Supplier),
            "both" => Ok(PartyRole::Both),
            _ => Err(format!(
                "expected a role customer, supplier or both, found {q_text}",
                q_text = crate::domain::limits::quoted(text)
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Customer => "customer",
            PartyRole::Supplier => "supplier",
            PartyRole::Both => "both",
        }
    }

    pub fn is_customer(self) -> bool {
        matches!(self, PartyRole::Customer | PartyRole::Both)
    }

    pub fn is_supplier(self) -> bool {
        matches!(self, PartyRole::Supplier | PartyRole::Both)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartyId(pub u32);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: PartyId,
    pub name: String,
    pub role: PartyRole,
    pub bill_to: String,
    pub ship_to: String,
}

impl Party {
    /// The lookup key of a party name: trimmed, inner blanks folded, upper-cased.
    pub fn name_key(name: &str) -> String {
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_uppercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_parses_per_flow() {
        assert_eq!(
            Tracking::parse("strict").unwrap(),
            Tracking::all(Mode::Strict)
        );
        let t = Tracking::parse("receipt=strict,sale=soft").unwrap();
        assert_eq!(t.sale, Mode::Soft);
        assert_eq!(t.ret, Mode::Strict);
        assert!(Tracking::parse("receipt=none,sale=soft").is_err());
        assert!(Tracking::parse("bogus").unwrap_err().contains("\"bogus\""));
    }

    #[test]
    fn location_hierarchy() {
        assert_eq!(Location::normalize_code(" wh1/a/01 ").unwrap(), "WH1/A/01");
        assert!(Location::normalize_code("WH1//A").is_err());
        assert_eq!(Location::ancestors("WH1/A/01"), vec!["WH1", "WH1/A"]);
        assert!(Location::within("WH1/A/01", "WH1/A"));
        assert!(Location::within("WH1/A", "WH1/A"));
        assert!(!Location::within("WH1/AB", "WH1/A"));
    }

    #[test]
    fn serial_formats() {
        let imei = SerialFormat::Imei;
        assert!(imei
            .check(&SerialKey::normalize("490154203237518", true).unwrap())
            .is_ok());
        let e = imei
            .check(&SerialKey::normalize("490154203237516", true).unwrap())
            .unwrap_err();
        assert!(e.contains("check digit"), "{e}");
        let re = SerialFormat::parse("regex:RT[0-9]{6}").unwrap();
        assert!(re
            .check(&SerialKey::normalize("RT123456", true).unwrap())
            .is_ok());
        assert!(re
            .check(&SerialKey::normalize("XRT123456", true).unwrap())
            .is_err());
        assert!(SerialFormat::parse("regex:(").is_err());
    }

    #[test]
    fn periods() {
        assert_eq!(Period::parse("24m").unwrap(), Period::Months(24));
        assert_eq!(Period::parse("365 days").unwrap(), Period::Days(365));
        assert!(Period::parse("soon").is_err());
    }
}
