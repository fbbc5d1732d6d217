//! `tallyman warranty ...` and `tallyman repair ...`: the warranty engine from the command line.

use super::args::{RepairCmd, WarrantyCmd};
use super::json::{self as j};
use super::words::{scan_key, warranty_text};
use super::{CliResult, Failure};
use crate::domain::warranty::{AgreementEventCode, GenericWarranty, ReplacementPolicy, StartBasis};
use crate::domain::{Day, Period};
use crate::ops::{Answer, Command, Ops, OpsQueries, Outcome, Query, WarrantyRow};

fn day(raw: &Option<String>) -> Result<Option<Day>, Failure> {
    raw.as_deref()
        .map(Day::parse)
        .transpose()
        .map_err(Failure::invalid)
}

fn run_cmd(service: &dyn Ops, cmd: Command, json: bool) -> CliResult {
    let out = service.execute(cmd)?;
    match out {
        Outcome::Noted(text) if !json => outln!("{text}"),
        other => super::output::outcome(&other, json)?,
    }
    Ok(())
}

fn report_rows(rows: &[WarrantyRow], csv: bool, json: bool) -> CliResult {
    let party = |r: &WarrantyRow| r.customer.clone().unwrap_or_default();
    if json {
        return j::print(
            &rows
                .iter()
                .map(j::WarrantyRowJson::from)
                .collect::<Vec<_>>(),
        );
    }
    // CSV goes through the csv crate's writer: a customer name (or a serial) with a comma,
    // quote or line break is quoted as RFC 4180 says.
    let mut out = csv.then(|| csv::Writer::from_writer(std::io::stdout().lock()));
    let mut csv_row = |rec: &[&str]| match out.as_mut() {
        Some(w) => w.write_record(rec).map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => super::exit_on_output_error(&e),
            other => Failure::storage(format!("cannot write CSV: {other:?}")),
        }),
        None => Ok(()),
    };
    csv_row(&[
        "serial",
        "sku",
        "customer",
        "sale_date",
        "period",
        "end",
        "days_left",
        "status",
    ])?;
    for r in rows {
        let (u, p, v) = (&r.unit, &r.product, &r.warranty);
        let end = v
            .current
            .as_ref()
            .map(|c| c.end.to_string())
            .unwrap_or_default();
        let sale = u
            .sale
            .as_ref()
            .map(|s| s.date.to_string())
            .unwrap_or_default();
        let period = p.warranty.map(|w| w.to_string()).unwrap_or_default();
        let left = v.days_left.map(|d| d.to_string()).unwrap_or_default();
        if csv {
            csv_row(&[
                u.serial.as_str(),
                &p.sku,
                &party(r),
                &sale,
                &period,
                &end,
                &left,
                v.status.label(),
            ])?;
        } else {
            outln!(
                "{:<18} {:<10} {:<20} sold {sale}  {period:>4}  to {end:<10}  {:>5} days  {}",
                u.serial.as_str(),
                p.sku,
                party(r),
                left,
                v.status.label()
            );
        }
    }
    match out {
        Some(mut w) => w.flush().map_err(|e| super::exit_on_output_error(&e)),
        None => {
            outln!("{} unit(s)", rows.len());
            Ok(())
        }
    }
}

/// One warranty report's rows, asked in one request.
fn warranties(
    service: &dyn Ops,
    days: Option<u32>,
    customer: Option<String>,
) -> Result<Vec<WarrantyRow>, Failure> {
    match service.query(Query::Warranties {
        date: None,
        days,
        customer,
    })? {
        Answer::Warranties(rows) => Ok(rows),
        _ => Err(Failure::storage("unexpected answer to a warranty report")),
    }
}

