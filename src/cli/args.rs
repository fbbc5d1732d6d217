//! Command-line arguments (clap derive): every subcommand and its options.

use crate::config::ProfileSetting;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The whole command line as clap sees it; [`Cli`] is its content. `Cli::parse` goes through
/// it so that a usage error with `--json` on the line is answered in JSON.
#[derive(Debug, Parser)]
#[command(
    name = "tallyman",
    version,
    about = "Serial-number inventory for warehouses: count, fix mismatches, look up warranty",
    long_about = "Serial-number inventory for warehouses.\n\nWithout a command, opens the terminal screens. Every operation also has a command here.\nExit codes: 0 done, 1 refused or invalid input, 2 usage, 3 storage failure or server gone, 4 not permitted for your role."
)]
struct Line {
    #[command(flatten)]
    cli: Cli,
}

// The global options and the command (no doc comment: it would become the help's about).
#[derive(Debug, Args)]
pub struct Cli {
    /// Database folder (default: $TALLYMAN_DB, else ~/.local/share/tallyman)
    #[arg(long, global = true, value_name = "DIR")]
    pub db: Option<PathBuf>,
    /// Print machine-readable JSON instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// Screens: keymap default, vt220 or handheld (else TALLYMAN_KEYMAP, config, TERM)
    #[arg(long, global = true, value_name = "NAME")]
    pub keymap: Option<String>,
    /// Screens: a site keymap file layered on top of the chosen keymap
    #[arg(long, global = true, value_name = "PATH")]
    pub keymap_file: Option<PathBuf>,
    /// Screens: terminal profile (else config, then TERM)
    #[arg(
        long,
        global = true,
        value_name = "full|vt",
        value_enum,
        ignore_case = true
    )]
    pub profile: Option<ProfileSetting>,
    /// Config file (else ~/.config/tallyman/config.toml, then /etc/tallyman/config.toml)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The server's socket (else $TALLYMAN_SOCKET, else config [serve] socket, else the
    /// database folder + ".sock"). Named, it makes this a client of that server only
    #[arg(long, global = true, value_name = "PATH", env = "TALLYMAN_SOCKET")]
    pub socket: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

impl CommandFactory for Cli {
    fn command() -> clap::Command {
        Line::command()
    }

    fn command_for_update() -> clap::Command {
        Line::command_for_update()
    }
}

impl Parser for Cli {
    /// Parses the process's arguments. A usage error exits 2 as clap does, except that with
    /// `--json` on the line standard output gets `{"error": ..., "exit_code": 2}` (the full
    /// clap text still goes to standard error). Help and version stay text.
    fn parse() -> Self {
        match Self::try_parse() {
            Ok(cli) => cli,
            Err(e) => std::process::exit(super::usage_error(&e, json_on_line(std::env::args_os()))),
        }
    }
}

/// Whether `--json` is among the options of a command line (not after `--`).
pub fn json_on_line(args: impl IntoIterator<Item = std::ffi::OsString>) -> bool {
    args.into_iter()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}

