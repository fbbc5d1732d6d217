//! The keymap error screen's words.
//! Short on purpose: the smallest screen is 20 columns wide.

/// Keymap error screen title.
pub const TITLE_KEYMAP_ERRORS: &str = "Keymap error";

/// Keymap error screen: first line.
pub const KEYMAP_ERRORS_INTRO: &str = "The keymap could not be used:";

/// Keymap error screen: fallback line.
pub const KEYMAP_ERRORS_FALLBACK: &str = "Using the default keymap.";

/// Keymap error screen: how to go on.
pub const KEYMAP_ERRORS_CONTINUE: &str = "Press Enter to go on.";

/// Footer hint for Enter on the keymap error screen.
pub const HINT_CONTINUE: &str = "Go on";
