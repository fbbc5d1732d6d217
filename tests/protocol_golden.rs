//! Golden bytes of the ops protocol: one request of every call kind and one reply of every
//! answer and refusal kind, encoded through the codec module. The protocol travels between
//! processes of different versions, so its variants are only ever appended: a change to these
//! bytes is a protocol break and needs a new `V2`, never an edited fixture.

use tallyman::domain::{CountId, Day};
use tallyman::ops::{
    Answer, Call, Command, Done, OpsError, Outcome, Query, Refusal, RefusalKind, Rejection, Reply,
    Request, ResolveAction, StatusView,
};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn day() -> Day {
    Day::from_ymd(2026, 3, 15).unwrap()
}

fn requests() -> Vec<(&'static str, Request)> {
    vec![
        (
            "execute",
            Request::V1(Call::Execute(Command::UndoLastScan {
                count: CountId(7),
                location: Some("WH1/A/01".into()),
            })),
        ),
        (
            "query",
            Request::V1(Call::Query(Query::Lookup {
                serial: "SN-1".into(),
                date: Some(day()),
            })),
        ),
        (
            "execute_then",
            Request::V1(Call::ExecuteThen(
                Command::Resolve {
                    count: CountId(2),
                    action: ResolveAction::Accept {
                        serial: "X1".into(),
                        note: "ok".into(),
                    },
                },
                Query::Mismatches { count: CountId(2) },
            )),
        ),
        (
            "validate",
            Request::V1(Call::Validate(Command::AddLocation {
                code: "A".into(),
                name: "B".into(),
            })),
        ),
    ]
}

fn replies() -> Vec<(&'static str, Reply)> {
    vec![
        (
            "outcome",
            Reply::V1(Ok(Done::Outcome(Outcome::Noted("done".into())))),
        ),
        (
            "answer",
            Reply::V1(Ok(Done::Answer(Answer::Status(StatusView {
                dir: "/d".into(),
                applied_seq: 300,
                today: day(),
            })))),
        ),
        (
            "both",
            Reply::V1(Ok(Done::Both(
                Outcome::ResolutionUndone {
                    count: CountId(2),
                    number: 1,
                },
                Answer::Parties(Vec::new()),
            ))),
        ),
        (
            "refused",
            Reply::V1(Err(OpsError::Refused(Refusal {
                kind: RefusalKind::Tracking,
                about: Some("SN1".into()),
                message: "no".into(),
            }))),
        ),
        (
            "rejected",
            Reply::V1(Err(OpsError::Rejected(vec![Rejection {
                index: 1,
                line: Some(0),
                refusal: Refusal {
                    kind: RefusalKind::Unknown,
                    about: None,
                    message: "x".into(),
                },
            }]))),
        ),
        ("storage", Reply::V1(Err(OpsError::Storage("disk".into())))),
        (
            "damaged",
            Reply::V1(Err(OpsError::Damaged {
                entry: 3,
                message: "bad".into(),
            })),
        ),
        ("link", Reply::V1(Err(OpsError::Link("gone".into())))),
    ]
}

/// Reviewed byte by byte: `00` Request::V1, then the call kind (`00` execute, `01` query,
/// `02` execute-then, `03` validate), then the command or query variant index (UndoLastScan 6,
/// Lookup 3, Resolve 8 with Accept 4, Mismatches 11, AddLocation 1) and its fields (varint
/// numbers, length-prefixed text, `01` for Some).
const REQUESTS: &[(&str, &str)] = &[
    ("execute", "0000060701085748312f412f3031"),
    ("query", "00010304534e2d3101fcd4921600"),
    ("execute_then", "0002080204025831026f6b0b02"),
    ("validate", "00030101410142"),
];

