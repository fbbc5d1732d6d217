//! Opening the terminal screens on a database (the default when no command is given).

use super::args::Cli;
use super::{CliResult, Failure};
use crate::config::Config;
use crate::ops::{Ops, OpsQueries};
use crate::tui::{self, ops_runner::OpsRunner, Interrupted, TuiOptions};
use std::sync::Arc;

pub fn run(cli: &Cli, ops: Arc<dyn Ops>) -> CliResult {
    let (config, _from) = Config::load(cli.config.as_deref()).map_err(|e| Failure {
        code: 2,
        message: e.to_string(),
        json: None,
    })?;
    let options = TuiOptions::from_env(
        config,
        cli.keymap.clone(),
        cli.keymap_file.clone(),
        cli.profile,
        ops.status()?.dir,
    );
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
