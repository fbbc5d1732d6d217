//! The tracking rules of each flow: what is wrong with a serial, and what strict or soft mode
//! makes of it. Pure: the caller passes the unit as the store knows it.

use crate::domain::catalog::{Location, Mode, PartyId};
use crate::domain::document::Warning;
use crate::domain::serial::SerialKey;
use crate::domain::unit::{Unit, UnitState};

/// Names for ids, so refusals can say "sold to ACME" rather than "sold to party 7".
pub trait Names {
    fn party_name(&self, id: PartyId) -> String;
}

/// What the store says about a unit, in words: `sold to ACME on S-2026-0042`.
pub fn describe_state(unit: &Unit, names: &dyn Names) -> String {
    match &unit.state {
        UnitState::InStock { location } => format!("in stock at {location}"),
        UnitState::Sold { document, customer } => {
            format!("sold to {} on {document}", names.party_name(*customer))
        }
        UnitState::InRepair => "in repair".to_string(),
        UnitState::WrittenOff => "written off".to_string(),
        UnitState::Replaced { by } => format!("replaced by \"{by}\""),
        UnitState::Renamed { to } => format!("corrected to \"{to}\""),
    }
}

fn sn(serial: &SerialKey) -> String {
    format!("SN \"{serial}\"")
}

/// Receiving: a serial must not be ours already (in stock, in repair, or sold and not returned).
pub fn receipt_problem(
    serial: &SerialKey,
    unit: Option<&Unit>,
    names: &dyn Names,
) -> Option<String> {
    let unit = unit?;
    match unit.state {
        UnitState::InStock { .. } | UnitState::InRepair | UnitState::Sold { .. } => Some(format!(
            "{} is {}, expected not in stock and not sold",
            sn(serial),
            describe_state(unit, names)
        )),
        UnitState::WrittenOff | UnitState::Replaced { .. } | UnitState::Renamed { .. } => None,
    }
}

/// Selling: a serial must be in stock, at the source location when one is named.
pub fn sale_problem(
    serial: &SerialKey,
    unit: Option<&Unit>,
    from: Option<&str>,
    names: &dyn Names,
) -> Option<String> {
    at_source_problem(serial, unit, from, names)
}

/// Transferring: a serial must be in stock at the source.
pub fn transfer_problem(
    serial: &SerialKey,
    unit: Option<&Unit>,
    from: Option<&str>,
    names: &dyn Names,
) -> Option<String> {
    at_source_problem(serial, unit, from, names)
}

fn at_source_problem(
    serial: &SerialKey,
    unit: Option<&Unit>,
    from: Option<&str>,
    names: &dyn Names,
) -> Option<String> {
    let Some(unit) = unit else {
        return Some(format!(
            "{} is unknown (never received), expected in stock",
            sn(serial)
        ));
    };
    match (&unit.state, from) {
        (UnitState::InStock { location }, Some(from)) if !Location::within(location, from) => Some(
            format!("{} is in stock at {location}, not at {from}", sn(serial)),
        ),
        (UnitState::InStock { .. }, _) => None,
        _ => Some(format!(
            "{} is {}, not in stock",
            sn(serial),
            describe_state(unit, names)
        )),
    }
}

/// Customer return: the serial must be sold by us to this very customer (substitution guard).
pub fn return_problem(
    serial: &SerialKey,
    unit: Option<&Unit>,
    customer: PartyId,
    names: &dyn Names,
) -> Option<String> {
    let Some(unit) = unit else {
        return Some(format!("{} was never received or sold by us", sn(serial)));
    };
    match &unit.state {
        UnitState::Sold { customer: c, .. } if *c == customer => None,
        UnitState::Sold {
            document,
            customer: c,
        } => Some(format!(
            "{} is sold to {} on {document}, not to {}",
            sn(serial),
            names.party_name(*c),
            names.party_name(customer)
        )),
        _ if unit.sale.is_none() => Some(format!(
            "{} is {} and was never sold by us",
            sn(serial),
            describe_state(unit, names)
        )),
        _ => Some(format!(
            "{} is {}, not sold to {}",
            sn(serial),
            describe_state(unit, names),
            names.party_name(customer)
        )),
    }
}

/// Write-off: the serial must be in stock (at the source location when one is named).
pub fn write_off_problem(
    serial: &SerialKey,
    unit: Option<&Unit>,
    from: Option<&str>,
    names: &dyn Names,
) -> Option<String> {
    at_source_problem(serial, unit, from, names)
}

