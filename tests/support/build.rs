//! Builders of the commands service tests set up with: products, parties, locations and
//! documents, each with the defaults a test rarely changes, so a test names only what it is
//! about.

use tallyman::domain::{Day, DocKind, Mode, Money, PartyRole, Period, SerialFormat, Tracking};
use tallyman::ops::{Command, DocRequest, LineRequest, NewParty, NewProduct};

/// A product: name "SKU name", category "goods", strict on every flow, plain serials
/// upper-cased, no GTIN, no warranty.
pub fn new_product(sku: &str) -> ProductSpec {
    ProductSpec(NewProduct {
        sku: sku.into(),
        name: format!("{sku} name"),
        gtin: None,
        category: "goods".into(),
        tracking: Tracking::all(Mode::Strict),
        serial_format: SerialFormat::Plain,
        warranty: None,
        fold_case: true,
    })
}

pub struct ProductSpec(NewProduct);

impl ProductSpec {
    pub fn name(mut self, name: &str) -> Self {
        self.0.name = name.into();
        self
    }
    pub fn gtin(mut self, gtin: Option<&str>) -> Self {
        self.0.gtin = gtin.map(str::to_string);
        self
    }
    pub fn category(mut self, category: &str) -> Self {
        self.0.category = category.into();
        self
    }
    /// The same mode on every flow.
    pub fn mode(self, mode: Mode) -> Self {
        self.tracking(Tracking::all(mode))
    }
    pub fn tracking(mut self, tracking: Tracking) -> Self {
        self.0.tracking = tracking;
        self
    }
    pub fn format(mut self, format: SerialFormat) -> Self {
        self.0.serial_format = format;
        self
    }
    pub fn warranty(mut self, warranty: Option<Period>) -> Self {
        self.0.warranty = warranty;
        self
    }
    /// Serials kept as typed (`--keep-case`) when `keep` holds.
    pub fn keep_case(mut self, keep: bool) -> Self {
        self.0.fold_case = !keep;
        self
    }
    pub fn cmd(self) -> Command {
        Command::AddProduct(self.0)
    }
}

/// A product as the screen tests name them: its name, serial format, GTIN and one mode.
pub fn named_product(
    sku: &str,
    name: &str,
    format: SerialFormat,
    gtin: Option<&str>,
    mode: Mode,
) -> Command {
    new_product(sku)
        .name(name)
        .format(format)
        .gtin(gtin)
        .mode(mode)
        .cmd()
}

/// A party with no addresses.
pub fn party(name: &str, role: PartyRole) -> Command {
    Command::AddParty(NewParty {
        name: name.into(),
        role,
        bill_to: String::new(),
        ship_to: String::new(),
    })
}

/// A location (its missing parents are added with it).
pub fn location(code: &str) -> Command {
    Command::AddLocation {
        code: code.into(),
        name: String::new(),
    }
}

/// A document of serials of `sku`: receipts from "Supplier", sales and returns to "ACME"
/// (other kinds name no party), invoice "INV-1", dated today, no reason, no amounts.
pub fn new_doc(kind: DocKind, sku: &str) -> DocSpec {
    DocSpec {
        req: DocRequest {
            kind,
            date: None,
            party: None,
            invoice: Some("INV-1".into()),
            from: None,
            to: None,
            reason: None,
            declared_qty: None,
            lines: Vec::new(),
        },
        sku: sku.into(),
        supplier: "Supplier".into(),
        customer: "ACME".into(),
    }
}

pub struct DocSpec {
    req: DocRequest,
    sku: String,
    supplier: String,
    customer: String,
}

impl DocSpec {
    /// One line per serial, quantity 1.
    pub fn serials<S: AsRef<str>>(mut self, serials: &[S]) -> Self {
        let sku = self.sku.clone();
        self.req.lines.extend(serials.iter().map(|s| LineRequest {
            sku: sku.clone(),
            serial: Some(s.as_ref().to_string()),
            qty: 1,
            amount: None,
        }));
        self
    }
    /// Every line at this amount (cents).
    pub fn amount(mut self, cents: i64) -> Self {
        for l in &mut self.req.lines {
            l.amount = Some(Money(cents));
        }
        self
    }
    pub fn invoice(mut self, invoice: Option<&str>) -> Self {
        self.req.invoice = invoice.map(str::to_string);
        self
    }
    pub fn from(mut self, from: Option<&str>) -> Self {
        self.req.from = from.map(str::to_string);
        self
    }
    pub fn to(mut self, to: Option<&str>) -> Self {
        self.req.to = to.map(str::to_string);
        self
    }
    pub fn date(mut self, date: Option<Day>) -> Self {
        self.req.date = date;
        self
    }
    pub fn reason(mut self, reason: Option<&str>) -> Self {
        self.req.reason = reason.map(str::to_string);
        self
    }
    /// The supplier receipts come from and the customer sales and returns go to.
    pub fn parties(mut self, supplier: &str, customer: &str) -> Self {
        self.supplier = supplier.into();
        self.customer = customer.into();
        self
    }
    pub fn request(mut self) -> DocRequest {
        self.req.party = match self.req.kind {
            DocKind::Receipt => Some(self.supplier),
            DocKind::Sale | DocKind::Return => Some(self.customer),
            _ => None,
        };
        self.req
    }
    pub fn cmd(self) -> Command {
        Command::Post(self.request())
    }
}
