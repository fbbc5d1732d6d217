//! What the mismatch screens know: the count's mismatch picture as the service computed it
//! (shared, never copied row by row), the three lists (short, surplus, fixed) grouped by
//! product with their marks and scroll positions, the ranked suggestions for the marked
//! surplus, and the details of one unit. Plain data, filled by `update` from the runner's
//! answers; the words are in `words`.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

use crate::domain::reconcile::{ShortageRow, SurplusRow};
use crate::domain::NotHere;
use crate::domain::{CountId, PartyId, ProductId, ResolutionRecord, SerialKey};
use crate::ops::UnitView;
use crate::ops::{suggestions, BulkFix, Mismatches, Suggestion};
use crate::tui::keymap::KeyCommand;

/// Read-only data loaded once and shared by actions and state. Two values are equal when they
/// are the same load (large pictures are never compared cell by cell).
#[derive(Debug)]
pub struct Shared<T>(pub Arc<T>);

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Eq for Shared<T> {}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A product's SKU and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductName {
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
}

/// One count's mismatch picture with the names its rows refer to.
#[derive(Debug)]
pub struct MismatchData {
    /// The picture, as the service made it (`Query::Mismatches`).
    pub m: Mismatches,
    /// Products by id.
    pub products: HashMap<ProductId, ProductName>,
    /// Parties by id.
    pub parties: HashMap<PartyId, String>,
    /// The bins the counters finished.
    pub counted_bins: Vec<String>,
    /// Products counted by quantity that differ from the books (posting books them).
    pub qty: Vec<crate::domain::count::QtyMismatch>,
}

impl MismatchData {
    /// The SKU of a product (`?` when the scan named none).
    pub fn sku(&self, id: Option<ProductId>) -> &str {
        id.and_then(|p| self.products.get(&p))
            .map_or("?", |p| p.sku.as_str())
    }

    /// A party's name.
    pub fn party(&self, id: PartyId) -> String {
        self.parties
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("party #{}", id.0))
    }

    /// Was this serial's mismatch accepted as it is?
    pub fn accepted(&self, serial: &SerialKey) -> bool {
        self.m.accepted.contains(serial)
    }

    /// Did a document touch this serial after the count opened?
    pub fn moved(&self, serial: &SerialKey) -> bool {
        self.m.moved_since_open.contains(serial)
    }
}

/// The lists of the mismatch screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// Expected, not counted.
    Short,
    /// Counted, not expected there.
    Surplus,
    /// The resolutions, newest first.
    Fixed,
}

impl ListKind {
    /// All lists, in the order the next-list key goes through them.
    pub const ALL: [ListKind; 3] = [ListKind::Short, ListKind::Surplus, ListKind::Fixed];

    /// The list after this one.
    pub fn next(self) -> ListKind {
        match self {
            ListKind::Short => ListKind::Surplus,
            ListKind::Surplus => ListKind::Fixed,
            ListKind::Fixed => ListKind::Short,
        }
    }

    fn index(self) -> usize {
        match self {
            ListKind::Short => 0,
            ListKind::Surplus => 1,
            ListKind::Fixed => 2,
        }
    }
}

/// One line of a list: a product's heading, or a row (an index into its bucket).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    /// The rows below are of this product (`None`: the scan named no product).
    Group {
        /// The product.
        product: Option<ProductId>,
        /// How many rows it has.
        rows: u32,
    },
    /// A row: index into the bucket (`shortage`, `surplus` or `resolutions`).
    Row(u32),
}

/// One list as shown: its lines, where each row is among them, the marked row and the first
/// line shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListView {
    /// Headings and rows, in display order.
    pub items: Vec<Item>,
    /// The position in `items` of the n-th row.
    pub rows: Vec<u32>,
    /// The marked row (n-th row, not an item position).
    pub selected: usize,
    /// The first item shown.
    pub top: usize,
}

impl ListView {
    /// Builds a list from bucket rows already sorted by product: a heading before each
    /// product's rows when `grouped`.
    fn build(products: impl Iterator<Item = Option<ProductId>>, grouped: bool) -> ListView {
        let products: Vec<Option<ProductId>> = products.collect();
        let mut items = Vec::with_capacity(products.len() + 8);
        let mut rows = Vec::with_capacity(products.len());
        let mut i = 0usize;
        while i < products.len() {
            let p = products[i];
            let n = products[i..].iter().take_while(|q| **q == p).count();
            if grouped {
                items.push(Item::Group {
                    product: p,
                    rows: u32::try_from(n).unwrap_or(u32::MAX),
                });
            }
            for j in i..i + n {
                rows.push(u32::try_from(items.len()).unwrap_or(u32::MAX));
                items.push(Item::Row(u32::try_from(j).unwrap_or(u32::MAX)));
            }
            i += n;
        }
        ListView {
            items,
            rows,
            selected: 0,
            top: 0,
        }
    }

