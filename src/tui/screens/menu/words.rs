//! The menu's words: entry labels and descriptions, its messages.
//! Short on purpose: the smallest screen is 20 columns wide.

use crate::tui::screens::menu::ScreenId;

/// Screen titles.
pub const TITLE_MENU: &str = "Menu";

/// Menu entry label.
pub fn menu_label(id: ScreenId) -> &'static str {
    match id {
        ScreenId::Count => "Count",
        ScreenId::Mismatches => "Mismatches",
        ScreenId::Lookup => "Lookup",
        ScreenId::Receive => "Receive",
        ScreenId::Sell => "Sell",
        ScreenId::Return => "Return",
        ScreenId::Transfer => "Transfer",
        ScreenId::Reports => "Reports",
        ScreenId::Diagnostics => "Diagnostics",
        ScreenId::Quit => "Quit",
    }
}

/// Menu entry description (wide screens).
pub fn menu_description(id: ScreenId) -> &'static str {
    match id {
        ScreenId::Count => "Count stock by scanning serials",
        ScreenId::Mismatches => "Fix what a count did not match",
        ScreenId::Lookup => "History and warranty by serial",
        ScreenId::Receive => "Book in goods from a supplier",
        ScreenId::Sell => "Sell units to a customer",
        ScreenId::Return => "Take back units from a customer",
        ScreenId::Transfer => "Move units between locations",
        ScreenId::Reports => "Warranty expiry and tracking",
        ScreenId::Diagnostics => "Terminal, keys and scanner test",
        ScreenId::Quit => "Leave tallyman",
    }
}

/// Status: a digit with no menu entry.
pub fn no_menu_entry(digit: char) -> String {
    format!("No entry {digit}")
}

/// Status: back pressed in the main menu.
pub fn menu_back_hint(quit: &str) -> String {
    format!("{quit} = Quit")
}
