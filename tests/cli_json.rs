//! `--json` on every command, against the real binary: each run prints exactly one JSON
//! document with the top-level keys `docs/cli.md` ("JSON output") documents, usage errors and
//! failures included; where the guide gives an example (`PRODUCT`, `COUNT`, `WARRANTY`, the
//! mismatch report, ...) the printed document has its shape in depth, read from the guide.
//! The table covers every leaf command of the clap tree (checked), in an order that builds
//! one database from nothing.

mod support;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Output, Stdio};

use clap::CommandFactory;
use serde_json::Value;

use support::cli::Cli as Env;

fn env() -> Env {
    Env::new()
}

/// Every JSON value on standard output, in order.
fn documents(out: &Output) -> Vec<Value> {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{text}"))
}

/// The one JSON document of a run that must exit with `code`.
fn one(out: &Output, code: i32, what: &str) -> Value {
    let docs = documents(out);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        docs.len(),
        1,
        "{what}: expected exactly one JSON document, got {}:\n{}",
        docs.len(),
        String::from_utf8_lossy(&out.stdout)
    );
    docs.into_iter().next().unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("expected an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// What one command's document is: an object with exactly these keys, or a non-empty array
/// of such objects. `count scan` alone streams: one `{answer, detail, ...}` object per answer
/// line (its check gets them as an array).
enum Shape {
    Object(&'static [&'static str]),
    Array(&'static [&'static str]),
    Lines,
}

struct Case {
    args: Vec<String>,
    stdin: &'static str,
    shape: Shape,
    check: fn(&Value),
}

fn case(args: &[&str], shape: Shape, check: fn(&Value)) -> Case {
    Case {
        args: args.iter().map(|s| s.to_string()).collect(),
        stdin: "",
        shape,
        check,
    }
}

const POSTED: &[&str] = &["document", "kind", "lines", "warnings"];
const DONE: &[&str] = &["done"];
const RESOLVED: &[&str] = &["count", "resolution", "kind"];
const PRODUCT: &[&str] = &[
    "id",
    "sku",
    "name",
    "gtin",
    "category",
    "tracking",
    "serial_format",
    "warranty",
];
const COUNT: &[&str] = &[
    "id",
    "name",
    "status",
    "location",
    "products",
    "categories",
    "blind",
    "opened_by",
    "opened_at",
    "scans",
    "live",
    "counters",
];
const COUNT_SHOW: &[&str] = &[
    "id",
    "name",
    "status",
    "location",
    "products",
    "categories",
    "blind",
    "opened_by",
    "opened_at",
    "scans",
    "live",
    "counters",
    "last_scans",
];
const STOCK: &[&str] = &["location", "sku", "name", "serial", "qty"];
const WARRANTY: &[&str] = &[
    "type",
    "start",
    "end",
    "days_left",
    "status",
    "band",
    "coverages",
];
const WARRANTY_ROW: &[&str] = &[
    "serial",
    "sku",
    "customer",
    "sale_date",
    "period",
    "warranty",
];
const MISMATCHES: &[&str] = &[
    "count",
    "status",
    "matched",
    "shortage",
    "surplus",
    "duplicates",
    "open_mismatches",
    "counted_bins",
    "counted_bins_only",
    "quantities",
    "resolutions",
    "anchor",
];
const UNIT: &[&str] = &[
    "serial",
    "product",
    "product_name",
    "state",
    "location",
    "customer",
    "supplier",
    "cost",
    "receipt",
    "sale",
    "events",
    "warranty",
];
const SCAN_EXPORT: &[&str] = &[
    "number", "serial", "sku", "location", "counter", "at", "answer", "first", "undone", "qty",
];

fn posted(kind: &'static str) -> fn(&Value) {
    // A fn pointer per kind: the closures capture nothing.
    match kind {
        "receipt" => |v| {
            assert_eq!(v["kind"], "receipt");
            assert_eq!(v["lines"], 7);
            assert!(v["document"].as_str().unwrap().starts_with("R-2026-"));
        },
        "sale" => |v| {
            assert_eq!(v["kind"], "sale");
            assert_eq!(v["document"], "S-2026-0001");
        },
        "return" => |v| assert_eq!(v["kind"], "return"),
        "transfer" => |v| assert_eq!(v["kind"], "transfer"),
        _ => |v| {
            assert_eq!(v["kind"], "write-off");
            assert_eq!(v["lines"], 1);
        },
    }
}

fn file(e: &Env, name: &str, text: &str) -> String {
    e.file(name, text)
}

