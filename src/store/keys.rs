//! Hand-encoded keys of the one state tree: a tag byte, then big-endian numbers and
//! 0x00-terminated text, so range scans come back in order.

use crate::domain::{CountId, Day, PartyId, ProductId, SerialKey};

pub const META: &[u8] = b"M";
/// The store's layout version (see `FORMAT_VERSION`).
pub const FORMAT: &[u8] = b"V";
/// The hash of each applied journal entry, by sequence: `check` names the first entry the
/// journal no longer holds as it was applied.
pub const ENTRY_HASH: u8 = b'E';

pub fn entry_hash(seq: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(9);
    k.push(ENTRY_HASH);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}
pub const PRODUCT: u8 = b'P';
pub const PRODUCT_BY_SKU: u8 = b'p';
pub const PARTY: u8 = b'Y';
pub const PARTY_BY_NAME: u8 = b'y';
pub const LOCATION: u8 = b'L';
pub const UNIT: u8 = b'U';
pub const STOCK: u8 = b'B';
pub const QTY: u8 = b'Q';
pub const DOCUMENT: u8 = b'D';
pub const COUNT: u8 = b'C';
pub const COUNT_SCAN: u8 = b'c';
pub const COUNT_SERIAL: u8 = b'k';
pub const COUNT_TALLY: u8 = b't';
pub const COUNT_DUPLICATE: u8 = b'd';
pub const RESOLUTION: u8 = b'r';
pub const AGREEMENT: u8 = b'A';
pub const REPAIR: u8 = b'R';
pub const GENERIC: u8 = b'G';
/// Quantity of an unserialised product a customer holds from us (sold minus returned).
pub const CUSTOMER_QTY: u8 = b'H';
/// A site user and their role, by account name.
pub const USER: u8 = b'O';
/// A posted count's buckets as they were at posting.
pub const FROZEN: u8 = b'f';
/// `n count location`: a bin a counter finished.
pub const COUNT_BIN: u8 = b'n';
/// `j count location 0 product`: what a count counted of an unserialised product there.
pub const COUNT_QTY: u8 = b'j';
/// `w count`: a posted count's quantity differences.
pub const COUNT_QTY_FROZEN: u8 = b'w';
/// `K count key` -> the number of the scan a client sent with that key.
pub const SCAN_KEY: u8 = b'K';

pub fn scan_key(id: CountId, key: &str) -> Vec<u8> {
    tagged(SCAN_KEY, &[&id.0.to_be_bytes(), key.as_bytes()])
}

/// `W product basis day` -> the sold units of the product whose manufacturer coverage may
/// start on `day` (`a` their activation; without one, `s` their sale and `r` their receipt,
/// as the product's start basis chooses on read). Keyed by start, not end, so a change of
/// the product's period or basis needs no rewrite.
pub const WARRANTY_START: u8 = b'W';
/// `X day` -> the sold units with a coverage recorded on them (extended, replacement) ending
/// on `day`.
pub const COVERAGE_END: u8 = b'X';
/// `S customer day` -> the units sold to the customer on `day` (in the sold state now).
pub const SOLD_TO: u8 = b'S';

/// Start bases of a `W` key.
pub const START_ACTIVATION: u8 = b'a';
pub const START_SALE: u8 = b's';
pub const START_RECEIPT: u8 = b'r';

/// A day as 4 bytes that sort in date order (the sign bit flipped).
pub fn day_bytes(day: Day) -> [u8; 4] {
    ((day.0 as u32) ^ 0x8000_0000).to_be_bytes()
}

pub fn warranty_start(product: ProductId, basis: u8, day: Day) -> Vec<u8> {
    tagged(
        WARRANTY_START,
        &[&product.0.to_be_bytes(), &[basis], &day_bytes(day)],
    )
}

pub fn coverage_end(day: Day) -> Vec<u8> {
    tagged(COVERAGE_END, &[&day_bytes(day)])
}

pub fn sold_to(customer: PartyId, day: Day) -> Vec<u8> {
    tagged(SOLD_TO, &[&customer.0.to_be_bytes(), &day_bytes(day)])
}

pub fn sold_to_prefix(customer: PartyId) -> Vec<u8> {
    tagged(SOLD_TO, &[&customer.0.to_be_bytes()])
}

/// One unit in the value of a `W`, `X` or `S` key: product, serial length, serial. A value
/// is its units' members in byte order, each once.
pub fn member(product: ProductId, serial: &SerialKey) -> Vec<u8> {
    let text = serial.as_str().as_bytes();
    let mut m = Vec::with_capacity(5 + text.len());
    m.extend_from_slice(&product.0.to_be_bytes());
    // Serials are at most 64 bytes (`MAX_SERIAL_LEN`).
    m.push(u8::try_from(text.len()).unwrap_or(u8::MAX));
    m.extend_from_slice(text);
    m
}

