//! The scan decoder's rules at their edges, through `decode` as the screens and the command
//! line call it: the leap-year rule of every year of a date AI, every month's last day, and
//! `01` followed by a number that is a GTIN of another length (a plain serial, not GS1).
//! Written for the mutants `.ci/mutants scan` found surviving (docs/testing.md).

use tallyman::domain::scan::{decode, ScanConfig, ScanError, ScanKind};

const GTIN: &str = "09506000134352";

fn expiry(yymmdd: &str) -> Result<Option<String>, ScanError> {
    decode(&format!("01{GTIN}17{yymmdd}"), &ScanConfig::default()).map(|s| s.expiry)
}

/// 29 February is a date in the years divisible by four (20YY: 2000 is a leap year), and in
/// no other year: every year of the century, each digit of the year in its place.
#[test]
fn the_29th_of_february_is_a_date_in_leap_years_only() {
    for yy in 0..100u32 {
        let date = format!("{yy:02}0229");
        let got = expiry(&date);
        if yy % 4 == 0 {
            assert_eq!(got, Ok(Some(date.clone())), "20{yy:02} is a leap year");
        } else {
            assert!(
                matches!(got, Err(ScanError::BadDate { .. })),
                "20{yy:02} is no leap year: {got:?}"
            );
        }
    }
}

/// Every month's last day is a date and the day after it is not, in a leap year and in
/// another; day 00 (the month's end) is allowed for an expiry.
#[test]
fn every_month_ends_on_its_last_day() {
    for (yy, february) in [("24", 29), ("25", 28)] {
        for (month, last) in [
            (1, 31),
            (2, february),
            (3, 31),
            (4, 30),
            (5, 31),
            (6, 30),
            (7, 31),
            (8, 31),
            (9, 30),
            (10, 31),
            (11, 30),
            (12, 31),
        ] {
            for (day, ok) in [(0, true), (1, true), (last, true), (last + 1, false)] {
                let date = format!("{yy}{month:02}{day:02}");
                assert_eq!(expiry(&date).is_ok(), ok, "{date}");
            }
        }
    }
    for month in [0, 13, 99] {
        assert!(expiry(&format!("25{month:02}01")).is_err(), "month {month}");
    }
}

/// Unprefixed digits are GS1 only when `01` is followed by a whole GTIN-14: `01` and a
/// GTIN-8, -12 or -13 (which pass the check digit at their own length) is a plain serial,
/// the digits as scanned.
#[test]
fn zero_one_and_a_shorter_gtin_is_a_plain_serial() {
    for gtin in ["96385074", "416000336108", "5901234123457"] {
        let raw = format!("01{gtin}");
        let scan = decode(&raw, &ScanConfig::default())
            .unwrap_or_else(|e| panic!("{raw}: expected a plain serial, found {e}"));
        assert_eq!(
            (scan.kind, scan.gtin.as_deref(), scan.serial.as_deref()),
            (ScanKind::Plain, None, Some(raw.as_str())),
            "{raw}"
        );
    }
    // The same GTINs padded to 14 digits are GS1.
    for gtin in ["00000096385074", "00416000336108", "05901234123457"] {
        let scan = decode(&format!("01{gtin}"), &ScanConfig::default()).unwrap();
        assert_eq!(scan.gtin.as_deref(), Some(gtin));
    }
}

/// Each GS1 character set takes exactly its characters: CSET 82 in a serial (21), CSET 39 in
/// a CPID (8010), CSET 64 in a digital signature (8030), digits in a quantity (30).
#[test]
fn each_character_set_takes_its_characters_and_no_other() {
    let value = |ai: &str, v: &str| decode(&format!("]C101{GTIN}{ai}{v}"), &ScanConfig::default());
    let sets: [(&str, &str, &str); 4] = [
        ("21", "azAZ09!\"%&'()*+,-./:;<=>?_", "#$@[\\]^`{|}~ "),
        ("8010", "AZ09#-/", "az!+_=.:"),
        ("8030", "azAZ09-_=", "+/!#.:"),
        ("30", "0123456789", "aA-+ ."),
    ];
    for (ai, good, bad) in sets {
        for c in good.chars().map(String::from) {
            assert!(value(ai, &c).is_ok(), "({ai}) {c:?}: {:?}", value(ai, &c));
        }
        for c in bad.chars() {
            let v = format!("1{c}1");
            assert!(
                matches!(value(ai, &v), Err(ScanError::BadChar { .. })),
                "({ai}) {v:?}: {:?}",
                value(ai, &v)
            );
        }
    }
}

/// An AI of several components checks each against its own character set: the digits of a
/// GDTI (253) or a ship-to postal code's country (421), then letters after them; letters in
/// the numeric component are refused.
#[test]
fn each_component_of_an_ai_has_its_own_character_set() {
    let value = |ai: &str, v: &str| decode(&format!("]C101{GTIN}{ai}{v}"), &ScanConfig::default());
    // 1234567890128: 13 digits with a good check digit.
    for (ai, v) in [
        ("253", "1234567890128"),
        ("253", "1234567890128DOC-7"),
        ("421", "276D-80331"),
        ("421", "8401"),
    ] {
        assert!(value(ai, v).is_ok(), "({ai}) {v}: {:?}", value(ai, v));
    }
    for (ai, v) in [("253", "12345678901A8DOC"), ("421", "2A6D-80331")] {
        assert!(
            matches!(value(ai, v), Err(ScanError::BadChar { .. })),
            "({ai}) {v}: {:?}",
            value(ai, v)
        );
    }
}