/// Every command, in an order that builds the database it needs.
fn cases(e: &Env) -> Vec<Case> {
    let products = file(e, "products.csv", "sku,name,category\nCBL,Cable,cables\n");
    let receipts = file(
        e,
        "receipts.csv",
        "invoice,date,supplier,location,sku,serial,qty,cost\nI-2,2026-01-02,Northwind,WH1/A/01,BAT,,10,1.00\n",
    );
    let sales = file(
        e,
        "sales.csv",
        "invoice,date,customer,location,sku,serial,qty,price\nS-2,2026-01-04,ACME,WH1/A/01,LAP-14,SN2,,950\n",
    );
    let backup = e.path("backup.tlj");
    let fresh = e.path("fresh-db");
    vec![
        case(
            &["party", "add", "--name", "Northwind", "--role", "supplier"],
            Shape::Object(&["party_added"]),
            |v| {
                assert_eq!(keys(&v["party_added"]), set(&["id", "name", "role"]));
                assert_eq!(v["party_added"]["name"], "Northwind");
                assert_eq!(v["party_added"]["role"], "supplier");
            },
        ),
        case(
            &["party", "add", "--name", "ACME", "--bill-to", "1 Road"],
            Shape::Object(&["party_added"]),
            |v| assert_eq!(v["party_added"]["role"], "customer"),
        ),
        case(
            &["party", "list"],
            Shape::Array(&["id", "name", "role", "bill_to", "ship_to"]),
            |v| {
                assert_eq!(v.as_array().unwrap().len(), 2);
                assert_eq!(v[1]["bill_to"], "1 Road");
            },
        ),
        case(
            &["location", "add", "WH1/A/01", "--name", "Bin 1"],
            Shape::Object(&["locations_added"]),
            |v| {
                assert_eq!(
                    v["locations_added"],
                    serde_json::json!(["WH1", "WH1/A", "WH1/A/01"])
                )
            },
        ),
        case(
            &["location", "add", "WH2"],
            Shape::Object(&["locations_added"]),
            |v| assert_eq!(v["locations_added"], serde_json::json!(["WH2"])),
        ),
        case(
            &["location", "list"],
            Shape::Array(&["code", "name"]),
            |v| {
                assert!(v
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["code"] == "WH1/A/01" && l["name"] == "Bin 1"));
            },
        ),
        case(
            &[
                "product",
                "add",
                "--sku",
                "LAP-14",
                "--name",
                "Laptop",
                "--warranty",
                "24m",
                "--category",
                "laptops",
            ],
            Shape::Object(&["product_added"]),
            |v| {
                assert_eq!(keys(&v["product_added"]), set(PRODUCT));
                assert_eq!(v["product_added"]["sku"], "LAP-14");
                assert_eq!(v["product_added"]["warranty"], "24m");
                assert_eq!(v["product_added"]["gtin"], Value::Null);
            },
        ),
        case(
            &[
                "product",
                "add",
                "--sku",
                "BAT",
                "--name",
                "Batteries",
                "--tracking",
                "none",
            ],
            Shape::Object(&["product_added"]),
            |v| assert_eq!(v["product_added"]["tracking"], "none"),
        ),
        case(
            &["import", "products", &products],
            Shape::Object(&["file", "rows", "outcomes"]),
            |v| {
                assert_eq!(v["rows"], 1);
                assert_eq!(v["outcomes"][0]["product_added"]["sku"], "CBL");
            },
        ),
        case(&["product", "list"], Shape::Array(PRODUCT), |v| {
            assert_eq!(v.as_array().unwrap().len(), 3);
        }),
        case(
            &[
                "receive",
                "--product",
                "LAP-14",
                "--supplier",
                "Northwind",
                "--invoice",
                "I-1",
                "--to",
                "WH1/A/01",
                "--cost",
                "500",
                "--date",
                "2026-01-02",
                "SN1",
                "SN2",
                "SN3",
                "SN4",
                "SN5",
                "SN6",
                "SN7",
            ],
            Shape::Object(POSTED),
            posted("receipt"),
        ),
        case(
            &["import", "receipts", &receipts],
            Shape::Object(&["file", "rows", "outcomes"]),
            |v| assert_eq!(v["outcomes"][0]["kind"], "receipt"),
        ),
        case(
            &[
                "sell",
                "--product",
                "LAP-14",
                "--customer",
                "ACME",
                "--invoice",
                "INV-S1",
                "--from",
                "WH1",
                "--price",
                "900",
                "--date",
                "2026-01-03",
                "SN1",
            ],
            Shape::Object(POSTED),
            posted("sale"),
        ),
        case(
            &["import", "sales", &sales],
            Shape::Object(&["file", "rows", "outcomes"]),
            |v| assert_eq!(v["outcomes"][0]["document"], "S-2026-0002"),
        ),
        case(
            &[
                "return",
                "--product",
                "LAP-14",
                "--customer",
                "ACME",
                "--to",
                "WH2",
                "--date",
                "2026-01-05",
                "SN1",
            ],
            Shape::Object(POSTED),
            posted("return"),
        ),
        case(
            &[
                "transfer",
                "--product",
                "LAP-14",
                "--from",
                "WH1",
                "--to",
                "WH2",
                "--date",
                "2026-01-05",
                "SN3",
            ],
            Shape::Object(POSTED),
            posted("transfer"),
        ),
        case(
            &[
                "write-off",
                "--product",
                "LAP-14",
                "--reason",
                "broken",
                "--date",
                "2026-01-05",
                "SN4",
            ],
            Shape::Object(POSTED),
            posted("write-off"),
        ),
        case(&["lookup", "SN1"], Shape::Object(UNIT), |v| {
            assert_eq!(v["serial"], "SN1");
            assert_eq!(v["state"], "in-stock");
            assert_eq!(v["location"], "WH2");
            let kinds: Vec<&str> = v["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["kind"].as_str().unwrap())
                .collect();
            assert_eq!(kinds, ["received", "sold", "returned"]);
            assert_eq!(keys(&v["warranty"]), set(WARRANTY));
        }),
        case(&["stock", "--location", "WH2"], Shape::Array(STOCK), |v| {
            let serials: Vec<&str> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["serial"].as_str().unwrap())
                .collect();
            assert_eq!(serials, ["SN1", "SN3"]);
        }),
        case(
            &["export", "stock", "--product", "BAT"],
            Shape::Array(STOCK),
            |v| {
                assert_eq!(v[0]["qty"], 10);
                assert_eq!(v[0]["serial"], Value::Null);
            },
        ),
        case(
            &["decode", "(01)09506000134352(21)X1"],
            Shape::Object(&["kind", "serial", "gtin", "lot", "expiry", "imei"]),
            |v| {
                assert_eq!(v["kind"], "gs1");
                assert_eq!(v["serial"], "X1");
            },
        ),
        case(
            &["warranty", "terms", "LAP-14", "--from", "sale"],
            Shape::Object(DONE),
            |v| assert!(v["done"].as_str().unwrap().contains("LAP-14"), "{v}"),
        ),
        case(
            &["warranty", "show", "SN2", "--date", "2026-02-01"],
            Shape::Object(&["serial", "product", "date", "warranty"]),
            |v| {
                assert_eq!(v["serial"], "SN2");
                assert_eq!(v["date"], "2026-02-01");
                assert_eq!(keys(&v["warranty"]), set(WARRANTY));
                assert_eq!(v["warranty"]["status"], "active");
            },
        ),
        case(
            &["warranty", "activate", "SN2", "--date", "2026-01-10"],
            Shape::Object(DONE),
            |v| assert!(v["done"].as_str().unwrap().contains("activated"), "{v}"),
        ),
        case(
            &["warranty", "extend", "SN2", "--months", "12"],
            Shape::Object(DONE),
            |v| assert!(v["done"].as_str().unwrap().contains("AG-000001"), "{v}"),
        ),
        case(
            &["warranty", "event", "AG-000001", "CR"],
            Shape::Object(DONE),
            |v| assert!(v["done"].as_str().unwrap().contains("AG-000001"), "{v}"),
        ),
        case(
            &[
                "warranty",
                "generic",
                "--category",
                "cables",
                "--from",
                "2026-01-01",
                "--to",
                "2027-01-01",
            ],
            Shape::Object(DONE),
            |v| assert!(v["done"].as_str().unwrap().contains("generic"), "{v}"),
        ),
        case(
            &["warranty", "expiring", "--days", "100000"],
            Shape::Array(WARRANTY_ROW),
            |v| assert_eq!(keys(&v[0]["warranty"]), set(WARRANTY)),
        ),
        case(&["warranty", "tracking"], Shape::Array(WARRANTY_ROW), |v| {
            assert!(v.as_array().unwrap().iter().any(|r| r["serial"] == "SN2"));
        }),
        case(
            &["warranty", "customer", "ACME"],
            Shape::Array(WARRANTY_ROW),
            |v| {
                for r in v.as_array().unwrap() {
                    assert_eq!(r["customer"], "ACME");
                }
            },
        ),
        case(
            &["warranty", "card", "S-2026-0002"],
            Shape::Object(&["sale", "date", "invoice", "customer", "lines"]),
            |v| {
                assert_eq!(v["sale"], "S-2026-0002");
                assert_eq!(v["invoice"], "S-2");
                assert_eq!(v["customer"]["name"], "ACME");
                assert_eq!(v["lines"][0]["serial"], "SN2");
                assert_eq!(
                    keys(&v["lines"][0]),
                    set(&["sku", "name", "serial", "warranty"])
                );
            },
        ),
        case(
            &["warranty", "replace", "SN2", "SN5"],
            Shape::Object(DONE),
            |v| {
                // The agreement's end follows today's date; the manufacturer's does not.
                let done = v["done"].as_str().unwrap();
                let want =
                    "SN \"SN2\" replaced by \"SN5\" (remaining term, covered to 2028-01-10, ";
                assert!(done.starts_with(want), "{v}");
            },
        ),
        case(&["repair", "intake", "SN5"], Shape::Object(DONE), |v| {
            let year = support::cli::this_year();
            let want = format!("SN \"SN5\": repair RP-{year}-0001 opened; warranty on intake: serialized (replacement to 2028-01-10)");
            assert_eq!(v["done"], want.as_str(), "{v}")
        }),
        case(&["repair", "close", "SN5"], Shape::Object(DONE), |v| {
            let year = support::cli::this_year();
            let want = format!("SN \"SN5\": repair RP-{year}-0001 closed");
            assert_eq!(v["done"], want.as_str(), "{v}")
        }),
        case(
            &["count", "open", "Aisle A", "--location", "WH1"],
            Shape::Object(&["count_opened"]),
            |v| {
                assert_eq!(keys(&v["count_opened"]), set(COUNT));
                assert_eq!(v["count_opened"]["status"], "open");
                assert_eq!(v["count_opened"]["blind"], true);
            },
        ),
        Case {
            args: ["count", "scan", "1"].map(String::from).to_vec(),
            stdin: "WH1/A/01\nSN6\nSN9\nSN3\n#TM:FINISH\n",
            shape: Shape::Lines,
            check: |v| {
                let answers: Vec<&str> = v
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["answer"].as_str().unwrap())
                    .collect();
                assert_eq!(
                    answers,
                    ["location", "counted", "unknown", "unexpected", "finish"]
                );
                assert_eq!(
                    keys(&v[1]),
                    set(&[
                        "answer",
                        "ok",
                        "number",
                        "serial",
                        "sku",
                        "location",
                        "detail",
                        "here",
                        "unexpected_here",
                        "unknown_here",
                        "total",
                        "expected_here"
                    ])
                );
                assert_eq!(v[1]["serial"], "SN6");
                assert_eq!(v[1]["sku"], "LAP-14");
                assert_eq!(v[1]["ok"], true);
                assert_eq!(v[4]["detail"], "count 1");
            },
        },
        case(&["count", "list"], Shape::Array(COUNT), |v| {
            assert_eq!(v[0]["name"], "Aisle A");
        }),
        case(
            &["labels", "commands"],
            Shape::Array(&["caption", "code"]),
            |v| {
                let codes: Vec<&str> = v
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["code"].as_str().unwrap())
                    .collect();
                assert_eq!(
                    codes,
                    ["#TM:FINISH", "#TM:UNDO", "#TM:LOCATION", "#TM:DONE"]
                );
                // What each label says under its barcode.
                let captions: Vec<&str> = v
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|l| l["caption"].as_str().unwrap())
                    .collect();
                assert_eq!(
                    captions,
                    [
                        "Finish counting here",
                        "Undo my last scan",
                        "Next scan is a location",
                        "This bin is counted"
                    ]
                );
            },
        ),
        case(&["count", "show", "1"], Shape::Object(COUNT_SHOW), |v| {
            assert_eq!(v["scans"], 3);
            assert_eq!(v["last_scans"].as_array().unwrap().len(), 3);
        }),
        case(&["count", "export", "1"], Shape::Array(SCAN_EXPORT), |v| {
            let answers: Vec<&str> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["answer"].as_str().unwrap())
                .collect();
            assert_eq!(answers, ["counted", "unknown", "unexpected"]);
            assert_eq!(v[1]["sku"], Value::Null);
        }),
        case(&["count", "close", "1"], Shape::Object(&["count"]), |v| {
            assert_eq!(v["count"]["status"], "review")
        }),
        case(&["count", "reopen", "1"], Shape::Object(&["count"]), |v| {
            assert_eq!(v["count"]["status"], "open")
        }),
        case(&["count", "close", "1"], Shape::Object(&["count"]), |v| {
            assert_eq!(v["count"]["status"], "review")
        }),
        case(
            &["count", "mismatches", "1"],
            Shape::Object(MISMATCHES),
            |v| {
                let surplus: Vec<&str> = v["surplus"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["serial"].as_str().unwrap())
                    .collect();
                assert_eq!(surplus, ["SN9", "SN3"]);
                assert_eq!(v["shortage"][0]["serial"], "SN7");
                assert_eq!(v["matched"], 1);
            },
        ),
        case(
            &["count", "relocate", "1", "SN3"],
            Shape::Object(RESOLVED),
            |v| assert_eq!(v["kind"], "relocate"),
        ),
        case(
            &["count", "write-off", "1", "SN7", "--reason", "lost"],
            Shape::Object(RESOLVED),
            |v| assert_eq!(v["kind"], "write-off"),
        ),
        case(
            &["count", "undo", "1", "2"],
            Shape::Object(&["count", "undone"]),
            |v| assert_eq!(v["undone"], 2),
        ),
        case(
            &[
                "count",
                "replace",
                "1",
                "--found",
                "SN9",
                "--missing",
                "SN7",
            ],
            Shape::Object(RESOLVED),
            |v| assert_eq!(v["kind"], "replace-on-receipt"),
        ),
        case(&["count", "report", "1"], Shape::Object(MISMATCHES), |v| {
            assert_eq!(v["open_mismatches"], 0);
            assert_eq!(v["resolutions"].as_array().unwrap().len(), 3);
            assert_eq!(v["anchor"], serde_json::Value::Null, "not posted yet");
        }),
        case(&["count", "post", "1"], Shape::Object(&["count"]), |v| {
            assert_eq!(v["count"]["status"], "posted")
        }),
        case(&["count", "report", "1"], Shape::Object(MISMATCHES), |v| {
            // A posted report names the journal entry that posted it.
            let anchor = v["anchor"].as_str().unwrap();
            let (seq, hash) = anchor.split_once(':').unwrap();
            assert!(seq.parse::<u64>().unwrap() > 1, "{v}");
            assert_eq!(hash.len(), 64, "{v}");
        }),
        case(
            &["count", "open", "Two", "--location", "WH2"],
            Shape::Object(&["count_opened"]),
            |v| assert_eq!(v["count_opened"]["id"], 2),
        ),
        Case {
            args: ["count", "scan", "2", "--location", "WH2"]
                .map(String::from)
                .to_vec(),
            stdin: "SN10\nSN11\nSN12\n",
            shape: Shape::Lines,
            check: |v| {
                assert_eq!(v.as_array().unwrap().len(), 3);
                assert_eq!(v[0]["answer"], "unknown");
                assert_eq!(v[0]["location"], "WH2");
            },
        },
        case(
            &["count", "bin-done", "2", "--location", "WH2"],
            Shape::Object(&["count", "bin_counted", "bins"]),
            |v| {
                assert_eq!(
                    (v["bin_counted"].as_str(), v["bins"].as_u64()),
                    (Some("WH2"), Some(1))
                )
            },
        ),
        case(&["count", "close", "2"], Shape::Object(&["count"]), |v| {
            assert_eq!(v["count"]["id"], 2)
        }),
        case(
            &["count", "receive-found", "2", "SN10", "--product", "LAP-14"],
            Shape::Object(RESOLVED),
            |v| assert_eq!(v["kind"], "receive-found"),
        ),
        case(
            &["count", "write-off-counted", "2", "--reason", "lost"],
            Shape::Object(&["count", "first", "resolved"]),
            |v| {
                assert_eq!(
                    (v["first"].as_u64(), v["resolved"].as_u64()),
                    (Some(2), Some(1))
                )
            },
        ),
        case(
            &["count", "accept", "2", "SN11", "--note", "later"],
            Shape::Object(RESOLVED),
            |v| assert_eq!(v["kind"], "accept"),
        ),
        case(
            &[
                "count",
                "accept-all",
                "2",
                "--location",
                "WH2",
                "--note",
                "rest",
            ],
            Shape::Object(&["count", "first", "resolved"]),
            |v| {
                assert_eq!(
                    (v["first"].as_u64(), v["resolved"].as_u64()),
                    (Some(4), Some(1))
                )
            },
        ),
        case(&["count", "cancel", "2"], Shape::Object(&["count"]), |v| {
            assert_eq!(v["count"]["status"], "cancelled")
        }),
        case(
            &["backup", &backup],
            Shape::Object(&["file", "bytes", "entries", "anchor"]),
            |v| {
                assert!(v["bytes"].as_u64().unwrap() > 0);
                let anchor = v["anchor"].as_str().unwrap();
                let (seq, hash) = anchor.split_once(':').unwrap();
                assert_eq!(seq, v["entries"].to_string(), "{v}");
                assert_eq!(hash.len(), 64, "{v}");
            },
        ),
        case(&["init", &fresh], Shape::Object(&["db"]), |v| {
            assert!(v["db"].as_str().unwrap().ends_with("fresh-db"), "{v}");
        }),
        case(&["anchor"], Shape::Object(&["entries", "anchor"]), |v| {
            let anchor = v["anchor"].as_str().unwrap();
            assert!(anchor.starts_with(&format!("{}:", v["entries"])), "{v}");
        }),
        case(
            &["check"],
            Shape::Object(&[
                "ok",
                "entries",
                "keys",
                "units",
                "problems",
                "advice",
                "anchor",
                "anchors_held",
                "notes",
            ]),
            |v| {
                assert_eq!(v["ok"], true);
                assert_eq!(v["problems"], serde_json::json!([]));
                assert_eq!(v["advice"], "");
                assert_eq!(v["notes"], serde_json::json!([]), "{v}");
            },
        ),
        case(
            &["rebuild"],
            Shape::Object(&["entries", "old_store", "cut", "cut_kept", "notes"]),
            |v| {
                assert!(v["entries"].as_u64().unwrap() > 10);
                assert!(v["old_store"].as_str().unwrap().contains("state.old"));
                assert_eq!(v["cut"], serde_json::Value::Null);
            },
        ),
        case(
            &["restore", &backup, "--force"],
            Shape::Object(&["entries", "replaced", "anchor"]),
            |v| {
                assert!(v["entries"].as_u64().unwrap() > 10);
                assert!(v["replaced"]
                    .as_str()
                    .unwrap()
                    .contains("journal.tlj.replaced-"));
            },
        ),
    ]
}

