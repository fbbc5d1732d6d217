//! "Why is this serial not here" has one vocabulary (`domain::NotHere`) and one renderer
//! (`ops::not_here`): every reason has a short form within 20 columns and a long form, and the
//! command line, the scan screen and the mismatch screens say the same words for it.

use std::collections::{BTreeMap, HashMap};

use tallyman::domain::reconcile::Reconciliation;
use tallyman::domain::{
    Count, CountId, CountScan, CountScope, CountStatus, DocKind, DocNo, NotHere, PartyId,
    ScanVerdict, SerialFormat, SerialKey, Unexpected,
};
use tallyman::ops::local::Service;
use tallyman::ops::Mismatches;
use tallyman::ops::{
    party_named, scan_words, why_line, why_long, why_short, Answer, Command, MismatchView, Query,
    ScanReport,
};
use tallyman::tui::screens::count_scan::state::AnswerKind;
use tallyman::tui::screens::count_scan::state::ScanAnswer;
use tallyman::tui::screens::count_scan::state::Why;
use tallyman::tui::screens::count_scan::words::answer_facts;
use tallyman::tui::screens::mismatch::state::MismatchData;
use tallyman::tui::screens::mismatch::words::{reason_text, reason_word};

mod support;
use support::FixedClock;

const ACME: PartyId = PartyId(7);

/// The names in `every_reason`, as the long form shows them.
const NAMES: [&str; 4] = ["WH1/A/02", "ACME Retail", "S-2026-0001", "RT00000012"];

/// One of each reason; the match fails to compile when a reason is added, until it is here.
fn every_reason() -> Vec<NotHere> {
    let all = vec![
        NotHere::Unknown,
        NotHere::Elsewhere {
            location: "WH1/A/02".into(),
        },
        NotHere::Sold {
            document: DocNo("S-2026-0001".into()),
            customer: ACME,
        },
        NotHere::WrittenOff,
        NotHere::InRepair,
        NotHere::Replaced {
            by: SerialKey::from_stored("RT00000012".into()),
        },
        NotHere::OtherProduct,
    ];
    for r in &all {
        match r {
            NotHere::Unknown
            | NotHere::Elsewhere { .. }
            | NotHere::Sold { .. }
            | NotHere::WrittenOff
            | NotHere::InRepair
            | NotHere::Replaced { .. }
            | NotHere::OtherProduct => {}
        }
    }
    all
}

/// The stored verdict of a scan that is not here for this reason.
fn verdict(r: &NotHere) -> ScanVerdict {
    ScanVerdict::Unexpected(match r {
        NotHere::Unknown => return ScanVerdict::Unknown,
        NotHere::Elsewhere { location } => Unexpected::Elsewhere {
            location: location.clone(),
        },
        NotHere::Sold { document, customer } => Unexpected::Sold {
            document: document.clone(),
            customer: *customer,
        },
        NotHere::WrittenOff => Unexpected::WrittenOff,
        NotHere::InRepair => Unexpected::InRepair,
        NotHere::Replaced { by } => Unexpected::Replaced { by: by.clone() },
        NotHere::OtherProduct => Unexpected::OtherProduct {
            sku: "PH-X200".into(),
        },
    })
}

fn count() -> Count {
    Count {
        id: CountId(1),
        name: "Aisle A".into(),
        scope: CountScope {
            location: "WH1/A".into(),
            products: vec![],
            categories: vec![],
        },
        blind: true,
        status: CountStatus::Open,
        opened_by: "super".into(),
        opened_at_ms: 0,
        opened_seq: 1,
        scans: 1,
        live: 1,
        counters: vec!["clerk1".into()],
        resolutions: 0,
    }
}

fn report(r: &NotHere) -> ScanReport {
    ScanReport {
        scan: CountScan {
            count: CountId(1),
            number: 1,
            serial: SerialKey::from_stored("RT00000008".into()),
            product: None,
            location: "WH1/A/01".into(),
            counter: "clerk1".into(),
            at_ms: 0,
            verdict: verdict(r),
            undone: false,
        },
        sku: Some("RT-AX55".into()),
        first: None,
        figures: None,
        customer: Some("ACME Retail".into()),
        words: None,
    }
}

