//! The diagnostics screen's words: its labels and messages.
//! Short on purpose: the smallest screen is 20 columns wide.

/// Diagnostics screen title.
pub const TITLE_DIAGNOSTICS: &str = "Diagnostics";

/// Status: the diagnostics scan field read a scan.
pub fn scan_read(len: usize) -> String {
    format!("Read {len} chars")
}

/// Diagnostics labels.
pub const DIAG_SCAN: &str = "Scan:";

/// Diagnostics: newest key.
pub const DIAG_KEY: &str = "Key:";

/// Diagnostics: no key yet.
pub const DIAG_PRESS_A_KEY: &str = "press any key";

/// Diagnostics: last scan.
pub const DIAG_LAST_SCAN: &str = "Last scan:";

/// Diagnostics: bytes of the last scan.
pub const DIAG_BYTES: &str = "Bytes:";

/// Diagnostics: TERM.
pub const DIAG_TERM: &str = "TERM:";

/// Diagnostics: size.
pub const DIAG_SIZE: &str = "Size:";

/// Diagnostics: profile.
pub const DIAG_PROFILE: &str = "Profile:";

/// Diagnostics: keymap.
pub const DIAG_KEYMAP: &str = "Keymap:";

/// Diagnostics: OS user.
pub const DIAG_USER: &str = "User:";

/// Diagnostics: database label.
pub const DIAG_DB: &str = "DB:";

/// Diagnostics: how the screens reach the database.
pub const DIAG_VIA: &str = "Via:";

/// Diagnostics: through the server on a socket.
pub fn via_server(socket: &str) -> String {
    format!("server {socket}")
}

/// Diagnostics: the database opened by this process (embedded mode).
pub const VIA_ITSELF: &str = "database itself (no server)";

/// Diagnostics: service status.
pub const DIAG_SERVICE: &str = "Service:";

/// Diagnostics: the time.
pub const DIAG_TIME: &str = "Time:";

/// Diagnostics: bell.
pub const DIAG_BELL: &str = "Bell:";

/// Diagnostics: scan terminators.
pub const DIAG_ENDS: &str = "Scan ends:";

/// Diagnostics: GS display.
pub const DIAG_GS: &str = "GS shows as:";

/// Diagnostics: key list heading.
pub const DIAG_KEYS: &str = "Keys, newest first:";

/// Diagnostics: note on reconstructed bytes.
pub const DIAG_BYTES_NOTE: &str = "Key bytes are rebuilt from the key code.";

/// Diagnostics: waiting for the service.
pub const DIAG_ASKING: &str = "asking...";

/// Diagnostics: colour off.
pub const DIAG_NO_COLOUR: &str = "no colour";

/// On.
pub const ON: &str = "on";

/// Off.
pub const OFF: &str = "off";