/// Every leaf command of the clap tree, as words (`count scan`).
fn leaf_commands() -> BTreeSet<String> {
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut BTreeSet<String>) {
        let subs: Vec<&clap::Command> = cmd
            .get_subcommands()
            .filter(|c| c.get_name() != "help")
            .collect();
        if subs.is_empty() {
            out.insert(prefix.trim().to_string());
        }
        for s in subs {
            walk(s, &format!("{prefix} {}", s.get_name()), out);
        }
    }
    let mut out = BTreeSet::new();
    walk(&tallyman::cli::Cli::command(), "", &mut out);
    out
}

/// The JSON examples of docs/cli.md's "JSON output" section, parsed: the named shapes
/// (`PRODUCT = {...}`) by name, the others by their text; a name inside an
/// example stands for its shape, and `, ...]` closes a list.
fn documented_shapes() -> std::collections::BTreeMap<String, Value> {
    let doc = std::fs::read_to_string("docs/cli.md").unwrap();
    let section = &doc[doc.find("## JSON output").expect("a JSON output section")..];
    let blocks: Vec<&str> = section
        .split("```json\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap())
        .collect();
    let mut named: Vec<(String, String)> = Vec::new();
    let mut plain: Vec<String> = Vec::new();
    for b in blocks {
        match b.split_once(" = ") {
            Some((name, text)) if name.chars().all(|c| c.is_ascii_uppercase()) => {
                named.push((name.to_string(), text.to_string()))
            }
            _ => plain.push(b.to_string()),
        }
    }
    let expand = |text: &str| {
        let mut t = text.replace(", ...]", "]");
        for (name, shape) in &named {
            t = t.replace(name.as_str(), shape);
        }
        t
    };
    let mut out = std::collections::BTreeMap::new();
    for (name, text) in &named {
        let v = serde_json::from_str(&expand(text))
            .unwrap_or_else(|e| panic!("docs/cli.md: {name} is not JSON ({e})"));
        out.insert(name.clone(), v);
    }
    for text in &plain {
        let v = serde_json::from_str(&expand(text))
            .unwrap_or_else(|e| panic!("docs/cli.md: not JSON ({e}):\n{text}"));
        out.insert(text.clone(), v);
    }
    out
}

/// Where `real` differs in shape from the documented `doc`: an object's keys, each value's
/// kind (null in either stands for "may be absent"), a list's items against the documented
/// first item.
fn shape_differences(doc: &Value, real: &Value, at: &str, out: &mut Vec<String>) {
    match (doc, real) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(d), Value::Object(r)) => {
            let (dk, rk): (BTreeSet<&String>, BTreeSet<&String>) =
                (d.keys().collect(), r.keys().collect());
            if dk != rk {
                out.push(format!(
                    "{at}: documented keys {:?}, printed {:?}",
                    dk.difference(&rk).collect::<Vec<_>>(),
                    rk.difference(&dk).collect::<Vec<_>>()
                ));
            }
            for k in dk.intersection(&rk) {
                shape_differences(&d[*k], &r[*k], &format!("{at}.{k}"), out);
            }
        }
        (Value::Array(d), Value::Array(r)) => {
            if let Some(first) = d.first() {
                for (i, item) in r.iter().enumerate() {
                    shape_differences(first, item, &format!("{at}[{i}]"), out);
                }
            }
        }
        (d, r) => {
            let kind = |v: &Value| std::mem::discriminant(v);
            if kind(d) != kind(r) {
                out.push(format!("{at}: documented {d}, printed {r}"));
            }
        }
    }
}