/// The members of an index value as byte slices, in order; `None` when the bytes are not
/// members.
pub fn split_members(mut value: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    while !value.is_empty() {
        let len = 5 + usize::from(*value.get(4)?);
        out.push(value.get(..len)?);
        value = &value[len..];
    }
    Some(out)
}

/// A member back as product and serial.
pub fn parse_member(m: &[u8]) -> Option<(ProductId, SerialKey)> {
    let pid: [u8; 4] = m.get(..4)?.try_into().ok()?;
    let serial = std::str::from_utf8(m.get(5..)?).ok()?.to_string();
    Some((
        ProductId(u32::from_be_bytes(pid)),
        SerialKey::from_stored(serial),
    ))
}

pub fn count_qty(id: CountId, location: &str, product: ProductId) -> Vec<u8> {
    tagged(
        COUNT_QTY,
        &[
            &id.0.to_be_bytes(),
            location.as_bytes(),
            &[0],
            &product.0.to_be_bytes(),
        ],
    )
}

pub fn count_qty_prefix(id: CountId) -> Vec<u8> {
    tagged(COUNT_QTY, &[&id.0.to_be_bytes()])
}

pub fn count_qty_frozen(id: CountId) -> Vec<u8> {
    tagged(COUNT_QTY_FROZEN, &[&id.0.to_be_bytes()])
}

/// `q count`: the count was posted with shortages of its counted bins only.
pub const COUNT_BINS_ONLY: u8 = b'q';

/// `n count location`: a counted bin.
pub fn count_bin(id: CountId, location: &str) -> Vec<u8> {
    tagged(COUNT_BIN, &[&id.0.to_be_bytes(), location.as_bytes()])
}

pub fn count_bins_prefix(id: CountId) -> Vec<u8> {
    tagged(COUNT_BIN, &[&id.0.to_be_bytes()])
}

/// `g count`: the journal entry that posted the count (its anchor).
pub const COUNT_POSTED_ENTRY: u8 = b'g';

pub fn count_posted_entry(id: CountId) -> Vec<u8> {
    tagged(COUNT_POSTED_ENTRY, &[&id.0.to_be_bytes()])
}

/// `q count`.
pub fn count_bins_only(id: CountId) -> Vec<u8> {
    tagged(COUNT_BINS_ONLY, &[&id.0.to_be_bytes()])
}

/// `I`: a command being written in parts (see `Event::PartsBegun`). The key `I` alone holds
/// the entry that began them and the meta record as it was; `I first seq step` holds, for
/// one sled batch of a part, what each key it wrote held before.
pub const PARTS: u8 = b'I';

pub fn parts_open() -> Vec<u8> {
    vec![PARTS]
}

pub fn parts_images(first: u64, seq: u64, step: u64) -> Vec<u8> {
    tagged(
        PARTS,
        &[
            &first.to_be_bytes(),
            &seq.to_be_bytes(),
            &step.to_be_bytes(),
        ],
    )
}

pub fn parts_images_prefix(first: u64) -> Vec<u8> {
    tagged(PARTS, &[&first.to_be_bytes()])
}

fn tagged(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + parts.iter().map(|p| p.len()).sum::<usize>());
    k.push(tag);
    for p in parts {
        k.extend_from_slice(p);
    }
    k
}

pub fn customer_qty(party: PartyId, product: ProductId) -> Vec<u8> {
    tagged(
        CUSTOMER_QTY,
        &[&party.0.to_be_bytes(), &product.0.to_be_bytes()],
    )
}

pub fn product(id: ProductId) -> Vec<u8> {
    tagged(PRODUCT, &[&id.0.to_be_bytes()])
}

pub fn product_by_sku(sku: &str) -> Vec<u8> {
    tagged(PRODUCT_BY_SKU, &[sku.as_bytes()])
}

pub fn party(id: PartyId) -> Vec<u8> {
    tagged(PARTY, &[&id.0.to_be_bytes()])
}

pub fn party_by_name(name_key: &str) -> Vec<u8> {
    tagged(PARTY_BY_NAME, &[name_key.as_bytes()])
}

pub fn location(code: &str) -> Vec<u8> {
    tagged(LOCATION, &[code.as_bytes()])
}

/// `U serial 0x00 product`: a unit with its timeline. Serial first, so a lookup by serial
/// (whatever the product) is one short prefix scan.
pub fn unit(product: ProductId, serial: &SerialKey) -> Vec<u8> {
    tagged(
        UNIT,
        &[serial.as_str().as_bytes(), &[0], &product.0.to_be_bytes()],
    )
}

