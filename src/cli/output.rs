//! What the commands print: plain text for people, `--json` for scripts.

use super::json::{self as j, OutcomeJson};
use super::{CliResult, Failure};
use crate::domain::scan::{self, ScanConfig};
use crate::domain::UnitState;
use crate::ops::{Answer, Outcome, StockLine, UnitView};

pub fn outcome_text(o: &Outcome) -> String {
    match o {
        Outcome::ProductAdded(p) => format!("added product {} ({})", p.sku, p.name),
        Outcome::LocationAdded(codes) => format!("added location {}", codes.join(", ")),
        Outcome::PartyAdded(p) => format!("added {} {}", p.role.as_str(), p.name),
        Outcome::Posted {
            document,
            kind,
            lines,
            warnings,
        } => {
            let mut s = format!("posted {} {document}: {lines} line(s)", kind.as_str());
            for w in warnings {
                s.push_str(&format!(
                    "\nwarning: {} (accepted: {})",
                    w.message, w.reason
                ));
            }
            s
        }
        Outcome::Batch(list) => list.iter().map(outcome_text).collect::<Vec<_>>().join("\n"),
        other => super::words::count_outcome_text(other).unwrap_or_default(),
    }
}

pub fn outcome(o: &Outcome, json: bool) -> CliResult {
    if json {
        j::print(&OutcomeJson::from(o))
    } else {
        outln!("{}", outcome_text(o));
        Ok(())
    }
}

/// Prints an answer; printers only format, they never ask the service.
pub fn answer(a: Answer, json: bool) -> CliResult {
    match a {
        Answer::Products(list) => {
            if json {
                return j::print(&list.iter().map(j::ProductJson::from).collect::<Vec<_>>());
            } else {
                for p in list {
                    outln!(
                        "{:<14} {:<30} {:<8} {:<14} {}",
                        p.sku,
                        p.name,
                        p.tracking.describe(),
                        p.serial_format.describe(),
                        p.gtin.unwrap_or_default()
                    );
                }
            }
        }
        Answer::Locations(list) => {
            if json {
                return j::print(&list.iter().map(j::LocationJson::from).collect::<Vec<_>>());
            } else {
                for l in list {
                    outln!("{:<20} {}", l.code, l.name);
                }
            }
        }
        Answer::Parties(list) => {
            if json {
                return j::print(&list.iter().map(j::PartyJson::from).collect::<Vec<_>>());
            } else {
                for p in list {
                    outln!("{:<30} {:<9} {}", p.name, p.role.as_str(), p.ship_to);
                }
            }
        }
        Answer::Units(units) => self::units(&units, json)?,
        Answer::Counts(list) => {
            if json {
                return j::print(
                    &list
                        .iter()
                        .map(|c| j::CountJson::from(&c.count))
                        .collect::<Vec<_>>(),
                );
            }
            for c in list {
                outln!("{}", super::words::count_text(&c.count));
            }
        }
        Answer::Scans(list) => {
            if json {
                return j::print(&list.iter().map(j::ScanExportJson::from).collect::<Vec<_>>());
            }
            for s in list.iter().map(|l| &l.scan) {
                outln!(
                    "{} {} {} {}",
                    s.number,
                    s.serial,
                    s.location,
                    s.verdict.name()
                );
            }
        }
        Answer::Stock(lines) => stock(&lines, json)?,
        other => {
            if json {
                // Answers no command prints yet: the ops view type as it is.
                return j::print(&other);
            } else {
                outln!("{other:?}");
            }
        }
    }
    Ok(())
}

pub fn stock(lines: &[StockLine], json: bool) -> CliResult {
    if json {
        return j::print(&lines.iter().map(j::StockLineJson::from).collect::<Vec<_>>());
    }
    for l in lines {
        outln!(
            "{:<14} {:<14} {:<24} {}",
            l.location,
            l.sku,
            l.serial.as_deref().unwrap_or("-"),
            l.qty
        );
    }
    outln!(
        "{} line(s), {} unit(s)",
        lines.len(),
        lines.iter().map(|l| l.qty).sum::<i64>()
    );
    Ok(())
}

