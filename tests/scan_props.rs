//! Property tests for the scan decoder: it never panics, never reports an invalid GTIN or
//! IMEI, and reads back what a bracketed (01)+(21) rendering says.

use proptest::prelude::*;
use tallyman::domain::scan::{
    decode, gtin_check_digit_ok, is_imei, DecodedScan, ScanConfig, ScanError, ScanKind,
};

const GS: char = '\u{1d}';
const CSET82: &str = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_\
                      abcdefghijklmnopqrstuvwxyz";

/// What must hold for any decode result.
fn check_invariants(raw: &str, result: &Result<DecodedScan, ScanError>) {
    let Ok(scan) = result else {
        // Errors must render without panicking too.
        let _ = result.as_ref().map_err(ToString::to_string);
        return;
    };
    if let Some(gtin) = &scan.gtin {
        assert_eq!(scan.kind, ScanKind::Gs1, "{raw:?}");
        assert_eq!(gtin.len(), 14, "{raw:?} -> {gtin:?}");
        assert!(
            gtin.bytes().all(|b| b.is_ascii_digit()),
            "{raw:?} -> {gtin:?}"
        );
        assert!(gtin_check_digit_ok(gtin), "{raw:?} -> {gtin:?}");
    }
    match scan.kind {
        ScanKind::Imei => {
            let imei = scan.imei.as_deref().unwrap_or_default();
            assert!(is_imei(imei), "{raw:?} -> {scan:?}");
            assert_eq!(scan.key(), Some(imei));
        }
        ScanKind::Plain => {
            assert!(
                scan.imei.is_none() && scan.gtin.is_none(),
                "{raw:?} -> {scan:?}"
            );
            assert!(!scan.serial.as_deref().unwrap_or_default().is_empty());
        }
        ScanKind::Gs1 => assert!(scan.imei.is_none(), "{raw:?} -> {scan:?}"),
    }
}

/// Characters a scanner (or a confused keyboard wedge) might send, GS and digits favoured.
fn scanner_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => Just(GS),
        4 => proptest::char::range('0', '9'),
        2 => proptest::sample::select(vec!['(', ')', ']', '\r', '\n', ' ', '\t', '\u{7}']),
        2 => proptest::char::range('\0', '\u{7f}'),
        1 => any::<char>(),
    ]
}

/// Starts that steer the decoder into each of its paths.
fn start() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "",
        "]C1",
        "]d2",
        "]Q3",
        "]e0",
        "]E0",
        "]E4",
        "]I1",
        "]C0",
        "]d1",
        "]Q1",
        "(",
        "(01)",
        "(21)",
        "01",
        "0109506000134352",
        "]C10109506000134352",
        "21",
        "10",
        "17",
    ])
}

fn cset82_char() -> impl Strategy<Value = char> {
    proptest::sample::select(CSET82.chars().collect::<Vec<_>>())
}

/// A GTIN-14 with the right check digit.
fn gtin14() -> impl Strategy<Value = String> {
    proptest::collection::vec(0u32..10, 13).prop_map(|body| {
        let sum: u32 = body
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| if i % 2 == 0 { d * 3 } else { d })
            .sum();
        body.iter()
            .chain(std::iter::once(&((10 - sum % 10) % 10)))
            .filter_map(|&d| char::from_digit(d, 10))
            .collect()
    })
}

/// A (21) value: 1-20 CSET 82 chars, no `(` (it would start the next bracketed AI).
fn serial() -> impl Strategy<Value = String> {
    proptest::collection::vec(cset82_char().prop_filter("no (", |&c| c != '('), 1..=20)
        .prop_map(String::from_iter)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_strings(raw in any::<String>()) {
        check_invariants(&raw, &decode(&raw, &ScanConfig::default()));
    }

    #[test]
    fn never_panics_on_scanner_like_input(
        head in start(),
        body in proptest::collection::vec(scanner_char(), 0..48),
    ) {
        let raw = format!("{head}{}", String::from_iter(body));
        check_invariants(&raw, &decode(&raw, &ScanConfig::default()));
    }

    #[test]
    fn never_panics_with_any_config(
        raw in proptest::collection::vec(scanner_char(), 0..32).prop_map(String::from_iter),
        prefix in proptest::collection::vec(scanner_char(), 0..3).prop_map(String::from_iter),
        suffix in proptest::collection::vec(scanner_char(), 0..3).prop_map(String::from_iter),
        gs_substitute in proptest::option::of(scanner_char()),
    ) {
        let cfg = ScanConfig { prefix, suffix, gs_substitute, ..ScanConfig::default() };
        check_invariants(&raw, &decode(&raw, &cfg));
    }

    #[test]
    fn bracketed_gtin_and_serial_round_trip(gtin in gtin14(), serial in serial()) {
        let raw = format!("(01){gtin}(21){serial}");
        let scan = decode(&raw, &ScanConfig::default()).map_err(|e| e.to_string());
        prop_assert_eq!(scan.as_ref().map(|s| s.kind), Ok(ScanKind::Gs1));
        prop_assert_eq!(scan.as_ref().map(|s| s.gtin.clone()), Ok(Some(gtin.clone())));
        prop_assert_eq!(scan.as_ref().map(|s| s.serial.clone()), Ok(Some(serial.clone())));

        // The same pair as GS1-128 and as unprefixed element strings reads the same.
        for raw in [format!("]C101{gtin}21{serial}"), format!("01{gtin}21{serial}{GS}")] {
            let scan = decode(&raw, &ScanConfig::default()).map_err(|e| e.to_string());
            prop_assert_eq!(
                scan.map(|s| (s.gtin, s.serial)),
                Ok((Some(gtin.clone()), Some(serial.clone())))
            );
        }
    }
}
