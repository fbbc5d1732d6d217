//! The main menu: its numbered entries (the menu registry), the keys it takes (a digit opens
//! an entry, select opens the marked one, quit leaves), its view and its words.

pub mod view;
pub mod words;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::kind::{hints_of, marked, Hint, ScreenKind};
use super::screen::Screen;
use crate::tui::app::AppState;
use crate::tui::effect::Effect;
use crate::tui::keymap::KeyCommand;
use crate::tui::keys::KeyPress;
use crate::tui::nav::{Ctx, Handover};
use crate::tui::text;

/// Screens reachable from the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScreenId {
    /// Count by serial numbers.
    Count,
    /// Mismatches of a count.
    Mismatches,
    /// History and warranty lookup.
    Lookup,
    /// Goods receipt.
    Receive,
    /// Sale.
    Sell,
    /// Customer return.
    Return,
    /// Transfer between locations.
    Transfer,
    /// Reports.
    Reports,
    /// Terminal and scanner diagnostics.
    Diagnostics,
    /// Leave the application.
    Quit,
}

/// One numbered menu entry. Numbers are stable, whether or not an entry is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MenuEntry {
    /// The digit that opens it.
    pub number: u8,
    /// What it opens.
    pub id: ScreenId,
    /// Is its screen built? Entries that are not are hidden.
    pub built: bool,
}

/// The main menu, in display order. A screen reachable from the menu has its entry here
/// (`built: true`) and its arm in [`open_entry`].
pub const MENU: &[MenuEntry] = &[
    MenuEntry {
        number: 1,
        id: ScreenId::Count,
        built: true,
    },
    MenuEntry {
        number: 2,
        id: ScreenId::Mismatches,
        built: true,
    },
    MenuEntry {
        number: 3,
        id: ScreenId::Lookup,
        built: true,
    },
    MenuEntry {
        number: 4,
        id: ScreenId::Receive,
        built: false,
    },
    MenuEntry {
        number: 5,
        id: ScreenId::Sell,
        built: false,
    },
    MenuEntry {
        number: 6,
        id: ScreenId::Return,
        built: false,
    },
    MenuEntry {
        number: 7,
        id: ScreenId::Transfer,
        built: false,
    },
    MenuEntry {
        number: 8,
        id: ScreenId::Reports,
        built: true,
    },
    MenuEntry {
        number: 9,
        id: ScreenId::Diagnostics,
        built: true,
    },
    MenuEntry {
        number: 0,
        id: ScreenId::Quit,
        built: true,
    },
];

/// The entries shown in the menu.
pub fn visible_entries() -> Vec<&'static MenuEntry> {
    MENU.iter().filter(|e| e.built).collect()
}

/// Opens a menu entry.
pub(crate) fn open_entry(ctx: &mut Ctx, id: ScreenId) -> Vec<Effect> {
    match id {
        ScreenId::Diagnostics => super::diagnostics::open(ctx),
        ScreenId::Quit => {
            ctx.quit();
            vec![Effect::Quit]
        }
        ScreenId::Count => {
            // Counting is scanning: a role that may not scan is told so before the list.
            let scanning = super::access::scanning();
            if !ctx.may(scanning) {
                return super::access::refuse(ctx, scanning);
            }
            super::count_list::open(ctx, false)
        }
        ScreenId::Mismatches => super::count_list::open(ctx, true),
        ScreenId::Lookup => super::lookup::open(ctx),
        ScreenId::Reports => super::reports::open(ctx),
        _ => ctx.error(text::NOT_AVAILABLE.into()),
    }
}

/// A digit: the entry with that number.
fn open_number(ctx: &mut Ctx, digit: char) -> Vec<Effect> {
    let entries = visible_entries();
    let n = digit as u8 - b'0';
    match entries.iter().position(|e| e.number == n) {
        Some(i) => {
            ctx.set_menu_mark(i);
            open_entry(ctx, entries[i].id)
        }
        None => ctx.error(words::no_menu_entry(digit)),
    }
}

/// The main menu.
pub struct Menu;

impl ScreenKind for Menu {
    fn title(&self, _: &Screen) -> &'static str {
        words::TITLE_MENU
    }

    fn render(&self, state: &AppState, _: &Screen, frame: &mut Frame, body: Rect) {
        view::render(state, frame, body);
    }

    fn hints(&self, state: &AppState, _: &Screen) -> Vec<Hint> {
        hints_of(state, &[KeyCommand::Help, KeyCommand::Quit])
    }

    /// A scan on the menu looks the serial up (Lookup opens with it); its digits are never
    /// menu numbers.
    fn burst(&self, _: &mut Screen, ctx: &mut Ctx, text: String) -> Vec<Effect> {
        // The lookup opens and takes the scan (the registry hands it over).
        let effects = crate::tui::screens::lookup::open(ctx);
        ctx.hand_over(Handover::LookUp(text));
        effects
    }

    fn key(&self, _: &mut Screen, ctx: &mut Ctx, k: &KeyPress) -> Option<Vec<Effect>> {
        match k.printable() {
            Some(d @ '0'..='9') => Some(open_number(ctx, d)),
            _ => None,
        }
    }

    fn command(&self, _: &mut Screen, ctx: &mut Ctx, c: KeyCommand) -> Option<Vec<Effect>> {
        match c {
            KeyCommand::Back => {
                let quit = ctx
                    .keymap()
                    .hint(crate::tui::keymap::Context::Menu, KeyCommand::Quit)
                    .unwrap_or_else(|| "0".into());
                ctx.info(words::menu_back_hint(&quit));
                Some(Vec::new())
            }
            KeyCommand::Quit => {
                ctx.quit();
                Some(vec![Effect::Quit])
            }
            KeyCommand::Select => {
                let entries = visible_entries();
                Some(match entries.get(ctx.menu_mark()) {
                    Some(e) => open_entry(ctx, e.id),
                    None => Vec::new(),
                })
            }
            _ => None,
        }
    }

    fn move_by(&self, _: &mut Screen, ctx: &mut Ctx, delta: isize, _: usize) {
        ctx.set_menu_mark(marked(ctx.menu_mark(), delta, visible_entries().len()));
    }
}
