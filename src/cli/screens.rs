//! Opening the terminal screens on a database (the default when no command is given).

use super::args::Cli;
use super::{CliResult, Failure};
use crate::config::Config;
use crate::ops::{Ops, OpsQueries};
use crate::tui::{self, ops_runner::OpsRunner, Interrupted, TuiOptions};
use std::sync::Arc;

/// The screens on `db` (its folder, as named on the command line) through `ops`.
pub fn run(cli: &Cli, db: &std::path::Path, ops: Arc<dyn Ops>) -> CliResult {
    let (config, _from) = Config::load(cli.config.as_deref()).map_err(|e| Failure {
        code: 2,
        message: e.to_string(),
        json: None,
    })?;
    let mut options = TuiOptions::from_env(
        config,
        cli.keymap.clone(),
        cli.keymap_file.clone(),
        cli.profile,
        ops.status()?.dir,
    );
    // Diagnostics say whether a server answers for the database, and on which socket.
    options.link = (!ops.embedded()).then(|| super::socket_of(db).display().to_string());
    tui::run(options, Box::new(OpsRunner::shared(ops))).map_err(|e| {
        let code = e
            .downcast_ref::<Interrupted>()
            .map(Interrupted::exit_code)
            .unwrap_or(1);
        Failure {
            code,
            message: e.to_string(),
            json: None,
        }
    })
}