pub fn unit_prefix(serial: &SerialKey) -> Vec<u8> {
    tagged(UNIT, &[serial.as_str().as_bytes(), &[0]])
}

/// `B location 0x00 product serial`: a unit in stock at a location.
pub fn stock(location: &str, product: ProductId, serial: &SerialKey) -> Vec<u8> {
    tagged(
        STOCK,
        &[
            location.as_bytes(),
            &[0],
            &product.0.to_be_bytes(),
            serial.as_str().as_bytes(),
        ],
    )
}

/// Splits a stock key into borrowed location, product and serial.
pub fn split_stock(key: &[u8]) -> Option<(&str, ProductId, &str)> {
    let rest = key.strip_prefix(&[STOCK])?;
    let nul = rest.iter().position(|b| *b == 0)?;
    let location = std::str::from_utf8(&rest[..nul]).ok()?;
    let pid: [u8; 4] = rest.get(nul + 1..nul + 5)?.try_into().ok()?;
    let serial = std::str::from_utf8(rest.get(nul + 5..)?).ok()?;
    Some((location, ProductId(u32::from_be_bytes(pid)), serial))
}

/// Splits a stock key back into location, product and serial.
pub fn parse_stock(key: &[u8]) -> Option<(String, ProductId, SerialKey)> {
    let rest = key.strip_prefix(&[STOCK])?;
    let nul = rest.iter().position(|b| *b == 0)?;
    let location = std::str::from_utf8(&rest[..nul]).ok()?.to_string();
    let pid: [u8; 4] = rest.get(nul + 1..nul + 5)?.try_into().ok()?;
    let serial = std::str::from_utf8(rest.get(nul + 5..)?).ok()?.to_string();
    Some((
        location,
        ProductId(u32::from_be_bytes(pid)),
        SerialKey::from_stored(serial),
    ))
}

/// `Q location 0x00 product`: quantity on hand of an unserialised product.
pub fn qty(location: &str, product: ProductId) -> Vec<u8> {
    tagged(QTY, &[location.as_bytes(), &[0], &product.0.to_be_bytes()])
}

pub fn parse_qty(key: &[u8]) -> Option<(String, ProductId)> {
    let rest = key.strip_prefix(&[QTY])?;
    let nul = rest.iter().position(|b| *b == 0)?;
    let location = std::str::from_utf8(&rest[..nul]).ok()?.to_string();
    let pid: [u8; 4] = rest.get(nul + 1..nul + 5)?.try_into().ok()?;
    Some((location, ProductId(u32::from_be_bytes(pid))))
}

pub fn document(number: &str) -> Vec<u8> {
    tagged(DOCUMENT, &[number.as_bytes()])
}

pub fn count(id: CountId) -> Vec<u8> {
    tagged(COUNT, &[&id.0.to_be_bytes()])
}

/// `c count number`: one scan of a count, in scan order.
pub fn count_scan(id: CountId, number: u32) -> Vec<u8> {
    tagged(COUNT_SCAN, &[&id.0.to_be_bytes(), &number.to_be_bytes()])
}

pub fn count_scans_prefix(id: CountId) -> Vec<u8> {
    tagged(COUNT_SCAN, &[&id.0.to_be_bytes()])
}

/// `k count serial`: the first live scan of a serial in a count (duplicate detection).
pub fn count_serial(id: CountId, serial: &SerialKey) -> Vec<u8> {
    tagged(
        COUNT_SERIAL,
        &[&id.0.to_be_bytes(), serial.as_str().as_bytes()],
    )
}

/// The value of a `k` key: the scan's number, product (`u32::MAX` when unknown) and location,
/// so reconciliation reads the live scans without decoding scan records.
pub fn count_serial_value(number: u32, product: Option<ProductId>, location: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(8 + location.len());
    v.extend_from_slice(&number.to_be_bytes());
    v.extend_from_slice(&product.map(|p| p.0).unwrap_or(u32::MAX).to_be_bytes());
    v.extend_from_slice(location.as_bytes());
    v
}

pub fn count_serials_prefix(id: CountId) -> Vec<u8> {
    tagged(COUNT_SERIAL, &[&id.0.to_be_bytes()])
}

/// A live scan from its `k` key and value: (serial, number, product, location).
pub fn split_count_serial<'a>(
    key: &'a [u8],
    value: &'a [u8],
) -> Option<(&'a str, u32, Option<ProductId>, &'a str)> {
    let serial = std::str::from_utf8(key.get(5..)?).ok()?;
    let number = u32::from_be_bytes(value.get(0..4)?.try_into().ok()?);
    let pid = u32::from_be_bytes(value.get(4..8)?.try_into().ok()?);
    let location = std::str::from_utf8(value.get(8..)?).ok()?;
    Some((
        serial,
        number,
        (pid != u32::MAX).then_some(ProductId(pid)),
        location,
    ))
}

