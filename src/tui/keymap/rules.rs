//! What no keymap may bind: printable keys where a scan arrives, and the rest of the rules.

use super::super::keys::{Key, KeyPress};
use super::*;

/// Keys the scan field needs in contexts where a scan can arrive.
pub(super) fn reserved_for_scan_field(k: &KeyPress) -> bool {
    !k.ctrl
        && !k.alt
        && matches!(
            k.key,
            Key::Enter
                | Key::Tab
                | Key::Backspace
                | Key::Delete
                | Key::Left
                | Key::Right
                | Key::Home
                | Key::End
        )
}

/// Keys that may never be bound (in any keymap), with the reason.
pub(super) fn forbidden(ctx: Context, t: &Trigger) -> Option<String> {
    let Trigger::Key(k) = t else { return None };
    let name = k.name();
    if k.is_flow_control() {
        return Some(format!(
            "`{name}` is XON/XOFF flow control on terminal links"
        ));
    }
    if k.separator_byte().is_some() {
        return Some(format!("`{name}` is a GS1 separator byte sent by scanners"));
    }
    if k.is_line_feed() || (k.ctrl && !k.alt && k.key == Key::Char('h')) {
        return Some(format!(
            "`{name}` is LF/BS, which scanners and terminals send"
        ));
    }
    if k.printable() == Some('/') {
        return Some("`/` starts a typed code".into());
    }
    match (ctx, k.printable()) {
        (Context::Menu, Some(c)) if c.is_ascii_digit() => {
            Some(format!("`{c}` opens menu entry {c}"))
        }
        (Context::CountList, Some(c @ '1'..='9')) => {
            Some(format!("`{c}` joins the count on line {c}"))
        }
        (Context::Popup, Some(c @ '1'..='9')) => {
            Some(format!("`{c}` answers numbered choices in popups"))
        }
        _ => None,
    }
}
