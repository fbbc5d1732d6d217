//! Master data, postings, lookup and stock commands.

use super::args::{Cmd, ExportCmd, LocationCmd, PartyCmd, PostingArgs, ProductCmd};
use super::output;
use super::words::unescape_gs;
use super::{CliResult, Failure};
use crate::domain::{Day, DocKind, Money, PartyRole, Period, SerialFormat, Tracking};
use crate::ops::{Answer, Command, DocRequest, LineRequest, NewParty, NewProduct, Ops, Query};

pub fn run(service: &dyn Ops, cmd: &Cmd, json: bool) -> CliResult {
    match cmd {
        Cmd::Product(ProductCmd::Add(a)) => {
            let cmd = Command::AddProduct(NewProduct {
                sku: a.sku.clone(),
                name: a.name.clone(),
                gtin: a.gtin.clone(),
                category: a.category.clone(),
                tracking: Tracking::parse(&a.tracking).map_err(Failure::invalid)?,
                serial_format: SerialFormat::parse(&a.serial_format).map_err(Failure::invalid)?,
                warranty: a
                    .warranty
                    .as_deref()
                    .map(Period::parse)
                    .transpose()
                    .map_err(Failure::invalid)?,
                fold_case: !a.keep_case,
            });
            output::outcome(&service.execute(cmd)?, json)?;
        }
        Cmd::Product(ProductCmd::List) => output::answer(service.query(Query::Products)?, json)?,
        Cmd::Location(LocationCmd::Add { code, name }) => {
            let cmd = Command::AddLocation {
                code: code.clone(),
                name: name.clone(),
            };
            output::outcome(&service.execute(cmd)?, json)?;
        }
        Cmd::Location(LocationCmd::List) => output::answer(service.query(Query::Locations)?, json)?,
        Cmd::Party(PartyCmd::Add {
            name,
            role,
            bill_to,
            ship_to,
        }) => {
            let cmd = Command::AddParty(NewParty {
                name: name.clone(),
                role: PartyRole::parse(role).map_err(Failure::invalid)?,
                bill_to: bill_to.clone(),
                ship_to: ship_to.clone(),
            });
            output::outcome(&service.execute(cmd)?, json)?;
        }
        Cmd::Party(PartyCmd::List) => output::answer(service.query(Query::Parties)?, json)?,
        Cmd::Receive(a) => {
            let mut req = request(DocKind::Receipt, &a.common, a.cost.as_deref())?;
            req.party = Some(a.supplier.clone());
            req.invoice = Some(a.invoice.clone());
            req.to = a.to.clone();
            let cmd = Command::Post(req);
            output::outcome(&service.execute(cmd)?, json)?;
        }
        Cmd::Sell(a) => {
            let mut req = request(DocKind::Sale, &a.common, a.price.as_deref())?;
            req.party = Some(a.customer.clone());
            req.invoice = Some(a.invoice.clone());
            req.from = a.from.clone();
            output::outcome(&service.execute(Command::Post(req))?, json)?;
        }
        Cmd::Return(a) => {
            let mut req = request(DocKind::Return, &a.common, None)?;
            req.party = Some(a.customer.clone());
            req.to = Some(a.to.clone());
            output::outcome(&service.execute(Command::Post(req))?, json)?;
        }
        Cmd::Transfer(a) => {
            let mut req = request(DocKind::Transfer, &a.common, None)?;
            req.from = Some(a.from.clone());
            req.to = Some(a.to.clone());
            output::outcome(&service.execute(Command::Post(req))?, json)?;
        }
        Cmd::WriteOff(a) => {
            let mut req = request(DocKind::WriteOff, &a.common, None)?;
            req.from = a.from.clone();
            output::outcome(&service.execute(Command::Post(req))?, json)?;
        }
        Cmd::Lookup { serial } => {
            let key = unescape_gs(serial);
            // One request: the units, or the serial's count scans when no unit has it.
            let Answer::Found { units, scans } = service.query(Query::Find {
                serial: key.clone(),
                date: None,
            })?
            else {
                return Err(Failure::storage("unexpected answer to a lookup"));
            };
            if units.is_empty() {
                let Some(last) = scans.last() else {
                    return Err(Failure::invalid(format!(
                        "SN {} is unknown: never received, sold or counted here",
                        crate::domain::limits::quoted(&key)
                    )));
                };
                let s = &last.scan;
                return Err(Failure::invalid(format!(
                    "SN \"{}\" has no unit: never received, but counted in count {} at {} (scan {} by {}); settle it with `tallyman count mismatches {}`",
                    s.serial, s.count, s.location, s.number, s.counter, s.count
                )));
            }
            output::units(&units, json)?;
        }
        Cmd::Stock(f) => {
            let q = Query::Stock {
                location: f.location.clone(),
                sku: f.product.clone(),
            };
            output::answer(service.query(q)?, json)?;
        }
        Cmd::Export(ExportCmd::Stock { csv: _, filter }) => {
            let q = Query::Stock {
                location: filter.location.clone(),
                sku: filter.product.clone(),
            };
            let Answer::Stock(lines) = service.query(q)? else {
                return Err(Failure::storage("unexpected answer to a stock query"));
            };
            if json {
                output::stock(&lines, true)?;
            } else {
                output::stock_csv(&lines)?;
            }
        }
        _ => return Err(Failure::invalid("this command is handled elsewhere")),
    }
    Ok(())
}

fn request(kind: DocKind, a: &PostingArgs, amount: Option<&str>) -> Result<DocRequest, Failure> {
    let amount = amount
        .map(Money::parse)
        .transpose()
        .map_err(Failure::invalid)?;
    let date = a
        .date
        .as_deref()
        .map(Day::parse)
        .transpose()
        .map_err(Failure::invalid)?;
    let lines = if a.serials.is_empty() {
        let Some(qty) = a.qty else {
            return Err(Failure::invalid(format!(
                "a {} needs serials or --qty N",
                kind.as_str()
            )));
        };
        vec![LineRequest {
            sku: a.product.clone().unwrap_or_default(),
            serial: None,
            qty,
            amount,
        }]
    } else {
        a.serials
            .iter()
            .map(|s| LineRequest {
                sku: a.product.clone().unwrap_or_default(),
                serial: Some(unescape_gs(s)),
                qty: 1,
                amount,
            })
            .collect()
    };
    Ok(DocRequest {
        kind,
        date,
        party: None,
        invoice: None,
        from: None,
        to: None,
        reason: a.reason.clone(),
        declared_qty: if a.serials.is_empty() { None } else { a.qty },
        lines,
    })
}