/// `d count number`: a duplicate scan (kept apart so reconciliation need not read them all).
pub fn count_duplicate(id: CountId, number: u32) -> Vec<u8> {
    tagged(
        COUNT_DUPLICATE,
        &[&id.0.to_be_bytes(), &number.to_be_bytes()],
    )
}

/// `u count number`: a scan taken back (its serial in the value).
pub const COUNT_UNDONE: u8 = b'u';

pub fn count_undone(id: CountId, number: u32) -> Vec<u8> {
    tagged(COUNT_UNDONE, &[&id.0.to_be_bytes(), &number.to_be_bytes()])
}

pub fn count_undone_prefix(id: CountId) -> Vec<u8> {
    tagged(COUNT_UNDONE, &[&id.0.to_be_bytes()])
}

pub fn count_duplicates_prefix(id: CountId) -> Vec<u8> {
    tagged(COUNT_DUPLICATE, &[&id.0.to_be_bytes()])
}

/// `t count location`: live counted scans at a location.
pub fn count_tally(id: CountId, location: &str) -> Vec<u8> {
    tagged(COUNT_TALLY, &[&id.0.to_be_bytes(), location.as_bytes()])
}

/// `r count number`: one resolution of a count.
pub fn resolution(id: CountId, number: u32) -> Vec<u8> {
    tagged(RESOLUTION, &[&id.0.to_be_bytes(), &number.to_be_bytes()])
}

pub fn resolutions_prefix(id: CountId) -> Vec<u8> {
    tagged(RESOLUTION, &[&id.0.to_be_bytes()])
}

pub fn agreement(number: &str) -> Vec<u8> {
    tagged(AGREEMENT, &[number.as_bytes()])
}

pub fn repair(number: &str) -> Vec<u8> {
    tagged(REPAIR, &[number.as_bytes()])
}

pub fn frozen(id: CountId) -> Vec<u8> {
    tagged(FROZEN, &[&id.0.to_be_bytes()])
}

pub fn user(name: &str) -> Vec<u8> {
    tagged(USER, &[name.as_bytes()])
}

pub fn generic(id: u32) -> Vec<u8> {
    tagged(GENERIC, &[&id.to_be_bytes()])
}

/// The prefix of every key under a location subtree for the stock (`B`) or quantity (`Q`) tag:
/// callers still check that the byte after it is 0x00 or '/'.
pub fn location_prefix(tag: u8, scope: &str) -> Vec<u8> {
    tagged(tag, &[scope.as_bytes()])
}

/// The first key after every key that begins with `prefix` (its last byte below 0xFF
/// raised; a tag and text, so there is one).
pub fn prefix_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return end;
        }
    }
    vec![u8::MAX; prefix.len() + 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_sort_in_date_order_and_members_split_back() {
        let order: Vec<[u8; 4]> = [-800_000, -1, 0, 1, 739_000]
            .map(|d| day_bytes(Day(d)))
            .to_vec();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
        let a = SerialKey::from_stored("SN-1".into());
        let b = SerialKey::from_stored("X".repeat(64));
        let value = [member(ProductId(7), &a), member(ProductId(300), &b)].concat();
        let back: Vec<_> = split_members(&value)
            .unwrap()
            .into_iter()
            .map(|m| parse_member(m).unwrap())
            .collect();
        assert_eq!(back, vec![(ProductId(7), a), (ProductId(300), b)]);
        // A value cut short is not a list of members.
        assert_eq!(split_members(&value[..value.len() - 1]), None);
    }

    #[test]
    fn numbers_sort_in_order() {
        assert!(product(ProductId(255)) < product(ProductId(256)));
        assert!(party(PartyId(9)) < party(PartyId(10)));
    }

    #[test]
    fn a_serial_prefix_finds_only_that_serial() {
        let a = SerialKey::normalize("AB", true).unwrap();
        let ab = SerialKey::normalize("ABC", true).unwrap();
        assert!(unit(ProductId(3), &a).starts_with(&unit_prefix(&a)));
        assert!(!unit(ProductId(3), &ab).starts_with(&unit_prefix(&a)));
    }

    #[test]
    fn stock_keys_round_trip() {
        let s = SerialKey::normalize("SN-1", true).unwrap();
        let k = stock("WH1/A/01", ProductId(7), &s);
        assert_eq!(
            parse_stock(&k),
            Some(("WH1/A/01".to_string(), ProductId(7), s))
        );
        assert_eq!(
            parse_qty(&qty("WH1", ProductId(3))),
            Some(("WH1".to_string(), ProductId(3)))
        );
    }
}