/// The scan screen's answer to a report, as its runner makes it.
fn screen_answer(report: &ScanReport) -> ScanAnswer {
    ScanAnswer {
        kind: AnswerKind::NotHere,
        headline: "NOT HERE".into(),
        serial: report.scan.serial.to_string(),
        sku: report.sku.clone(),
        number: Some(1),
        location: report.scan.location.clone(),
        why: Why::NotHere {
            reason: report.scan.verdict.not_here().unwrap(),
            customer: report.customer.clone(),
        },
        figures: None,
    }
}

#[test]
fn every_reason_has_a_short_form_within_20_columns_and_a_long_form() {
    let party = |_| "ACME Retail".to_string();
    for r in every_reason() {
        let short = why_short(&r);
        assert!(
            !short.is_empty() && short.chars().count() <= 20,
            "{r:?}: {short:?}"
        );
        let long = why_long(&r, &party);
        assert!(!long.is_empty(), "{r:?}");
        // Names (locations, parties, documents, serials) are as long as they are; the words
        // around them fit a narrow line, and the screens wrap before a name.
        for phrase in &long {
            let words = NAMES
                .iter()
                .fold(phrase.clone(), |p, name| p.replace(name, ""));
            assert!(words.trim().chars().count() <= 20, "{r:?}: {phrase:?}");
        }
    }
}

#[test]
fn the_command_line_and_the_screens_say_the_same_for_every_reason() {
    let parties: BTreeMap<PartyId, String> = [(ACME, "ACME Retail".to_string())].into();
    let m = Mismatches {
        count: count(),
        rec: Reconciliation::default(),
        accepted: Default::default(),
        undone: Default::default(),
        resolutions: vec![],
        moved_since_open: Default::default(),
    };
    let view = MismatchView {
        mismatches: m.clone(),
        products: BTreeMap::new(),
        parties: parties.clone(),
        counted_bins: vec![],
        posted_bins_only: false,
        posted_anchor: None,
        qty: vec![],
    };
    let data = MismatchData {
        m,
        products: HashMap::new(),
        parties: parties.into_iter().collect(),
        counted_bins: vec![],
        qty: vec![],
    };
    for r in every_reason() {
        let long = why_long(&r, &|id| view.party(id));
        // Mismatches: `tallyman count mismatches` prints `why_line` named by its view; the
        // mismatch screens print `reason_text` (details, marked row) and `reason_word` (rows).
        assert_eq!(reason_text(&data, &r), why_line(&r, &|id| view.party(id)));
        assert_eq!(reason_text(&data, &r), long.join(" "), "{r:?}");
        assert_eq!(reason_word(&r), why_short(&r));
        // Scans: `tallyman count scan` prints the report's words; the scan screen shows the
        // facts, one a line on narrow screens and joined with ", " on wide ones.
        let report = report(&r);
        let cli = scan_words(&report, &party_named(report.customer.as_deref()));
        let facts = answer_facts(&screen_answer(&report), true);
        assert!(facts.starts_with(&long), "{r:?}: {facts:?} vs {long:?}");
        assert_eq!(
            cli.detail,
            format!("SN \"RT00000008\" RT-AX55: {}", facts.join(", ")),
            "{r:?}"
        );
    }
}

