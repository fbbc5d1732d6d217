//! What the commands print: plain text for people, `--json` for scripts.

use super::{CliResult, Failure};
use crate::domain::scan::{self, ScanConfig};
use crate::domain::{Product, UnitState};
use crate::ops::{Answer, Outcome, StockLine, UnitView};
use serde_json::{json, Value};

fn opt<T: ToString>(v: &Option<T>) -> Value {
    v.as_ref()
        .map(|x| Value::String(x.to_string()))
        .unwrap_or(Value::Null)
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

pub fn outcome_json(o: &Outcome) -> Value {
    match o {
        Outcome::ProductAdded(p) => json!({ "product_added": product_json(p) }),
        Outcome::LocationAdded(codes) => json!({ "locations_added": codes }),
        Outcome::PartyAdded(p) => {
            json!({ "party_added": { "id": p.id.0, "name": p.name, "role": p.role.as_str() } })
        }
        Outcome::Posted {
            document,
            kind,
            lines,
            warnings,
        } => json!({
            "document": document.0,
            "kind": kind.as_str(),
            "lines": lines,
            "warnings": warnings.iter().map(|w| json!({"message": w.message, "reason": w.reason})).collect::<Vec<_>>(),
        }),
        Outcome::Batch(list) => Value::Array(list.iter().map(outcome_json).collect()),
        other => super::count::outcome_json(other).unwrap_or(Value::Null),
    }
}

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
        other => super::count::outcome_text(other).unwrap_or_default(),
    }
}

pub fn outcome(o: &Outcome, json: bool) {
    if json {
        outln!("{}", outcome_json(o));
    } else {
        outln!("{}", outcome_text(o));
    }
}

fn product_json(p: &Product) -> Value {
    json!({
        "id": p.id.0,
        "sku": p.sku,
        "name": p.name,
        "gtin": p.gtin,
        "category": p.category,
        "tracking": p.tracking.describe(),
        "serial_format": p.serial_format.describe(),
        "warranty": opt(&p.warranty),
    })
}

/// Prints an answer; printers only format, they never ask the service.
pub fn answer(a: Answer, json: bool) -> CliResult {
    match a {
        Answer::Products(list) => {
            if json {
                outln!("{}", Value::Array(list.iter().map(product_json).collect()));
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
                outln!(
                    "{}",
                    json!(list
                        .iter()
                        .map(|l| json!({"code": l.code, "name": l.name}))
                        .collect::<Vec<_>>())
                );
            } else {
                for l in list {
                    outln!("{:<20} {}", l.code, l.name);
                }
            }
        }
        Answer::Parties(list) => {
            if json {
                let v: Vec<Value> = list
                    .iter()
                    .map(|p| json!({"id": p.id.0, "name": p.name, "role": p.role.as_str(), "bill_to": p.bill_to, "ship_to": p.ship_to}))
                    .collect();
                outln!("{}", Value::Array(v));
            } else {
                for p in list {
                    outln!("{:<30} {:<9} {}", p.name, p.role.as_str(), p.ship_to);
                }
            }
        }
        Answer::Units(units) => self::units(&units, json)?,
        Answer::Counts(list) => {
            for c in list {
                if json {
                    outln!("{}", super::count::count_json(&c.count));
                } else {
                    outln!("{}", super::count::count_text(&c.count));
                }
            }
        }
        Answer::Scans(list) => {
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
        Answer::Stock(lines) => stock(&lines, json),
        other => {
            if json {
                outln!("{}", serde_json::to_value(&other).unwrap_or(Value::Null));
            } else {
                outln!("{other:?}");
            }
        }
    }
    Ok(())
}

fn stock(lines: &[StockLine], json: bool) {
    if json {
        let v: Vec<Value> = lines
            .iter()
            .map(|l| json!({"location": l.location, "sku": l.sku, "name": l.name, "serial": l.serial, "qty": l.qty}))
            .collect();
        outln!("{}", Value::Array(v));
        return;
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

pub fn unit_json(v: &UnitView, warranty: Option<&crate::ops::warranty::WarrantyView>) -> Value {
    let u = &v.unit;
    let events: Vec<Value> = v
        .timeline
        .iter()
        .map(|t| {
            let e = &t.entry;
            json!({
                "kind": e.kind.name(),
                "at": rfc3339(e.at_ms),
                "date": e.date.to_string(),
                "document": e.document.0,
                "party": t.party_name,
                "invoice": e.invoice,
                "from": e.from,
                "to": e.to,
                "amount": opt(&e.amount),
                "reason": e.reason,
                "warning": e.warning.as_ref().map(|w| json!({"message": w.message, "reason": w.reason})),
                "actor": e.actor,
                "seq": e.seq,
            })
        })
        .collect();
    json!({
        "serial": u.serial.as_str(),
        "product": v.product.sku,
        "product_name": v.product.name,
        "state": u.state.name(),
        "location": u.state.location(),
        "customer": v.customer,
        "supplier": v.supplier,
        "cost": opt(&u.cost),
        "receipt": u.receipt.as_ref().map(|d| d.0.clone()),
        "sale": u.sale.as_ref().map(|s| json!({"document": s.document.0, "date": s.date.to_string(), "price": opt(&s.price), "returned": s.returned})),
        "events": events,
        "warranty": warranty.map(super::warranty::warranty_json),
    })
}

pub fn units(units: &[UnitView], json: bool) -> CliResult {
    let views: Vec<&crate::ops::warranty::WarrantyView> =
        units.iter().map(|u| &u.warranty).collect();
    if json {
        let mut first = units
            .first()
            .map(|u| unit_json(u, views.first().copied()))
            .unwrap_or(Value::Null);
        if units.len() > 1 {
            if let Value::Object(map) = &mut first {
                map.insert(
                    "other_products".into(),
                    Value::Array(
                        units[1..]
                            .iter()
                            .zip(&views[1..])
                            .map(|(u, w)| unit_json(u, Some(*w)))
                            .collect(),
                    ),
                );
            }
        }
        outln!("{first}");
        return Ok(());
    }
    for (i, (v, w)) in units.iter().zip(&views).enumerate() {
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
        for line in super::warranty::warranty_text(w) {
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
            if let Some(r) = &e.reason {
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
    let unescaped = super::postings::unescape_gs(data);
    let d = scan::decode(&unescaped, &ScanConfig::default())
        .map_err(|e| Failure::invalid(e.to_string()))?;
    if json {
        outln!(
            "{}",
            json!({"kind": d.kind.as_str(), "serial": d.serial, "gtin": d.gtin, "lot": d.lot, "expiry": d.expiry, "imei": d.imei})
        );
    } else {
        outln!("kind:   {}", d.kind.as_str());
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