pub fn stock_csv(lines: &[StockLine]) -> CliResult {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => super::exit_on_output_error(&e),
        other => Failure::storage(format!("cannot write CSV: {other:?}")),
    };
    w.write_record(["location", "sku", "name", "serial", "qty"])
        .map_err(io)?;
    for l in lines {
        w.write_record([
            l.location.as_str(),
            l.sku.as_str(),
            l.name.as_str(),
            l.serial.as_deref().unwrap_or(""),
            &l.qty.to_string(),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(|e| super::exit_on_output_error(&e))
}

pub fn units(units: &[UnitView], json: bool) -> CliResult {
    if json {
        return match j::LookupJson::new(units) {
            Some(doc) => j::print(&doc),
            None => Err(Failure::invalid("no unit to show")),
        };
    }
    for (i, v) in units.iter().enumerate() {
        if i > 0 {
            outln!("");
        }
        let u = &v.unit;
        outln!("SN {}  {} {}", u.serial, v.product.sku, v.product.name);
        let state = match &u.state {
            UnitState::InStock { location } => format!("in stock at {location}"),
            UnitState::Sold { document, .. } => {
                format!(
                    "sold to {} on {document}",
                    v.customer.as_deref().unwrap_or("?")
                )
            }
            other => other.name().to_string(),
        };
        outln!("state:    {state}");
        if let Some(cost) = u.cost {
            outln!(
                "cost:     {cost} (receipt {}, from {})",
                u.receipt.as_ref().map(|d| d.0.as_str()).unwrap_or("-"),
                v.supplier.as_deref().unwrap_or("-")
            );
        }
        if let Some(sale) = &u.sale {
            let price = sale
                .price
                .map(|p| p.to_string())
                .unwrap_or_else(|| "-".into());
            let margin = match (sale.price, u.cost) {
                (Some(p), Some(c)) => format!(", margin {}", crate::domain::Money(p.0 - c.0)),
                _ => String::new(),
            };
            outln!(
                "price:    {price} on {}{margin}{}",
                sale.document,
                if sale.returned { " (returned)" } else { "" }
            );
        }
        for line in super::words::warranty_text(&v.warranty) {
            outln!("{line}");
        }
        outln!("timeline:");
        for t in &v.timeline {
            let e = &t.entry;
            let mut line = format!("  {}  {:<12} {}", e.date, e.kind.name(), e.document);
            if let Some(p) = &t.party_name {
                line.push_str(&format!("  {p}"));
            }
            if let Some(inv) = &e.invoice {
                line.push_str(&format!("  inv {inv}"));
            }
            match (&e.from, &e.to) {
                (Some(f), Some(t)) => line.push_str(&format!("  {f} -> {t}")),
                (None, Some(t)) => line.push_str(&format!("  -> {t}")),
                (Some(f), None) => line.push_str(&format!("  {f} ->")),
                (None, None) => {}
            }
            if let Some(a) = e.amount {
                line.push_str(&format!("  {a}"));
            }
            if let Some(r) = t.reason() {
                line.push_str(&format!("  ({r})"));
            }
            outln!("{line}");
            if let Some(w) = &e.warning {
                outln!("      warning: {} (accepted: {})", w.message, w.reason);
            }
        }
    }
    Ok(())
}

pub fn decode(data: &str, json: bool) -> CliResult {
    let unescaped = super::words::unescape_gs(data);
    let d = scan::decode(&unescaped, &ScanConfig::default())
        .map_err(|e| Failure::invalid(e.to_string()))?;
    if json {
        return j::print(&j::DecodeJson::from(&d));
    } else {
        outln!("{:<7} {}", "kind", d.kind.as_str());
        for (name, v) in [
            ("serial", &d.serial),
            ("gtin", &d.gtin),
            ("lot", &d.lot),
            ("expiry", &d.expiry),
            ("imei", &d.imei),
        ] {
            if let Some(v) = v {
                outln!("{name:<7} {v}");
            }
        }
    }
    Ok(())
}
