//! tallyman: serial-number inventory for warehouses: counting, mismatch repair, warranty lookup.
#![forbid(unsafe_code)]
// No unwrap or expect in production code: errors are said, not panicked (tests may).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod cli;
pub mod codec;
pub mod config;
pub mod domain;
pub mod identity;
pub mod journal;
pub mod ops;
pub mod server;
pub mod store;
pub mod tui;
