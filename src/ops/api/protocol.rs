//! The one door to the data: every front end (the command line, the screens, and later the
//! socket of `tallyman serve`) reads and changes the database only through [`Ops`], with
//! [`Request`]s in and [`Reply`]s out. Both are versioned enums encodable through the codec
//! module, so a request can travel over a socket unchanged.

use serde::{Deserialize, Serialize};

use super::{Answer, Command, OpsError, Outcome, Query};

/// What a front end asks, versioned: variants are only ever appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    V1(Call),
}

/// One user intent: a command, a query, or a command and the query that shows its result, in
/// one round trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Call {
    /// Validate, journal (durably) and apply.
    Execute(Command),
    /// Read.
    Query(Query),
    /// Execute, then (only if it went through) answer the query on the new state.
    ExecuteThen(Command, Query),
    /// Validate without changing anything (what `Execute` would refuse).
    Validate(Command),
    /// Keep the database sound: check, anchor, rebuild, salvage, backup, restore (admin only).
    Admin(super::AdminCall),
}

/// What the service answers, versioned: variants are only ever appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    V1(Result<Done, OpsError>),
}

/// A request that went through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(clippy::large_enum_variant)]
pub enum Done {
    Outcome(Outcome),
    Answer(Answer),
    Both(Outcome, Answer),
    Admin(super::AdminDone),
}

impl Request {
    /// The request as bytes (the codec module's options).
    pub fn encode(&self) -> Result<Vec<u8>, crate::codec::CodecError> {
        crate::codec::encode("a request", self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Request, crate::codec::CodecError> {
        crate::codec::decode("a request", bytes)
    }
}

impl Reply {
    /// The reply as bytes (the codec module's options).
    pub fn encode(&self) -> Result<Vec<u8>, crate::codec::CodecError> {
        crate::codec::encode("a reply", self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Reply, crate::codec::CodecError> {
        crate::codec::decode("a reply", bytes)
    }
}

fn unexpected(what: &str) -> OpsError {
    OpsError::Storage(format!("the service gave an unexpected answer to {what}"))
}

/// The interface every front end uses: one method, [`Ops::call`]; the rest are conveniences
/// over it. The acting user is bound to the implementation (the OS user in embedded mode, the
/// socket peer in a server).
pub trait Ops: Send + Sync {
    fn call(&self, request: Request) -> Reply;

    /// Makes what this process wrote durable, so the process may end without dropping the
    /// database (nothing to do through a server).
    fn finish(&self) -> Result<(), OpsError> {
        Ok(())
    }

    /// The socket of the server this talks to; none when the database is opened here (no
    /// link that can go down).
    fn server_socket(&self) -> Option<std::path::PathBuf> {
        None
    }

    fn execute(&self, command: Command) -> Result<Outcome, OpsError> {
        match self.call(Request::V1(Call::Execute(command))) {
            Reply::V1(Ok(Done::Outcome(o))) => Ok(o),
            Reply::V1(Ok(_)) => Err(unexpected("a command")),
            Reply::V1(Err(e)) => Err(e),
        }
    }

    fn query(&self, query: Query) -> Result<Answer, OpsError> {
        match self.call(Request::V1(Call::Query(query))) {
            Reply::V1(Ok(Done::Answer(a))) => Ok(a),
            Reply::V1(Ok(_)) => Err(unexpected("a query")),
            Reply::V1(Err(e)) => Err(e),
        }
    }

    fn execute_then(&self, command: Command, query: Query) -> Result<(Outcome, Answer), OpsError> {
        match self.call(Request::V1(Call::ExecuteThen(command, query))) {
            Reply::V1(Ok(Done::Both(o, a))) => Ok((o, a)),
            Reply::V1(Ok(_)) => Err(unexpected("a command and query")),
            Reply::V1(Err(e)) => Err(e),
        }
    }

    fn admin(&self, call: super::AdminCall) -> Result<super::AdminDone, OpsError> {
        match self.call(Request::V1(Call::Admin(call))) {
            Reply::V1(Ok(Done::Admin(d))) => Ok(d),
            Reply::V1(Ok(_)) => Err(unexpected("an admin call")),
            Reply::V1(Err(e)) => Err(e),
        }
    }

    fn validate(&self, command: Command) -> Result<Outcome, OpsError> {
        match self.call(Request::V1(Call::Validate(command))) {
            Reply::V1(Ok(Done::Outcome(o))) => Ok(o),
            Reply::V1(Ok(_)) => Err(unexpected("a validation")),
            Reply::V1(Err(e)) => Err(e),
        }
    }
}

/// Generates a typed query helper: `fn name(&self, args) -> Result<T, OpsError>` that sends
/// one query and unpacks the one answer variant it expects.
macro_rules! typed_queries {
    ($( $(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $out:ty = $query:expr => $variant:ident; )*) => {
        /// Typed shortcuts over [`Ops::query`]: one request each.
        pub trait OpsQueries: Ops {
            $(
                $(#[$doc])*
                fn $name(&self, $($arg: $ty),*) -> Result<$out, OpsError> {
                    match self.query($query)? {
                        Answer::$variant(v) => Ok(v),
                        _ => Err(unexpected(stringify!($name))),
                    }
                }
            )*
        }
    };
}

typed_queries! {
    /// The database's state in brief (folder, last entry, today's date).
    fn status() -> super::StatusView = Query::Status => Status;
    /// One count with its expected figure and its last scans.
    fn count(count: crate::domain::CountId, last: u32) -> super::CountView =
        Query::Count { count, last } => Count;
    /// Counts, with their expected figures (open counting only) when asked.
    fn counts(expected: bool) -> Vec<super::CountView> = Query::Counts { expected } => Counts;
    /// Every unit with this serial, with its warranty at `date` (today if none).
    fn lookup(serial: String, date: Option<crate::domain::Day>) -> Vec<super::UnitView> =
        Query::Lookup { serial, date } => Units;
    /// The live count scans of a serial, in every count.
    fn serial_scans(serial: String) -> Vec<super::ScanLine> = Query::SerialScans { serial } => Scans;
    /// A count's mismatches with the names their rows refer to.
    fn mismatches(count: crate::domain::CountId) -> Box<super::MismatchView> =
        Query::Mismatches { count } => Mismatches;
    /// What a count counted of the products counted by quantity.
    fn count_quantities(count: crate::domain::CountId) -> Vec<super::QtyLine> =
        Query::CountQuantities { count } => Quantities;
}

impl<T: Ops + ?Sized> OpsQueries for T {}