/// Which documented example each command's document (or a part of it, by JSON pointer)
/// follows: a named shape or the start of an example.
const DOCUMENTED: &[(&str, &str, &str)] = &[
    ("product add", "PRODUCT", "/product_added"),
    ("product list", "PRODUCT", "/0"),
    ("receive", "{\"document\": \"S-2026-0042", ""),
    ("sell", "{\"document\": \"S-2026-0042", ""),
    ("return", "{\"document\": \"S-2026-0042", ""),
    ("transfer", "{\"document\": \"S-2026-0042", ""),
    ("write-off", "{\"document\": \"S-2026-0042", ""),
    ("import receipts", "{\"file\": \"receipts.csv\", ", ""),
    ("stock", "[{\"location\": \"WH1/A/01\", ", ""),
    ("export stock", "[{\"location\": \"WH1/A/01\", ", ""),
    ("decode", "{\"kind\": \"gs1\", \"serial", ""),
    ("count open", "COUNT", "/count_opened"),
    ("count list", "COUNT", "/0"),
    ("count close", "COUNT", "/count"),
    ("count mismatches", "{\"count\": 1, \"status\": \"r", ""),
    ("count report", "{\"count\": 1, \"status\": \"r", ""),
    ("warranty show", "{\"serial\": \"SN2\", \"produ", ""),
    ("warranty expiring", "[{\"serial\": \"SN2\", \"sku", ""),
    ("warranty tracking", "[{\"serial\": \"SN2\", \"sku", ""),
    ("warranty customer", "[{\"serial\": \"SN2\", \"sku", ""),
    ("warranty card", "{\"sale\": \"S-2026-0002\", ", ""),
];