pub fn run(service: &dyn Ops, cmd: &WarrantyCmd, json: bool) -> CliResult {
    match cmd {
        WarrantyCmd::Show { serial, date } => {
            let date = day(date)?;
            let units = service.lookup(super::words::unescape_gs(serial), date)?;
            if units.is_empty() {
                return Err(Failure::invalid(format!(
                    "SN \"{serial}\" is unknown: never received, sold or counted here"
                )));
            }
            if json {
                return match j::WarrantyShowJson::new(&units) {
                    Some(doc) => j::print(&doc),
                    None => Err(Failure::invalid("no unit to show")),
                };
            }
            for v in &units {
                let w = &v.warranty;
                let date = w.date;
                outln!(
                    "SN {}  {} {}  on {date}",
                    v.unit.serial,
                    v.product.sku,
                    v.product.name
                );
                for line in warranty_text(w) {
                    outln!("{line}");
                }
            }
        }
        WarrantyCmd::Activate { serial, date } => run_cmd(
            service,
            Command::ActivateWarranty {
                serial: scan_key(serial)?,
                date: day(date)?,
            },
            json,
        )?,
        WarrantyCmd::Extend {
            serial,
            months,
            days,
            until,
            start,
            tag,
            invoice,
            order,
        } => {
            let duration = match (months, days) {
                (Some(m), _) => Some(Period::Months(*m)),
                (None, Some(d)) => Some(Period::Days(*d)),
                (None, None) => None,
            };
            run_cmd(
                service,
                Command::ExtendWarranty {
                    serial: scan_key(serial)?,
                    duration,
                    until: day(until)?,
                    start: day(start)?,
                    tag: tag.clone(),
                    invoice: invoice.clone(),
                    order: order.clone(),
                },
                json,
            )?
        }
        WarrantyCmd::Replace {
            old,
            new,
            policy,
            note,
        } => {
            let policy = policy
                .as_deref()
                .map(ReplacementPolicy::parse)
                .transpose()
                .map_err(Failure::invalid)?;
            run_cmd(
                service,
                Command::WarrantyReplace {
                    old: scan_key(old)?,
                    new: scan_key(new)?,
                    policy,
                    note: note.clone(),
                },
                json,
            )?
        }
        WarrantyCmd::Event {
            agreement,
            code,
            note,
        } => {
            let code = AgreementEventCode::parse(code).map_err(Failure::invalid)?;
            run_cmd(
                service,
                Command::AgreementEvent {
                    number: agreement.clone(),
                    code,
                    note: note.clone(),
                },
                json,
            )?
        }
        WarrantyCmd::Terms { sku, from, policy } => run_cmd(
            service,
            Command::WarrantyTerms {
                sku: sku.clone(),
                basis: StartBasis::parse(from).map_err(Failure::invalid)?,
                policy: ReplacementPolicy::parse(policy).map_err(Failure::invalid)?,
            },
            json,
        )?,
        WarrantyCmd::Generic {
            category,
            service_type,
            from,
            to,
            force,
        } => run_cmd(
            service,
            Command::AddGenericWarranty(GenericWarranty {
                category: category.clone(),
                service_type: service_type.clone(),
                effective: Day::parse(from).map_err(Failure::invalid)?,
                expiry: Day::parse(to).map_err(Failure::invalid)?,
                force_generic: *force,
            }),
            json,
        )?,
        WarrantyCmd::Expiring { days, csv } => {
            report_rows(&warranties(service, Some(*days), None)?, *csv, json)?
        }
        WarrantyCmd::Tracking { csv } => {
            report_rows(&warranties(service, None, None)?, *csv, json)?
        }
        WarrantyCmd::Customer { name, csv } => {
            report_rows(&warranties(service, None, Some(name.clone()))?, *csv, json)?
        }
        WarrantyCmd::Card { sale } => card(service, sale, json)?,
    }
    Ok(())
}

fn card(service: &dyn Ops, number: &str, json: bool) -> CliResult {
    let Answer::Card(card) = service.query(Query::Card {
        sale: number.to_string(),
    })?
    else {
        return Err(Failure::storage("unexpected answer to a warranty card"));
    };
    if json {
        return j::print(&j::CardJson::from(&card));
    }
    let doc = &card.document;
    let customer = &card.customer;
    outln!("==================== WARRANTY CARD ====================");
    outln!(
        "Sale {}  of {}  invoice {}",
        doc.number,
        doc.date,
        doc.invoice.as_deref().unwrap_or("-")
    );
    if let Some(c) = &customer {
        outln!("Customer: {}", c.name);
        if !c.bill_to.is_empty() {
            outln!("          {}", c.bill_to);
        }
    }
    outln!("-------------------------------------------------------");
    for line in &card.lines {
        let (product, serial) = (&line.product, &line.serial);
        outln!("{} {}", product.sku, product.name);
        outln!("  SN {serial}");
        if let Some(w) = &line.warranty {
            for c in &w.coverages {
                outln!(
                    "  {} warranty {} to {}{}",
                    c.kind.as_str(),
                    c.start,
                    c.end,
                    c.agreement
                        .as_deref()
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default()
                );
            }
            if w.coverages.is_empty() {
                outln!("  no warranty");
            }
        }
    }
    outln!("-------------------------------------------------------");
    outln!("Keep this card. Quote the serial number for any claim.");
    Ok(())
}

pub fn repair(service: &dyn Ops, cmd: &RepairCmd, json: bool) -> CliResult {
    match cmd {
        RepairCmd::Intake {
            serial,
            service_type,
            note,
        } => run_cmd(
            service,
            Command::RepairIntake {
                serial: scan_key(serial)?,
                service_type: service_type.clone(),
                note: note.clone(),
            },
            json,
        ),
        RepairCmd::Close { serial, to, note } => run_cmd(
            service,
            Command::RepairClose {
                serial: scan_key(serial)?,
                to: to.clone(),
                note: note.clone(),
            },
            json,
        ),
    }
}
