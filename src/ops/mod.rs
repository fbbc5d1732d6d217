//! ops: the face and the house. [`api`] is the face, the wire vocabulary every front end
//! speaks (requests in, outcomes, answers and typed refusals out, the view types, the pure
//! helpers that put them into words); `local` is the house, the service that validates,
//! journals and applies (front ends never name it). Between them, the two doors a front end
//! opens: [`Local`] (the service in this process) or [`Offline`] (the closed folder, for
//! the admin calls), and [`Remote`] (a client of `tallyman serve`), with the [`Outbox`] that
//! keeps scans while the link is down. The doors and the outbox are the front ends' side of
//! the protocol: they depend on the face only (the embedded doors on the house too, which
//! they open), and the face depends on none of them.

pub mod api;
pub mod local;
pub mod outbox;
pub mod remote;

pub use api::*;
pub use local::{ActAs, Local, Offline, OpenNotes};
pub use outbox::{default_dir as outbox_dir, Outbox, Waiting};
pub use remote::Remote;