/// Runs a case with `--json`: its one document (`count scan`'s answer lines as an array).
fn run_json(e: &Env, c: &Case) -> Value {
    let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
    let what = format!("tallyman {}", args.join(" "));
    let mut full = vec!["--json"];
    full.extend_from_slice(&args);
    let out = e.run_in(&e.db, &full, c.stdin.as_bytes());
    if let Shape::Lines = c.shape {
        // The one streaming command: one document per answer line (JSON Lines).
        assert_eq!(out.status.code(), Some(0), "{what}");
        let docs = documents(&out);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(docs.len(), text.lines().count(), "{what}: {text}");
        for d in &docs {
            assert!(d["answer"].is_string() && d["detail"].is_string(), "{d}");
        }
        Value::Array(docs)
    } else {
        one(&out, 0, &what)
    }
}

/// Every leaf command of the clap tree is among `covered`.
fn assert_every_command(covered: &BTreeSet<String>, what: &str) {
    let missing: Vec<String> = leaf_commands()
        .into_iter()
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(missing.is_empty(), "commands {what}: {missing:?}");
}

#[test]
fn every_command_prints_exactly_one_json_document_with_the_documented_keys() {
    let e = env();
    let cases = cases(&e);
    let shapes = documented_shapes();
    let mut differences = Vec::new();
    let mut documented_once = BTreeSet::new();
    let mut covered: BTreeSet<String> = BTreeSet::new();
    for c in &cases {
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let what = format!("tallyman {}", args.join(" "));
        let v = run_json(&e, c);
        match c.shape {
            Shape::Lines => {}
            Shape::Object(want) => assert_eq!(keys(&v), set(want), "{what}: {v}"),
            Shape::Array(want) => {
                let items = v
                    .as_array()
                    .unwrap_or_else(|| panic!("{what}: expected an array: {v}"));
                assert!(!items.is_empty(), "{what}: an empty array proves nothing");
                for item in items {
                    assert_eq!(keys(item), set(want), "{what}: {item}");
                }
            }
        }
        (c.check)(&v);
        let words: Vec<&str> = args.iter().take(2).copied().collect();
        for (command, example, pointer) in DOCUMENTED {
            if *command == words.join(" ") || *command == words[0] {
                let documented = shapes
                    .iter()
                    .find(|(text, _)| text.as_str() == *example || text.starts_with(example))
                    .map(|(_, shape)| shape)
                    .unwrap_or_else(|| panic!("docs/cli.md has no example {example:?}"));
                let part = v
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("{what}: nothing at {pointer}: {v}"));
                shape_differences(
                    documented,
                    part,
                    &format!("{what} {pointer}"),
                    &mut differences,
                );
                documented_once.insert(*command);
            }
        }
        covered.insert(words[..1].join(" "));
        covered.insert(words.join(" "));
    }
    // Each documented example was compared with a real document, in depth.
    assert!(
        differences.is_empty(),
        "printed JSON differs from docs/cli.md:\n{}",
        differences.join("\n")
    );
    let never: Vec<_> = DOCUMENTED
        .iter()
        .map(|d| d.0)
        .filter(|c| !documented_once.contains(c))
        .collect();
    assert!(never.is_empty(), "no case for {never:?}");
    // demo on its own database: a fresh one, then one that already holds data.
    let demo = e.tmp.path().join("demo");
    let v = one(
        &e.run_in(&demo, &["--json", "demo", "--units", "20"], b""),
        0,
        "demo",
    );
    assert_eq!(
        keys(&v),
        set(&[
            "db",
            "fresh",
            "units",
            "sold",
            "returned",
            "written_off",
            "examples"
        ])
    );
    assert_eq!(v["fresh"], true);
    assert_eq!(v["units"], 20);
    assert_eq!(keys(&v["examples"][0]), set(&["what", "serial"]));
    let v = one(&e.run_in(&demo, &["demo", "--json"], b""), 0, "demo again");
    assert_eq!(keys(&v), set(&["db", "fresh"]));
    assert_eq!(v["fresh"], false);
    covered.insert("demo".into());

    // Users (embedded: the OS user is an admin). A name with no OS account is refused
    // unless forced (a directory service that cannot be reached now).
    let out = e.run(&["--json", "user", "add", "hh07", "--role", "clerk"]);
    let v = one(&out, 1, "user add of no OS account");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .starts_with("expected an OS account, found no account \"hh07\""),
        "{v}"
    );
    let v = one(
        &e.run(&[
            "--json", "user", "add", "hh07", "--role", "clerk", "--force",
        ]),
        0,
        "user add",
    );
    assert_eq!(v, serde_json::json!({"name": "hh07", "role": "clerk"}));
    let v = one(
        &e.run(&["--json", "user", "role", "hh07", "Supervisor"]),
        0,
        "user role",
    );
    assert_eq!(v, serde_json::json!({"name": "hh07", "role": "supervisor"}));
    let v = one(&e.run(&["--json", "user", "list"]), 0, "user list");
    assert_eq!(
        v,
        serde_json::json!([{"name": "hh07", "role": "supervisor"}])
    );
    let v = one(
        &e.run(&["--json", "user", "remove", "hh07"]),
        0,
        "user remove",
    );
    assert_eq!(v, serde_json::json!({"name": "hh07", "role": null}));
    let v = one(
        &e.run(&["--json", "user", "remove", "hh07"]),
        1,
        "user remove again",
    );
    assert_eq!(v["kind"], "unknown");
    for c in ["user add", "user role", "user list", "user remove"] {
        covered.insert(c.into());
    }
    // The server: one line once it listens, exit 0 on SIGTERM.
    let socket = e.path("serve.sock");
    let mut server = e
        .cmd()
        .args(["--json", "--socket", &socket, "serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    assert_eq!(keys(&v), set(&["database", "socket", "log", "pid"]));
    assert_eq!(v["socket"], socket.as_str());
    assert_eq!(v["pid"], server.id());
    support::cli::sigterm(&server);
    let out = server.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !Path::new(&socket).exists(),
        "the socket is removed on the way out"
    );
    covered.insert("serve".into());
    assert_every_command(&covered, "without a --json case");
}