/// `00` Reply::V1, then `00` Ok with the done kind (`00` outcome, `01` answer, `02` both) or
/// `01` Err with the error kind (`00` refused, `01` rejected, `02` storage, `03` damaged,
/// `04` link: the server went away);
/// Noted is outcome 12, Status answer 8, ResolutionUndone outcome 11, Parties answer 2;
/// Tracking is refusal kind 2, Unknown 1.
const REPLIES: &[(&str, &str)] = &[
    ("outcome", "0000000c04646f6e65"),
    ("answer", "00000108022f64fb2c01fcd4921600"),
    ("both", "0000020b02010200"),
    ("refused", "000100020103534e31026e6f"),
    ("rejected", "0001010101010001000178"),
    ("storage", "000102046469736b"),
    ("damaged", "0001030303626164"),
    ("link", "00010404676f6e65"),
];

#[test]
fn every_kind_of_request_encodes_to_its_golden_bytes_and_back() {
    let fixtures: std::collections::HashMap<_, _> = REQUESTS.iter().copied().collect();
    for (name, request) in requests() {
        let bytes = request.encode().unwrap();
        assert_eq!(hex(&bytes), fixtures[name], "request {name}");
        assert_eq!(Request::decode(&bytes).unwrap(), request, "request {name}");
    }
    assert_eq!(fixtures.len(), requests().len());
}

#[test]
fn every_kind_of_reply_encodes_to_its_golden_bytes_and_back() {
    let fixtures: std::collections::HashMap<_, _> = REPLIES.iter().copied().collect();
    for (name, reply) in replies() {
        let bytes = reply.encode().unwrap();
        assert_eq!(hex(&bytes), fixtures[name], "reply {name}");
        assert_eq!(Reply::decode(&bytes).unwrap(), reply, "reply {name}");
    }
    assert_eq!(fixtures.len(), replies().len());
}

#[test]
fn refusal_kinds_keep_their_numbers() {
    let kinds = [
        RefusalKind::BadScan,
        RefusalKind::Unknown,
        RefusalKind::Tracking,
        RefusalKind::Conflict,
        RefusalKind::Invalid,
        RefusalKind::NotPermitted,
        RefusalKind::Location,
        RefusalKind::OutOfScope,
    ];
    for (i, kind) in kinds.iter().enumerate() {
        let bytes = tallyman::codec::encode("a kind", kind).unwrap();
        assert_eq!(bytes, [i as u8], "{kind:?}");
    }
}