/// What a mode makes of a problem: strict refuses it; soft accepts it with a reason, which
/// becomes a logged warning; a missing reason in soft mode is a refusal that asks for one.
pub fn judge(
    mode: Mode,
    problem: Option<String>,
    reason: Option<&str>,
) -> Result<Option<Warning>, String> {
    let Some(problem) = problem else {
        return Ok(None);
    };
    match mode {
        Mode::Strict | Mode::None => Err(problem),
        Mode::Soft => match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(reason) => Ok(Some(Warning {
                message: problem,
                reason: reason.to_string(),
            })),
            None => Err(format!("{problem} (soft mode: give a reason to accept it)")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::ProductId;
    use crate::domain::document::DocNo;

    struct TestNames;
    impl Names for TestNames {
        fn party_name(&self, id: PartyId) -> String {
            format!("P{}", id.0)
        }
    }

    fn unit(state: UnitState) -> Unit {
        Unit {
            product: ProductId(1),
            serial: SerialKey::normalize("X1", true).unwrap(),
            state,
            cost: None,
            receipt: None,
            supplier: None,
            received_on: None,
            sale: None,
            activation: None,
            coverages: Vec::new(),
        }
    }

    fn key() -> SerialKey {
        SerialKey::normalize("X1", true).unwrap()
    }

    #[test]
    fn receipt_blocks_units_we_have_or_sold() {
        let n = TestNames;
        let in_stock = unit(UnitState::InStock {
            location: "WH1".into(),
        });
        let p = receipt_problem(&key(), Some(&in_stock), &n).unwrap();
        assert_eq!(
            p,
            "SN \"X1\" is in stock at WH1, expected not in stock and not sold"
        );
        let sold = unit(UnitState::Sold {
            document: DocNo("S-2026-0042".into()),
            customer: PartyId(3),
        });
        assert!(receipt_problem(&key(), Some(&sold), &n)
            .unwrap()
            .contains("sold to P3 on S-2026-0042"));
        assert!(receipt_problem(&key(), Some(&unit(UnitState::WrittenOff)), &n).is_none());
        assert!(receipt_problem(&key(), None, &n).is_none());
    }

    #[test]
    fn sale_needs_stock_at_source() {
        let n = TestNames;
        let u = unit(UnitState::InStock {
            location: "WH1/A/01".into(),
        });
        assert!(sale_problem(&key(), Some(&u), Some("WH1/A"), &n).is_none());
        assert_eq!(
            sale_problem(&key(), Some(&u), Some("WH2"), &n).unwrap(),
            "SN \"X1\" is in stock at WH1/A/01, not at WH2"
        );
        let sold = unit(UnitState::Sold {
            document: DocNo("S-2026-0042".into()),
            customer: PartyId(3),
        });
        assert_eq!(
            sale_problem(&key(), Some(&sold), None, &n).unwrap(),
            "SN \"X1\" is sold to P3 on S-2026-0042, not in stock"
        );
        assert!(sale_problem(&key(), None, None, &n)
            .unwrap()
            .contains("unknown"));
    }

    #[test]
    fn return_guards_substitution() {
        let n = TestNames;
        let sold = unit(UnitState::Sold {
            document: DocNo("S-1".into()),
            customer: PartyId(3),
        });
        assert!(return_problem(&key(), Some(&sold), PartyId(3), &n).is_none());
        assert!(return_problem(&key(), Some(&sold), PartyId(4), &n)
            .unwrap()
            .contains("not to P4"));
        let stock = unit(UnitState::InStock {
            location: "WH1".into(),
        });
        assert!(return_problem(&key(), Some(&stock), PartyId(3), &n)
            .unwrap()
            .contains("never sold"));
        assert!(return_problem(&key(), None, PartyId(3), &n)
            .unwrap()
            .contains("never received"));
    }

    #[test]
    fn modes_judge_problems() {
        assert_eq!(judge(Mode::Strict, None, None), Ok(None));
        assert_eq!(
            judge(Mode::Strict, Some("bad".into()), Some("why")),
            Err("bad".into())
        );
        assert!(judge(Mode::Soft, Some("bad".into()), None)
            .unwrap_err()
            .contains("reason"));
        assert!(judge(Mode::Soft, Some("bad".into()), Some("  ")).is_err());
        let w = judge(Mode::Soft, Some("bad".into()), Some("found on shelf"))
            .unwrap()
            .unwrap();
        assert_eq!(w.reason, "found on shelf");
    }
}
