//! The `tallyman` binary: parse the command line and run it.
#![forbid(unsafe_code)]

use clap::Parser;

fn main() {
    tallyman::tui::mark_start();
    let cli = tallyman::cli::Cli::parse();
    std::process::exit(tallyman::cli::run(cli));
}