#[derive(Debug, Subcommand)]
pub enum Cmd {
    /// Products: add and list
    #[command(subcommand)]
    Product(ProductCmd),
    /// Locations (hierarchical codes such as WH1/A/01): add and list
    #[command(subcommand)]
    Location(LocationCmd),
    /// Customers and suppliers: add and list
    #[command(subcommand)]
    Party(PartyCmd),
    /// Receive serials (or a quantity) from a supplier
    Receive(ReceiveArgs),
    /// Sell serials (or a quantity) to a customer
    Sell(SellArgs),
    /// Take back serials a customer bought from us
    Return(ReturnArgs),
    /// Move serials (or a quantity) between locations
    Transfer(TransferArgs),
    /// Write serials (or a quantity) off stock, with a reason
    WriteOff(WriteOffArgs),
    /// Show a serial's product, state, cost and full timeline
    Lookup {
        /// The serial (or a raw scan: GS1 and IMEI are decoded)
        serial: String,
    },
    /// Stock balances with serials
    Stock(StockArgs),
    /// Import a CSV file (all rows or none)
    Import {
        #[arg(value_enum)]
        what: ImportKind,
        file: PathBuf,
    },
    /// Export data as CSV
    #[command(subcommand)]
    Export(ExportCmd),
    /// Decode what a scanner typed (GS1, IMEI, plain)
    Decode {
        /// The scan; write the GS separator as \x1d or use the (01)...(21)... form
        data: String,
    },
    /// Verify the journal chain, anchors, and that replaying the journal gives the store
    Check {
        /// An anchor SEQ:HASH (from `tallyman anchor`, a backup or a count report) the
        /// journal must still hold, or a file of them, one per line; may be repeated
        #[arg(long = "anchor", value_name = "SEQ:HASH|FILE")]
        anchors: Vec<String>,
    },
    /// Make a fresh store from the journal (the old one is kept aside)
    Rebuild {
        /// Keep what a damaged journal still holds: every entry before the damage goes to a
        /// new journal; the damaged one is kept beside it
        #[arg(long)]
        salvage: bool,
        /// With --salvage: keep the intact entries found after the damage
        #[arg(long, requires = "salvage", conflicts_with = "drop_later")]
        keep_later: bool,
        /// With --salvage: drop the entries found after the damage (they are listed)
        #[arg(long, requires = "salvage")]
        drop_later: bool,
        /// Take a journal that differs from what the store applied as the truth
        #[arg(long, conflicts_with = "salvage")]
        force: bool,
    },
    /// Print the head of the journal's chain (SEQ:HASH): keep it outside the database and
    /// give it to `check --anchor` later to prove the journal was not changed
    Anchor,
    /// Create a new, empty database in DIR (other commands refuse a --db that does not exist)
    Init { dir: PathBuf },
    /// Write a backup of the database (its journal) to FILE
    Backup { file: PathBuf },
    /// Restore the database from a backup FILE
    Restore {
        file: PathBuf,
        /// Replace a database whose journal holds entries (the journal is kept)
        #[arg(long)]
        force: bool,
    },
    /// Inventory counts by serial number: open, scan, close, review
    #[command(subcommand)]
    Count(CountCmd),
    /// Print label sheets (command barcodes for the scan loop)
    #[command(subcommand)]
    Labels(LabelsCmd),
    /// Warranty: show, activate, extend, replace (RMA), reports
    #[command(subcommand)]
    Warranty(WarrantyCmd),
    /// Repairs: intake (shows the warranty type on the intake day) and close
    #[command(subcommand)]
    Repair(RepairCmd),
    /// Fill a database with realistic demo data, then open it
    Demo(DemoArgs),
    /// Own the database and serve a site's team on a Unix socket (stop with SIGTERM)
    Serve(ServeArgs),
    /// The site's users and their roles: support, clerk, supervisor, admin
    #[command(subcommand)]
    User(UserCmd),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The socket's group (else config [serve] group, else the server user's)
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// The server's log (else config [serve] log, else serve.log in the database folder)
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Sync the journal once per command, inside the writer lock (for comparison)
    #[arg(long)]
    pub no_group_commit: bool,
    /// Where the server appends the head of the journal's chain (else the database
    /// folder's path with ".anchor" appended, beside it); give it to `check --anchor`
    #[arg(long, value_name = "FILE")]
    pub anchor_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Give an OS account a role on this site
    Add {
        /// The OS account name (as `id -un` prints it)
        name: String,
        /// support, clerk, supervisor or admin
        #[arg(long)]
        role: String,
        /// Add the name although this machine knows no such OS account (a directory service
        /// that cannot be reached now)
        #[arg(long)]
        force: bool,
    },
    /// Every user and their role
    List,
    /// Change a user's role
    Role {
        name: String,
        /// support, clerk, supervisor or admin
        role: String,
    },
    /// Take a user's role away
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub enum WarrantyCmd {
    /// A serial's coverages and status today (or --date)
    Show {
        serial: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Record the day the customer activated the warranty
    Activate {
        serial: String,
        #[arg(long)]
        date: Option<String>,
    },
    /// Add an extended agreement: --until DATE, else --months/--days, else the product's period
    Extend {
        serial: String,
        #[arg(long)]
        months: Option<u32>,
        #[arg(long)]
        days: Option<u32>,
        #[arg(long)]
        until: Option<String>,
        /// First covered day (default today)
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        /// Invoice number (invoice numbering)
        #[arg(long)]
        invoice: Option<String>,
        /// Order number (order numbering)
        #[arg(long)]
        order: Option<String>,
    },
    /// Warranty replacement (RMA): NEW (in stock) goes to the customer and inherits OLD's coverage
    Replace {
        old: String,
        new: String,
        /// remaining (default per product), fresh, or longer
        #[arg(long)]
        policy: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record an event on an agreement: CR, IR, LAB, RTF or REINV
    Event {
        agreement: String,
        code: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Per product: warranty counts from sale or receipt; replacement policy
    Terms {
        sku: String,
        #[arg(long, default_value = "sale")]
        from: String,
        #[arg(long, default_value = "remaining")]
        policy: String,
    },
    /// Add a generic warranty by category or service type
    Generic {
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        service_type: Option<String>,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Wins over a serial's own coverage for this service type
        #[arg(long)]
        force: bool,
    },
    /// Sold units whose warranty ends within N days
    Expiring {
        #[arg(long, default_value_t = 30)]
        days: u32,
        #[arg(long)]
        csv: bool,
    },
    /// Everything sold to a customer with its warranty status
    Customer {
        name: String,
        #[arg(long)]
        csv: bool,
    },
    /// Warranty tracking: every sold unit with sale date, period and days left
    Tracking {
        #[arg(long)]
        csv: bool,
    },
    /// A printable warranty card for a sale
    Card { sale: String },
}

#[derive(Debug, Subcommand)]
pub enum RepairCmd {
    /// Take a unit in for repair
    Intake {
        serial: String,
        #[arg(long)]
        service_type: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Close a unit's open repair (back to the customer, or --to a location)
    Close {
        serial: String,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CountCmd {
    /// Open a count over a location subtree (blind by default)
    Open {
        /// A name such as "Aisle A, November" (default: the location and the day, e.g.
        /// "WH1/A 11-29")
        name: Option<String>,
        /// The location subtree to count, e.g. WH1/A
        #[arg(long)]
        location: String,
        /// Count only this product (repeat for more)
        #[arg(long)]
        product: Vec<String>,
        /// Count only this category (repeat for more)
        #[arg(long)]
        category: Vec<String>,
        /// Open counting: show counters how many units are expected where they scan
        #[arg(long)]
        show_expected: bool,
    },
    /// Counts open or in review, with progress and counters
    List {
        /// Also posted and cancelled counts
        #[arg(long)]
        all: bool,
    },
    /// One count: scope, status, figures, last scans
    Show { id: u32 },
    /// Close a count for review (no more scans)
    Close { id: u32 },
    /// Reopen a count in review for more scans
    Reopen { id: u32 },
    /// Cancel a count
    Cancel { id: u32 },
    /// Every scan of a count as CSV
    Export { id: u32 },
    /// Shortage, surplus (with why), duplicates, and suggested replacements
    Mismatches { id: u32 },
    /// Replace serial number: FOUND (surplus) stands for MISSING (shortage); corrects the sale or receipt
    Replace {
        id: u32,
        #[arg(long)]
        found: String,
        #[arg(long)]
        missing: String,
    },
    /// Move a surplus that is in stock elsewhere to where it was counted
    Relocate { id: u32, serial: String },
    /// Take in an unknown counted serial as found stock
    ReceiveFound {
        id: u32,
        serial: String,
        /// Product (else the one on the scanned GS1 label)
        #[arg(long)]
        product: Option<String>,
    },
    /// Write off a shortage
    WriteOff {
        id: u32,
        serial: String,
        #[arg(long)]
        reason: String,
    },
    /// Leave a mismatch as it is, with a note
    Accept {
        id: u32,
        serial: String,
        #[arg(long)]
        note: String,
    },
    /// Accept every open mismatch of a bin, of a product, or of both, with one note
    AcceptAll {
        id: u32,
        /// Only the mismatches of this bin (where it was counted or is expected)
        #[arg(long)]
        location: Option<String>,
        /// Only the mismatches of this product (SKU or barcode)
        #[arg(long)]
        product: Option<String>,
        #[arg(long)]
        note: String,
    },
    /// Write off every open shortage of the count's counted bins, with one reason
    WriteOffCounted {
        id: u32,
        #[arg(long)]
        reason: String,
    },
    /// Mark a bin as counted (a counter finished it): its shortages can be settled
    BinDone {
        id: u32,
        /// The bin, e.g. WH1/A/03
        #[arg(long)]
        location: String,
    },
    /// Undo a resolution (while the count is not posted)
    Undo { id: u32, resolution: u32 },
    /// Post a count (every mismatch resolved or accepted)
    Post {
        id: u32,
        /// Shortages are those of the counted bins only; units expected in bins nobody
        /// finished are left as they are (a partial count)
        #[arg(long)]
        counted_bins_only: bool,
    },
    /// The count report: scope, counters, buckets, every resolution with its documents
    Report {
        id: u32,
        /// CSV: one row per serial with its bucket
        #[arg(long)]
        csv: bool,
    },
    /// Read scans from standard input, one per line; print one answer per scan once it is durable
    Scan {
        id: u32,
        /// Where the first scans are (else scan a location label first)
        #[arg(long)]
        location: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LabelsCmd {
    /// The command barcodes of the scan loop: FINISH, UNDO, LOCATION
    Commands {
        /// ZPL for a Zebra label printer instead of plain text
        #[arg(long)]
        zpl: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProductCmd {
    /// Add a product
    Add(ProductAddArgs),
    /// List products
    List,
}

#[derive(Debug, Args)]
pub struct ProductAddArgs {
    #[arg(long)]
    pub sku: String,
    #[arg(long)]
    pub name: String,
    /// GTIN-8/12/13/14 with check digit
    #[arg(long)]
    pub gtin: Option<String>,
    #[arg(long, default_value = "")]
    pub category: String,
    /// strict, soft, none, or per flow: receipt=strict,sale=soft,return=strict,transfer=soft
    #[arg(long, default_value = "strict")]
    pub tracking: String,
    /// plain, imei, or regex:PATTERN
    #[arg(long = "serial-format", default_value = "plain")]
    pub serial_format: String,
    /// Warranty period such as 24m or 365d
    #[arg(long)]
    pub warranty: Option<String>,
    /// Keep the case of serials (default: upper-case them)
    #[arg(long)]
    pub keep_case: bool,
}

#[derive(Debug, Subcommand)]
pub enum LocationCmd {
    /// Add a location (its missing parents are added too)
    Add {
        code: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List locations
    List,
}

#[derive(Debug, Subcommand)]
pub enum PartyCmd {
    /// Add a customer or supplier
    Add {
        #[arg(long)]
        name: String,
        /// customer, supplier or both
        #[arg(long, default_value = "customer")]
        role: String,
        #[arg(long, default_value = "")]
        bill_to: String,
        #[arg(long, default_value = "")]
        ship_to: String,
    },
    /// List parties
    List,
}

/// Options every posting shares.
#[derive(Debug, Args)]
pub struct PostingArgs {
    /// Product SKU (may be left out when each serial belongs to one product)
    #[arg(long)]
    pub product: Option<String>,
    /// Document date YYYY-MM-DD (default today)
    #[arg(long)]
    pub date: Option<String>,
    /// Quantity: for unserialised products; for serialised ones it must equal the serials given
    #[arg(long)]
    pub qty: Option<u32>,
    /// Reason (write-off, return) and the reason that accepts soft-mode warnings
    #[arg(long)]
    pub reason: Option<String>,
    /// Serials (or raw scans)
    pub serials: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReceiveArgs {
    #[command(flatten)]
    pub common: PostingArgs,
    #[arg(long)]
    pub supplier: String,
    #[arg(long)]
    pub invoice: String,
    /// Target location (default RECEIVING, created when missing)
    #[arg(long)]
    pub to: Option<String>,
    /// Purchase cost per unit
    #[arg(long)]
    pub cost: Option<String>,
}

#[derive(Debug, Args)]
pub struct SellArgs {
    #[command(flatten)]
    pub common: PostingArgs,
    #[arg(long)]
    pub customer: String,
    #[arg(long)]
    pub invoice: String,
    /// Source location (required for quantities; for serials it must hold them)
    #[arg(long)]
    pub from: Option<String>,
    /// Price per unit
    #[arg(long)]
    pub price: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReturnArgs {
    #[command(flatten)]
    pub common: PostingArgs,
    #[arg(long)]
    pub customer: String,
    /// Location the returned goods go to
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct TransferArgs {
    #[command(flatten)]
    pub common: PostingArgs,
    #[arg(long)]
    pub from: String,
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct WriteOffArgs {
    #[command(flatten)]
    pub common: PostingArgs,
    #[arg(long)]
    pub from: Option<String>,
}

#[derive(Debug, Args)]
pub struct StockArgs {
    /// Only this location and the ones inside it
    #[arg(long)]
    pub location: Option<String>,
    /// Only this product SKU
    #[arg(long)]
    pub product: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Products,
    Receipts,
    Sales,
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Stock balances as CSV: location,sku,name,serial,qty
    Stock {
        /// CSV output (the only format)
        #[arg(long)]
        csv: bool,
        #[command(flatten)]
        filter: StockArgs,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many serialised units to create (1 to 5,000,000)
    #[arg(long, default_value_t = 3000)]
    pub units: u64,
    /// Create the data and exit instead of opening the screens
    #[arg(long)]
    pub no_tui: bool,
}
