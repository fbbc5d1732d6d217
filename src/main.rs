//! The `tallyman` binary: parse the command line and run it.
#![forbid(unsafe_code)]
// No unwrap or expect in production code: errors are said, not panicked (tests may).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;

// See Cargo.toml: glibc's malloc was a large part of bulk writes' time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    tallyman::tui::mark_start();
    let cli = tallyman::cli::Cli::parse();
    std::process::exit(tallyman::cli::run(cli));
}