    /// The bucket index of the marked row.
    pub fn selected_row(&self) -> Option<usize> {
        let pos = *self.rows.get(self.selected)? as usize;
        match self.items.get(pos)? {
            Item::Row(i) => Some(*i as usize),
            Item::Group { .. } => None,
        }
    }

    /// The item position of the marked row.
    pub fn selected_pos(&self) -> Option<usize> {
        self.rows.get(self.selected).map(|p| *p as usize)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Moves the mark by `delta` rows (wrapping for single steps) and keeps it within a
    /// window of `page` lines.
    pub fn move_by(&mut self, delta: isize, page: usize) {
        let n = self.rows.len() as isize;
        if n == 0 {
            return;
        }
        let i = self.selected as isize;
        let next = if delta.abs() == 1 {
            (i + delta).rem_euclid(n)
        } else {
            (i + delta).clamp(0, n - 1)
        };
        self.selected = next as usize;
        self.scroll_into_view(page);
    }

    /// Keeps the marked row within the `page` lines from `top` (and its product heading too,
    /// when there is room).
    pub fn scroll_into_view(&mut self, page: usize) {
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        let page = page.max(1);
        let Some(pos) = self.selected_pos() else {
            self.top = 0;
            return;
        };
        // The heading right above the first row of a group comes into view with it.
        let want = if pos > 0 && matches!(self.items.get(pos - 1), Some(Item::Group { .. })) {
            pos - 1
        } else {
            pos
        };
        if want < self.top {
            self.top = want;
        } else if pos >= self.top + page {
            self.top = pos + 1 - page;
        }
        let max_top = self.items.len().saturating_sub(page);
        self.top = self.top.min(max_top);
    }

    /// Marks the row with bucket index `row`, if the list has it.
    pub fn select_bucket_row(&mut self, row: usize, page: usize) -> bool {
        let found = self.rows.iter().position(
            |p| matches!(self.items.get(*p as usize), Some(Item::Row(i)) if *i as usize == row),
        );
        match found {
            Some(n) => {
                self.selected = n;
                self.scroll_into_view(page);
                true
            }
            None => false,
        }
    }
}

/// The unit behind a row, as the details screen shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Details {
    /// Which list the row is in.
    pub list: ListKind,
    /// The row's index in its bucket.
    pub row: usize,
    /// The serial.
    pub serial: String,
    /// The unit, once loaded (`None` after loading: no unit has this serial).
    pub unit: Option<Shared<UnitView>>,
    /// The lookup has answered.
    pub loaded: bool,
    /// First line shown.
    pub scroll: usize,
}

/// What is going on in the mismatch screens of one count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MismatchSession {
    /// The count.
    pub count: CountId,
    /// Its name (from the list, until the picture comes).
    pub name: String,
    /// The picture, once loaded.
    pub data: Option<Shared<MismatchData>>,
    /// The list the mark is in.
    pub list: ListKind,
    /// Short, surplus, fixed.
    pub lists: [ListView; 3],
    /// Ranked shortages the marked surplus may stand for.
    pub suggestions: Vec<Suggestion>,
    /// The details screen's unit.
    pub details: Option<Details>,
}

/// A placeholder (count 0, no name): what the screen holds while its session is lent out.
impl Default for MismatchSession {
    fn default() -> Self {
        Self::new(CountId(0), String::new())
    }
}

impl MismatchSession {
    /// A session on a count, before its picture is loaded.
    pub fn new(count: CountId, name: String) -> Self {
        Self {
            count,
            name,
            data: None,
            list: ListKind::Surplus,
            lists: Default::default(),
            suggestions: Vec::new(),
            details: None,
        }
    }

    /// One list.
    pub fn view(&self, kind: ListKind) -> &ListView {
        &self.lists[kind.index()]
    }

    /// One list, to change.
    pub fn view_mut(&mut self, kind: ListKind) -> &mut ListView {
        &mut self.lists[kind.index()]
    }

    /// The list the mark is in.
    pub fn current(&self) -> &ListView {
        self.view(self.list)
    }

    /// Takes a new picture: the lists are rebuilt, the marks stay where they were (as far as
    /// the lists still reach). The first picture starts in the surplus list, or in the short
    /// list when nothing is surplus.
    pub fn load(&mut self, data: Shared<MismatchData>, page: usize) {
        let first = self.data.is_none();
        let m = &data.m;
        let mut short = ListView::build(m.rec.shortage.iter().map(|r| Some(r.product)), true);
        let mut surplus = ListView::build(m.rec.surplus.iter().map(|r| r.product), true);
        let n = m.resolutions.len();
        let mut fixed = ListView {
            items: (0..n).rev().map(|i| Item::Row(i as u32)).collect(),
            rows: (0..n).map(|i| i as u32).collect(),
            selected: 0,
            top: 0,
        };
        if !first {
            for (new, old) in [
                (&mut short, self.view(ListKind::Short)),
                (&mut surplus, self.view(ListKind::Surplus)),
                (&mut fixed, self.view(ListKind::Fixed)),
            ] {
                new.selected = old.selected;
                new.top = old.top;
            }
        }
        for l in [&mut short, &mut surplus, &mut fixed] {
            l.scroll_into_view(page);
        }
        if first {
            self.list = if surplus.is_empty() && !short.is_empty() {
                ListKind::Short
            } else {
                ListKind::Surplus
            };
            self.name = m.count.name.clone();
        }
        self.lists = [short, surplus, fixed];
        self.data = Some(data);
        self.refresh_suggestions();
    }

