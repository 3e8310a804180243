//! Evidence of spending: store and pharmacy receipts.

use super::*;

/// (merchant as printed, a pharmacy?)
pub(crate) const MERCHANTS: [(&str, bool); 8] = [
    ("CAREWELL PHARMACY", true),
    ("Main Street Drug", true),
    ("FAMILY DISCOUNT PHARMACY", true),
    ("QuickCare Pharmacy", true),
    ("VALLEY MEDICAL SUPPLY", false),
    ("MedSupply Depot", false),
    ("HOME HEALTH EQUIPMENT CO", false),
    ("Corner Drug Store", true),
];
/// (item, price in cents, taxed)
pub(crate) const ITEMS: [(&str, i64, bool); 16] = [
    ("GLUCOSE TEST STRIPS 50CT", 2499, false),
    ("LANCETS 100CT", 899, false),
    ("COMPRESSION STOCKINGS", 3495, true),
    ("INCONTINENCE BRIEFS L", 1899, true),
    ("KNEE BRACE", 2799, true),
    ("WHEELCHAIR CUSHION", 4999, true),
    ("NEBULIZER TUBING", 1250, false),
    ("PILL ORGANIZER", 599, true),
    ("ADHESIVE BANDAGES", 449, true),
    ("BLOOD PRESSURE MONITOR", 3999, true),
    ("SHOWER CHAIR", 4495, true),
    ("WALKER TENNIS BALLS", 699, true),
    ("ALCOHOL PREP PADS", 329, false),
    ("HEATING PAD", 2299, true),
    ("REACHER GRABBER", 1499, true),
    ("CANE TIPS 2PK", 799, true),
];

pub(crate) fn receipt(c: &mut Ctx, l: &mut Layout) {
    let font = Font::Courier;
    let size = c.pick(&[8.0, 8.5, 9.0]);
    let (merchant, pharmacy) = c.pick(&MERCHANTS);
    c.set("merchant", merchant);
    let right = l.right;
    let left = l.left;
    l.center(Font::CourierBold, size + 2.0, merchant);
    let street = c.street();
    l.center(font, size, &street);
    let city = c.who.city_line();
    l.center(font, size, &city);
    let line = c.range(0, 99);
    let phone = format!("({}) 555-01{line:02}", c.who.city.area_code);
    l.center(font, size, &phone);
    if c.chance(0.6) {
        let store = format!("STORE #{}", c.range(100, 9999));
        l.center(font, size, &store);
    }
    l.gap(size);
    let date = c.date;
    c.set("purchase_date", iso(date));
    let printed = match c.date_style {
        DateStyle::Long | DateStyle::Iso | DateStyle::Abbreviated => {
            print_date(date, DateStyle::Slash)
        }
        style => print_date(date, style),
    };
    let time = c.clock_time();
    l.row(
        size,
        vec![cell(left, font, printed), rcell(right, font, time)],
    );
    let register = format!(
        "CASHIER {:02}  REG {}  TRANS {}",
        c.range(1, 40),
        c.range(1, 9),
        c.range(1000, 9999)
    );
    l.line(font, size, &register);
    l.rule(0.5);
    let (subtotal, taxed, count) = purchases(c, l, size, pharmacy);
    let rate = c.pick(&[0, 400, 600, 625, 700, 825]);
    let tax = (taxed * rate + 5_000) / 10_000;
    let total = subtotal + tax;
    c.set("total", plain_money(total));
    l.gap(size * 0.5);
    l.row(
        size,
        vec![
            cell(left, font, "SUBTOTAL"),
            rcell(right, font, money(subtotal)),
        ],
    );
    let tax_label = format!("TAX {}.{:03}%", rate / 100, (rate % 100) * 10);
    l.row(
        size,
        vec![cell(left, font, tax_label), rcell(right, font, money(tax))],
    );
    l.row(
        size + 1.0,
        vec![
            cell(left, Font::CourierBold, "TOTAL"),
            rcell(right, Font::CourierBold, money(total)),
        ],
    );
    l.gap(size * 0.5);
    tender(c, l, size, total);
    l.line(font, size, &format!("ITEMS SOLD {count}"));
    if pharmacy && c.chance(0.4) {
        c.name_style = NameStyle::LastFirstUpper;
        let name = c.claimant();
        l.line(font, size, &format!("PATIENT: {name}"));
    }
    l.gap(size);
    l.center(font, size, "THANK YOU");
    l.center(font, size, "RETURNS WITH RECEIPT WITHIN 30 DAYS");
}

/// The prescriptions' copays and the items bought, one line each: (subtotal, taxed part,
/// number of items), in cents.
fn purchases(c: &mut Ctx, l: &mut Layout, size: f32, pharmacy: bool) -> (i64, i64, i64) {
    let font = Font::Courier;
    let (left, right) = (l.left, l.right);
    let mut subtotal = 0;
    let mut taxed = 0;
    let mut count = 0;
    if pharmacy {
        for _ in 0..c.range(0, 2) {
            let rx = format!("RX {} COPAY", c.range(1_000_000, 9_999_999));
            let copay = c.pick(&[0, 100, 300, 470, 1000, 1500, 2500]);
            l.row(
                size,
                vec![cell(left, font, rx), rcell(right, font, money(copay))],
            );
            subtotal += copay;
            count += 1;
        }
    }
    let mut items = ITEMS.to_vec();
    items.shuffle(c.rng);
    for (item, price, tax) in items.into_iter().take(c.range(2, 7) as usize) {
        let quantity = if c.chance(0.2) { 2 } else { 1 };
        if quantity > 1 {
            l.line(font, size, item);
            l.row(
                size,
                vec![
                    cell(left + 12.0, font, format!("2 @ {}", money(price))),
                    rcell(right, font, money(price * 2)),
                ],
            );
        } else {
            l.row(
                size,
                vec![cell(left, font, item), rcell(right, font, money(price))],
            );
        }
        subtotal += price * quantity;
        if tax {
            taxed += price * quantity;
        }
        count += quantity;
    }
    (subtotal, taxed, count)
}

/// How it was paid: card, cash with change, or debit.
fn tender(c: &mut Ctx, l: &mut Layout, size: f32, total: i64) {
    let font = Font::Courier;
    let (left, right) = (l.left, l.right);
    match c.range(0, 2) {
        0 => {
            let card = format!("VISA ****{:04}", c.range(1, 9999));
            l.row(
                size,
                vec![cell(left, font, card), rcell(right, font, money(total))],
            );
        }
        1 => {
            let tendered = (total / 1_000 + 1) * 1_000;
            l.row(
                size,
                vec![
                    cell(left, font, "CASH"),
                    rcell(right, font, money(tendered)),
                ],
            );
            l.row(
                size,
                vec![
                    cell(left, font, "CHANGE"),
                    rcell(right, font, money(tendered - total)),
                ],
            );
        }
        _ => {
            l.row(
                size,
                vec![cell(left, font, "DEBIT"), rcell(right, font, money(total))],
            );
        }
    }
}