/// A real database: the words `tallyman count scan` and `count mismatches --json` print are
/// the words the screens show for the same scans and rows.
#[test]
fn the_binary_and_the_screens_agree_on_a_real_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let (svc, _) = Service::open_with_clock(&dir, Box::new(FixedClock)).unwrap();
    let mut cmds = vec![
        support::product(
            "RT",
            SerialFormat::Regex("RT[0-9]+".into()),
            None,
            "net",
            None,
        ),
        support::product("PH", SerialFormat::Imei, None, "phones", None),
    ];
    cmds.extend(support::parties_and_locations(&["WH1/A/01", "WH1/A/02"]));
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    let receive = |sku, serials: &[&str], at| {
        support::doc(DocKind::Receipt, sku, serials, None, Some(at), None)
    };
    for c in [
        receive("RT", &["RT1", "RT6", "RT7", "RT8"], "WH1/A/01"),
        receive("RT", &["RT2"], "WH1/A/02"),
        receive("PH", &["490154203237518"], "WH1/A/01"),
        support::doc(DocKind::Sale, "RT", &["RT7"], None, None, None),
        support::doc(DocKind::WriteOff, "RT", &["RT8"], None, None, None),
    ] {
        svc.execute("setup", c).unwrap();
    }
    let c = support::open_count(&svc, "WH1/A/01", &["RT"], true);
    let mut scanned = 0;
    for raw in ["RT2", "RT7", "RT8", "490154203237518", "RT404"] {
        let report = svc.record_scan("clerk1", c, "WH1/A/01", raw).unwrap();
        let Some(reason) = report.scan.verdict.not_here() else {
            panic!(
                "{raw} was expected to be not here: {:?}",
                report.scan.verdict
            );
        };
        let printed = report.words.clone().unwrap().detail;
        let facts = answer_facts(&screen_answer(&report), true);
        assert!(
            printed.ends_with(&format!(": {}", facts.join(", "))),
            "{raw}: {printed:?} vs {facts:?}"
        );
        assert!(!why_short(&reason).is_empty());
        scanned += 1;
    }
    assert_eq!(scanned, 5);
    let Answer::Mismatches(view) = svc.query(Query::Mismatches { count: c }).unwrap() else {
        panic!("no mismatches");
    };
    let data = MismatchData {
        m: view.mismatches.clone(),
        products: HashMap::new(),
        parties: view.parties.clone().into_iter().collect(),
        counted_bins: vec![],
        qty: vec![],
    };
    drop(svc);

    // The service was just dropped: sled may still hold its lock for a moment (waited out).
    let text = support::cli::ok(
        &dir,
        "tester",
        &["--json", "count", "mismatches", &c.0.to_string()],
    );
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let printed: Vec<(String, String)> = json["surplus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["serial"].as_str().unwrap().to_string(),
                r["why"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let shown: Vec<(String, String)> = data
        .m
        .rec
        .surplus
        .iter()
        .map(|r| (r.serial.to_string(), reason_text(&data, &r.reason)))
        .collect();
    assert_eq!(printed, shown);
    assert_eq!(shown.len(), 5, "{shown:?}");
    for want in [
        "in stock at WH1/A/02",
        "sold to ACME on S-",
        "written off",
        "not in this count",
        "never received",
    ] {
        assert!(
            shown.iter().any(|(_, why)| why.starts_with(want)),
            "{want:?} in {shown:?}"
        );
    }
}

/// Each reason's own words, exactly: a reason whose words were swapped for another's (a unit
/// in repair said to be written off) fails here, not only a reason with no words.
#[test]
fn each_reason_has_its_own_words() {
    let party = |_| "ACME Retail".to_string();
    let want: [(&str, &str, &[&str]); 7] = [
        ("unknown", "unknown", &["never received"]),
        ("elsewhere", "elsewhere", &["in stock at WH1/A/02"]),
        ("sold", "sold", &["sold to ACME Retail", "on S-2026-0001"]),
        ("written-off", "written off", &["written off"]),
        ("in-repair", "in repair", &["in repair"]),
        ("replaced", "replaced", &["replaced by RT00000012"]),
        ("other-product", "other product", &["not in this count"]),
    ];
    let all = every_reason();
    assert_eq!(all.len(), want.len());
    for (r, (name, short, long)) in all.iter().zip(want) {
        assert_eq!(r.name(), name, "{r:?}");
        assert_eq!(why_short(r), short, "{r:?}");
        assert_eq!(why_long(r, &party), long, "{r:?}");
        assert_eq!(why_line(r, &party), long.join(" "), "{r:?}");
        // The stored verdict reads back as the same reason.
        assert_eq!(verdict(r).not_here().as_ref(), Some(r), "{r:?}");
    }
}

/// A real count over WH1/A/01 that scans one unit in each state the books can hold
/// elsewhere: the scan's verdict and the mismatch report's surplus row both name the state
/// the unit is in (a unit in repair is listed as in repair, a replaced one as replaced by its
/// successor, never as written off).
#[test]
fn a_counted_unit_is_listed_for_the_state_it_is_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("db");
    let (svc, _) = Service::open_with_clock(&dir, Box::new(FixedClock)).unwrap();
    let mut cmds = vec![
        support::product(
            "RT",
            SerialFormat::Regex("RT[0-9]+".into()),
            None,
            "net",
            Some(tallyman::domain::Period::Months(12)),
        ),
        support::product("PH", SerialFormat::Imei, None, "phones", None),
    ];
    cmds.extend(support::parties_and_locations(&["WH1/A/01", "WH1/A/02"]));
    svc.execute("setup", Command::Batch(cmds)).unwrap();
    let here = "WH1/A/01";
    let receive = |sku, serials: &[&str], at| {
        support::doc(DocKind::Receipt, sku, serials, None, Some(at), None)
    };
    for c in [
        receive("RT", &["RT1", "RT2", "RT3", "RT4", "RT5", "RT6"], here),
        receive("RT", &["RT9"], "WH1/A/02"),
        receive("PH", &["490154203237518"], here),
        support::doc(
            DocKind::Sale,
            "RT",
            &["RT2", "RT3", "RT4"],
            None,
            None,
            None,
        ),
        support::doc(DocKind::WriteOff, "RT", &["RT6"], None, None, None),
        Command::RepairIntake {
            serial: "RT3".into(),
            service_type: None,
            note: "broken".into(),
        },
        Command::WarrantyReplace {
            old: "RT4".into(),
            new: "RT5".into(),
            policy: None,
            note: "dead".into(),
        },
    ] {
        svc.execute("setup", c).unwrap();
    }
    let c = support::open_count(&svc, here, &["RT"], true);
    let sold_on = |serial: &str| match svc.lookup(serial).unwrap().remove(0).unit.state {
        tallyman::domain::UnitState::Sold { document, customer } => {
            NotHere::Sold { document, customer }
        }
        other => panic!("{serial} should be sold: {other:?}"),
    };
    // RT1 is where the books say: counted, with no reason and no row.
    let want: Vec<(&str, NotHere)> = vec![
        (
            "RT9",
            NotHere::Elsewhere {
                location: "WH1/A/02".into(),
            },
        ),
        ("RT2", sold_on("RT2")),
        ("RT3", NotHere::InRepair),
        (
            "RT4",
            NotHere::Replaced {
                by: SerialKey::normalize("RT5", true).unwrap(),
            },
        ),
        ("RT6", NotHere::WrittenOff),
        ("490154203237518", NotHere::OtherProduct),
        ("RT404", NotHere::Unknown),
    ];
    let mut verdicts = BTreeMap::new();
    for raw in std::iter::once("RT1").chain(want.iter().map(|(raw, _)| *raw)) {
        let report = svc.record_scan("clerk1", c, here, raw).unwrap();
        verdicts.insert(raw.to_string(), report.scan.verdict.not_here());
    }
    let Answer::Mismatches(view) = svc.query(Query::Mismatches { count: c }).unwrap() else {
        panic!("no mismatches");
    };
    let rows: BTreeMap<String, NotHere> = view
        .mismatches
        .rec
        .surplus
        .iter()
        .map(|r| (r.serial.to_string(), r.reason.clone()))
        .collect();
    assert_eq!(verdicts["RT1"], None);
    assert!(!rows.contains_key("RT1"), "{rows:?}");
    for (raw, reason) in &want {
        assert_eq!(verdicts[*raw].as_ref(), Some(reason), "the scan of {raw}");
        assert_eq!(rows.get(*raw), Some(reason), "the surplus row of {raw}");
    }
    assert_eq!(rows.len(), want.len(), "{rows:?}");
}