    /// The marked shortage row, when the mark is in the short list.
    pub fn shortage(&self) -> Option<&ShortageRow> {
        let data = self.data.as_ref()?;
        if self.list != ListKind::Short {
            return None;
        }
        data.m.rec.shortage.get(self.current().selected_row()?)
    }

    /// The marked surplus row, when the mark is in the surplus list.
    pub fn surplus(&self) -> Option<&SurplusRow> {
        let data = self.data.as_ref()?;
        if self.list != ListKind::Surplus {
            return None;
        }
        data.m.rec.surplus.get(self.current().selected_row()?)
    }

    /// The marked resolution, when the mark is in the fixed list.
    pub fn resolution(&self) -> Option<&ResolutionRecord> {
        let data = self.data.as_ref()?;
        if self.list != ListKind::Fixed {
            return None;
        }
        data.m.resolutions.get(self.current().selected_row()?)
    }

    /// The serial of the marked row (short or surplus).
    pub fn marked_serial(&self) -> Option<&SerialKey> {
        self.shortage()
            .map(|r| &r.serial)
            .or_else(|| self.surplus().map(|r| &r.serial))
    }

    /// Ranks the shortages the marked surplus may stand for (ops' ranking).
    pub fn refresh_suggestions(&mut self) {
        self.suggestions = match (self.surplus(), &self.data) {
            (Some(row), Some(data)) if !data.accepted(&row.serial) => suggestions(&data.m, row),
            _ => Vec::new(),
        };
    }

    /// The fixes that apply to the marked row, in key order.
    pub fn fixes(&self) -> Vec<KeyCommand> {
        let Some(data) = &self.data else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(r) = self.shortage() {
            out.extend([KeyCommand::ReplaceSerial, KeyCommand::WriteOff]);
            if !data.accepted(&r.serial) {
                out.push(KeyCommand::Accept);
            }
        } else if let Some(r) = self.surplus() {
            out.push(KeyCommand::ReplaceSerial);
            match r.reason {
                NotHere::Elsewhere { .. } => out.push(KeyCommand::Relocate),
                NotHere::Unknown => out.push(KeyCommand::ReceiveFound),
                _ => {}
            }
            if !data.accepted(&r.serial) {
                out.push(KeyCommand::Accept);
            }
        } else if self.resolution().is_some_and(|r| !r.undone) {
            out.push(KeyCommand::UndoFix);
        }
        out
    }

    /// Open mismatches (neither resolved nor accepted), once loaded.
    pub fn open(&self) -> Option<usize> {
        self.data.as_ref().map(|d| d.m.open_mismatches())
    }

    /// Finds a serial among the short and surplus rows: marks it and says where it is.
    pub fn find(&mut self, serial: &str, page: usize) -> Option<ListKind> {
        let data = self.data.clone()?;
        let wanted = |s: &SerialKey| s.as_str().eq_ignore_ascii_case(serial.trim());
        let hit = if let Some(i) = data.m.rec.surplus.iter().position(|r| wanted(&r.serial)) {
            Some((ListKind::Surplus, i))
        } else {
            data.m
                .rec
                .shortage
                .iter()
                .position(|r| wanted(&r.serial))
                .map(|i| (ListKind::Short, i))
        };
        let (kind, row) = hit?;
        self.list = kind;
        self.view_mut(kind).select_bucket_row(row, page);
        self.refresh_suggestions();
        Some(kind)
    }
}

/// A resolution the supervisor asks for: the protocol's own vocabulary, so the screens and
/// the command line send the same request.
pub use crate::ops::ResolveAction as Fix;

/// What the mismatch screens asked (the reply is read by them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// A count's mismatch picture.
    Load {
        /// The count.
        count: CountId,
    },
    /// A resolution, with the picture after it.
    Fix,
    /// What a resolution would change.
    Preview {
        /// The count.
        count: CountId,
        /// The resolution asked about.
        fix: Fix,
    },
    /// An undo of resolution `number`, with the picture after it.
    Undo {
        /// The resolution's number.
        number: u32,
    },
    /// Posting the count.
    Post {
        /// The count.
        count: CountId,
    },
    /// How many mismatches a bulk fix takes.
    PreviewBulk {
        /// The count.
        count: CountId,
        /// The fix.
        fix: BulkFix,
    },
    /// A bulk fix, with the picture after it.
    Bulk,
    /// The unit of the details screen.
    Details {
        /// The serial.
        serial: String,
        /// Its product, when known (a serial may be shared by products).
        product: Option<ProductId>,
    },
}