#[test]
fn damaged_frames_are_errors_never_panics() {
    // An unknown version, an unknown call kind, a truncated request, trailing bytes.
    for bad in [
        &[0x01u8, 0x00][..],
        &[0x00, 0x09],
        &hex_bytes("0000060701085748312f41"),
        &hex_bytes("00030101410142ff"),
        &[],
    ] {
        assert!(Request::decode(bad).is_err(), "{bad:?}");
        assert!(Reply::decode(bad).is_err(), "{bad:?}");
    }
}

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Every query and every command keeps its variant number (the byte after `V1` and the call
/// kind): a variant inserted in the middle would make an older peer read a different request.
#[test]
fn every_query_and_command_keeps_its_number() {
    use tallyman::domain::warranty::{
        AgreementEventCode, GenericWarranty, ReplacementPolicy, StartBasis,
    };
    use tallyman::domain::{CountStatus, DocKind, PartyRole, SerialFormat, Tracking};
    use tallyman::ops::{DocRequest, NewCount, NewParty, NewProduct};
    let c = CountId(1);
    let s = || String::from("S");
    let queries = vec![
        Query::Products,
        Query::Locations,
        Query::Parties,
        Query::Lookup {
            serial: s(),
            date: None,
        },
        Query::Stock {
            location: None,
            sku: None,
        },
        Query::Document { number: s() },
        Query::Counts { expected: false },
        Query::CountScans { count: c },
        Query::Status,
        Query::Count { count: c, last: 0 },
        Query::Join { count: c },
        Query::Mismatches { count: c },
        Query::Warranties {
            date: None,
            days: None,
            customer: None,
        },
        Query::Card { sale: s() },
        Query::Users,
        Query::Figures {
            count: c,
            location: s(),
        },
        Query::JournalEnd,
        Query::SerialScans { serial: s() },
        Query::Me,
        Query::CountQuantities { count: c },
        Query::JournalBytes { from: 0, upto: 8 },
    ];
    for (i, q) in queries.into_iter().enumerate() {
        let bytes = Request::V1(Call::Query(q.clone())).encode().unwrap();
        assert_eq!(bytes[2], i as u8, "{q:?}");
    }
    let commands = vec![
        Command::AddProduct(NewProduct {
            sku: s(),
            name: s(),
            gtin: None,
            category: s(),
            tracking: Tracking::all(tallyman::domain::Mode::Strict),
            serial_format: SerialFormat::Plain,
            warranty: None,
            fold_case: true,
        }),
        Command::AddLocation {
            code: s(),
            name: s(),
        },
        Command::AddParty(NewParty {
            name: s(),
            role: PartyRole::Customer,
            bill_to: s(),
            ship_to: s(),
        }),
        Command::Post(DocRequest {
            kind: DocKind::Sale,
            date: None,
            party: None,
            invoice: None,
            from: None,
            to: None,
            reason: None,
            declared_qty: None,
            lines: Vec::new(),
        }),
        Command::OpenCount(NewCount {
            name: s(),
            location: s(),
            skus: Vec::new(),
            categories: Vec::new(),
            blind: true,
        }),
        Command::CountScan {
            count: c,
            location: None,
            raw: s(),
            label_only: false,
        },
        Command::UndoLastScan {
            count: c,
            location: None,
        },
        Command::MoveCount {
            count: c,
            status: CountStatus::Review,
        },
        Command::Resolve {
            count: c,
            action: ResolveAction::Relocate { serial: s() },
        },
        Command::UndoResolution {
            count: c,
            number: 1,
        },
        Command::WarrantyTerms {
            sku: s(),
            basis: StartBasis::Sale,
            policy: ReplacementPolicy::Remaining,
        },
        Command::ActivateWarranty {
            serial: s(),
            date: None,
        },
        Command::ExtendWarranty {
            serial: s(),
            duration: None,
            until: None,
            start: None,
            tag: None,
            invoice: None,
            order: None,
        },
        Command::AgreementEvent {
            number: s(),
            code: AgreementEventCode::Labour,
            note: s(),
        },
        Command::RepairIntake {
            serial: s(),
            service_type: None,
            note: s(),
        },
        Command::RepairClose {
            serial: s(),
            to: None,
            note: s(),
        },
        Command::WarrantyReplace {
            old: s(),
            new: s(),
            policy: None,
            note: s(),
        },
        Command::AddGenericWarranty(GenericWarranty {
            category: None,
            service_type: None,
            effective: day(),
            expiry: day(),
            force_generic: false,
        }),
        Command::Batch(Vec::new()),
        Command::AddUser {
            name: s(),
            role: tallyman::domain::Role::Clerk,
        },
        Command::SetRole {
            name: s(),
            role: tallyman::domain::Role::Admin,
        },
        Command::RemoveUser { name: s() },
        Command::FinishBin {
            count: c,
            location: s(),
        },
        Command::PostCount {
            count: c,
            counted_bins_only: false,
        },
        Command::CountQty {
            count: c,
            location: s(),
            product: s(),
            qty: 1,
        },
        Command::ResolveAll {
            count: c,
            fix: tallyman::ops::BulkFix::WriteOffCountedBins { reason: s() },
        },
        Command::Keyed {
            key: s(),
            command: Box::new(Command::CountScan {
                count: c,
                location: None,
                raw: s(),
                label_only: false,
            }),
        },
    ];
    for (i, cmd) in commands.into_iter().enumerate() {
        let bytes = Request::V1(Call::Execute(cmd.clone())).encode().unwrap();
        assert_eq!(bytes[2], i as u8, "{cmd:?}");
    }
}