/// Keys whose values name what a command did or found: its text (no `--json`) must name them
/// too. Instants, anchors and hashes differ from one database to the next; they are left out.
const SALIENT: &[&str] = &[
    "document",
    "serial",
    "sku",
    "code",
    "name",
    "invoice",
    "customer",
    "agreement",
    "location",
];

/// Details a text row sums up rather than lists: a warranty's coverages (the row shows the
/// one that decides its end).
const SUMMED_UP: &[&str] = &["coverages"];

/// The salient values of a document, its first three items of each list. A product's name
/// beside its SKU is left out: the SKU names the product on a row.
fn salient(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let named_by_sku = k == "name" && map.contains_key("sku");
                match x {
                    _ if SUMMED_UP.contains(&k.as_str()) || named_by_sku => {}
                    Value::String(text) if SALIENT.contains(&k.as_str()) && !text.is_empty() => {
                        out.insert(text.clone());
                    }
                    _ => salient(x, out),
                }
            }
        }
        Value::Array(items) => items.iter().take(3).for_each(|x| salient(x, out)),
        _ => {}
    }
}

/// The same commands without `--json`, on a twin database built by the same commands: each
/// exits 0 and prints text (not JSON) naming every salient value its JSON twin holds.
#[test]
fn every_command_without_json_prints_text_naming_what_its_json_holds() {
    let (j, t) = (env(), env());
    let (json_cases, text_cases) = (cases(&j), cases(&t));
    let twin = |s: &str| s.replace(&j.path(""), &t.path(""));
    let mut covered: BTreeSet<String> = BTreeSet::new();
    let mut unnamed = Vec::new();
    for (jc, tc) in json_cases.iter().zip(&text_cases) {
        let v = run_json(&j, jc);
        let args: Vec<&str> = tc.args.iter().map(String::as_str).collect();
        let out = t.run_in(&t.db, &args, tc.stdin.as_bytes());
        support::cli::assert_exit(&out, 0, &args);
        let text = support::cli::stdout(&out);
        let first = text.trim_start().chars().next();
        assert!(
            first.is_some() && first != Some('{') && first != Some('['),
            "tallyman {}: expected text, got {text:?}",
            args.join(" ")
        );
        let mut want = BTreeSet::new();
        salient(&v, &mut want);
        for w in want {
            let w = twin(&w);
            if !text.contains(&w) {
                unnamed.push(format!(
                    "tallyman {}: the text does not name {w:?} (in its JSON):\n{text}",
                    args.join(" ")
                ));
            }
        }
        covered.insert(args.iter().take(2).copied().collect::<Vec<_>>().join(" "));
        covered.insert(args[0].to_string());
    }
    assert!(unnamed.is_empty(), "{}", unnamed.join("\n"));
    // demo, users and the server, as in the JSON test.
    let demo = t.tmp.path().join("demo");
    let out = t.run_in(&demo, &["demo", "--no-tui", "--units", "20"], b"");
    support::cli::assert_exit(&out, 0, &["demo"]);
    assert!(
        support::cli::stdout(&out).contains("RT9"),
        "{}",
        support::cli::stdout(&out)
    );
    covered.insert("demo".into());
    for (args, needle) in [
        (
            &["user", "add", "hh07", "--role", "clerk", "--force"][..],
            "hh07",
        ),
        (&["user", "role", "hh07", "supervisor"][..], "supervisor"),
        (&["user", "list"][..], "hh07"),
        (&["user", "remove", "hh07"][..], "hh07"),
    ] {
        let out = t.run(args);
        support::cli::assert_exit(&out, 0, args);
        assert!(
            support::cli::stdout(&out).contains(needle),
            "tallyman {}: {}",
            args.join(" "),
            support::cli::stdout(&out)
        );
        covered.insert(args[..2].join(" "));
    }
    // The server says where it listens, and stops with exit 0 on SIGTERM.
    let socket = t.path("serve.sock");
    let server = t
        .cmd()
        .args(["--socket", &socket, "serve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waited = std::time::Instant::now();
    while !Path::new(&socket).exists() && waited.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    support::cli::sigterm(&server);
    let out = server.wait_with_output().unwrap();
    support::cli::assert_exit(&out, 0, &["serve"]);
    let said = support::cli::stdout(&out) + &support::cli::stderr(&out);
    assert!(said.contains(&socket), "serve: {said}");
    covered.insert("serve".into());
    assert_every_command(&covered, "never run as text");
}

#[test]
fn csv_stays_the_default_without_json() {
    let e = env();
    let out = e.run(&["labels", "commands"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("#TM:FINISH"));
    assert!(documents_fail(&out), "text output parsed as JSON");
    let out = e.run(&["export", "stock", "--csv"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "location,sku,name,serial,qty\n"
    );
    // --json wins over --csv.
    let out = e.run(&["export", "stock", "--csv", "--json"]);
    assert_eq!(documents(&out), [serde_json::json!([])]);
}

fn documents_fail(out: &Output) -> bool {
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .any(|r| r.is_err())
}

#[test]
fn usage_errors_with_json_anywhere_are_one_json_error_with_exit_2() {
    let e = env();
    for args in [
        vec!["--json", "receive", "--product", "P", "--bogus", "X"],
        vec!["receive", "--bogus", "--json"],
        vec!["stock", "--json", "--frob"],
        vec!["--json", "frobnicate"],
        vec!["--json", "lookup"],
        vec!["--json", "product"],
        vec!["--json", "import", "widgets", "f.csv"],
        vec!["--json", "count", "show", "one"],
        vec!["--json"],
    ] {
        let out = e.run(&args);
        let v = one(&out, 2, &format!("{args:?}"));
        assert_eq!(keys(&v), set(&["error", "exit_code"]), "{args:?}: {v}");
        assert_eq!(v["exit_code"], 2);
        let msg = v["error"].as_str().unwrap();
        assert!(!msg.is_empty() && !msg.starts_with("error:"), "{msg}");
        // clap's own words still go to stderr.
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let v = one(&e.run(&["--json", "stock", "--frob"]), 2, "frob");
    assert!(v["error"].as_str().unwrap().contains("--frob"), "{v}");
    let v = one(&e.run(&["--json", "lookup"]), 2, "lookup");
    assert!(v["error"].as_str().unwrap().contains("<SERIAL>"), "{v}");
    // Without --json clap prints its text, nothing on stdout; `--json` after `--` is a value.
    let out = e.run(&["stock", "--frob"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--frob"));
    let out = e.run(&["decode", "--frob", "--", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    // Help stays text.
    let out = e.run(&["--json", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: tallyman"));
    assert!(
        !e.db.join("journal.tlj").exists(),
        "a usage error opened the database"
    );
}

#[test]
fn a_failing_check_is_one_document_with_the_problems_and_exit_code_3() {
    let e = env();
    for args in [
        vec!["party", "add", "--name", "Northwind", "--role", "supplier"],
        vec!["location", "add", "WH1"],
        vec!["product", "add", "--sku", "LAP", "--name", "Laptop"],
        vec!["location", "add", "WH2"],
        vec!["party", "add", "--name", "ACME"],
    ] {
        assert_eq!(e.run(&args).status.code(), Some(0), "{args:?}");
    }
    // Flip a byte inside the 3rd entry (8-byte file header, then [len u32][crc u32][body]).
    let path = e.db.join("journal.tlj");
    let mut bytes = std::fs::read(&path).unwrap();
    let mut offset = 8usize;
    for _ in 0..2 {
        let len = u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap()) as usize;
        offset += 8 + len;
    }
    bytes[offset + 12] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let v = one(&e.run(&["--json", "check"]), 3, "check");
    assert_eq!(
        keys(&v),
        set(&[
            "ok",
            "entries",
            "keys",
            "units",
            "problems",
            "advice",
            "anchor",
            "anchors_held",
            "notes",
            "error",
            "exit_code"
        ])
    );
    assert!(
        v["advice"]
            .as_str()
            .unwrap()
            .contains("tallyman rebuild --salvage"),
        "{v}"
    );
    assert_eq!(v["ok"], false);
    assert_eq!(v["exit_code"], 3);
    assert!(
        v["problems"][0].as_str().unwrap().contains("entry 3"),
        "{v}"
    );
    assert!(
        v["error"].as_str().unwrap().starts_with("check failed"),
        "{v}"
    );
}

#[test]
fn a_refusal_is_one_json_error_document() {
    let e = env();
    let v = one(&e.run(&["--json", "lookup", "NOPE"]), 1, "lookup");
    assert_eq!(keys(&v), set(&["error", "exit_code"]));
    assert!(v["error"].as_str().unwrap().contains("\"NOPE\""), "{v}");
    // A refusal of the service says its kind and what it is about.
    let v = one(&e.run(&["--json", "warranty", "card", "S-1"]), 1, "card");
    assert_eq!(keys(&v), set(&["error", "exit_code", "kind", "about"]));
    assert_eq!(v["exit_code"], 1);
    assert_eq!(v["kind"], "unknown");
    assert_eq!(v["about"], "S-1");
}

#[test]
fn the_json_section_of_the_cli_docs_names_every_command() {
    let doc = std::fs::read_to_string("docs/cli.md").unwrap();
    let start = doc.find("## JSON output").expect("a JSON output section");
    let section = &doc[start..];
    // Every word inside `code spans` and ### headings of the section.
    let mut words: BTreeSet<&str> = BTreeSet::new();
    for (i, span) in section.split('`').enumerate() {
        if i % 2 == 1 {
            words.extend(span.split([' ', ',']));
        }
    }
    for line in section.lines().filter(|l| l.starts_with("### ")) {
        words.extend(line[4..].split([' ', ',', ':']));
    }
    let missing: Vec<String> = leaf_commands()
        .into_iter()
        .filter(|c| c.split(' ').any(|w| !words.contains(w)))
        .collect();
    assert!(
        missing.is_empty(),
        "not in docs/cli.md JSON output: {missing:?}"
    );
}
