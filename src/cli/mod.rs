//! The command-line twin of every operation: clap definitions and dispatch. Exit codes:
//! 0 done, 1 refused or invalid input, 2 usage, 3 storage failure.

/// Prints a line to standard output; a reader that went away (a closed pipe) ends the
/// process quietly instead of panicking, as `println!` would.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}

mod admin;
mod args;
mod count;
pub mod demo;
mod import;
mod mismatch;
mod output;
mod postings;
mod screens;
mod warranty;

pub use args::{Cli, Cmd};

use crate::ops::{OpsError, Service};
use std::path::{Path, PathBuf};

pub fn write_line(args: std::fmt::Arguments) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}").and_then(|_| out.flush()) {
        exit_on_output_error(&e);
    }
}

/// Ends the process after a failed write to standard output: quietly when the reader went
/// away, with exit code 3 otherwise.
pub fn exit_on_output_error(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("tallyman: cannot write the output: {e}");
    std::process::exit(3);
}

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }

    pub fn storage(message: impl Into<String>) -> Failure {
        Failure {
            code: 3,
            message: message.into(),
        }
    }
}

impl From<OpsError> for Failure {
    fn from(e: OpsError) -> Failure {
        let message = match &e {
            OpsError::Rejected(list) => {
                let mut m = e.to_string();
                for r in list {
                    m.push_str(&format!("\n  command {}: {}", r.index + 1, r.message));
                }
                m
            }
            _ => e.to_string(),
        };
        Failure {
            code: e.exit_code(),
            message,
        }
    }
}

pub type CliResult = Result<(), Failure>;

/// The database folder: `--db`, else `TALLYMAN_DB`, else the platform's local data directory
/// (`$XDG_DATA_HOME/NAME` or `~/.local/share/NAME` on Linux), else `./NAME` when no home
/// directory is known.
pub fn default_db_dir(name: &str) -> PathBuf {
    match directories::BaseDirs::new() {
        Some(dirs) => dirs.data_local_dir().join(name),
        None => PathBuf::from(".").join(name),
    }
}

pub use crate::identity::os_user;

/// Applies the site's config to the service: how scans are read, when a warranty is
/// "expiring soon".
pub fn configured(service: Service, config: &crate::config::Config) -> Service {
    let scan = crate::domain::scan::ScanConfig {
        gs_substitute: config.gs_substitute,
        ..crate::domain::scan::ScanConfig::default()
    };
    let warranty = crate::ops::warranty::WarrantySettings {
        soon_days: config.expiring_soon_days,
        ..crate::ops::warranty::WarrantySettings::default()
    };
    service
        .with_scan_config(scan)
        .with_warranty_settings(warranty)
}

/// The site config of this run (loaded once by `run`; defaults until then).
static CONFIG: std::sync::OnceLock<crate::config::Config> = std::sync::OnceLock::new();

pub fn open_service(dir: &Path) -> Result<Service, Failure> {
    let (service, notes) = Service::open(dir)?;
    let service = configured(service, CONFIG.get_or_init(crate::config::Config::default));
    for w in notes.warnings {
        eprintln!("warning: {w}");
    }
    Ok(service)
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    // Commands use the config's scan and warranty settings; a broken config file is reported
    // and the defaults are used, so `check`, `backup` and `restore` still work.
    match crate::config::Config::load(cli.config.as_deref()) {
        Ok((config, _)) => {
            let _ = CONFIG.set(config);
        }
        Err(e) => {
            if cli.command.is_some() {
                eprintln!("warning: {e}; using the default settings");
            }
        }
    }
    let db = cli.db.clone().unwrap_or_else(|| match &cli.command {
        Some(Cmd::Demo(_)) => default_db_dir("tallyman-demo"),
        _ => std::env::var_os("TALLYMAN_DB")
            .map(PathBuf::from)
            .unwrap_or_else(|| default_db_dir("tallyman")),
    });
    match dispatch(&cli, &db) {
        Ok(()) => 0,
        Err(f) => {
            if cli.json {
                outln!(
                    "{}",
                    serde_json::json!({ "error": f.message, "exit_code": f.code })
                );
            }
            eprintln!("tallyman: {}", f.message);
            f.code
        }
    }
}

fn dispatch(cli: &Cli, db: &Path) -> CliResult {
    let json = cli.json;
    let Some(command) = &cli.command else {
        return screens::run(cli, open_service(db)?);
    };
    match command {
        Cmd::Decode { data } => output::decode(data, json),
        Cmd::Check => admin::check(db, json),
        Cmd::Rebuild => admin::rebuild(db, json),
        Cmd::Backup { file } => admin::backup(db, file, json),
        Cmd::Restore { file, force } => admin::restore(db, file, *force, json),
        Cmd::Demo(args) => {
            let service = demo::run(db, args, json)?;
            if args.no_tui || json {
                Ok(())
            } else {
                screens::run(cli, service)
            }
        }
        Cmd::Count(c) => {
            let service = open_service(db)?;
            if mismatch::run(&service, c, json)? {
                Ok(())
            } else {
                count::run(&service, c, json)
            }
        }
        Cmd::Labels(l) => count::labels(l),
        Cmd::Warranty(w) => warranty::run(&open_service(db)?, w, json),
        Cmd::Repair(r) => warranty::repair(&open_service(db)?, r, json),
        Cmd::Import { what, file } => import::run(&open_service(db)?, *what, file, json),
        other => {
            let service = open_service(db)?;
            postings::run(&service, other, json)
        }
    }
}
