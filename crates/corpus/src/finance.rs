//! Evidence of money: pay stubs and bank statements.

use super::*;

pub(crate) fn month_end(d: Date) -> Date {
    let next = add_days(ymd(d.year(), d.month() as u8, 1), 32);
    add_days(ymd(next.year(), next.month() as u8, 1), -1)
}

pub(crate) fn pay_stub(c: &mut Ctx, l: &mut Layout) {
    c.name_style = c.pick(&[
        NameStyle::Natural,
        NameStyle::Upper,
        NameStyle::LastFirstUpper,
    ]);
    let employer = c.pick(&EMPLOYERS);
    c.set("employer", employer);
    let street = c.street();
    let city = c.who.city;
    let (days, frequency) = pay_frequency(c);
    let pay_date = c.date;
    let (start, end) = pay_period(c, days, pay_date);
    c.set("pay_period_start", iso(start));
    c.set("pay_period_end", iso(end));
    c.set("pay_date", iso(pay_date));

    let pay = pay_amounts(c, days, pay_date);
    c.set("gross_pay", plain_money(pay.gross));

    let (left, right) = (l.left, l.right);
    let title = c.pick(&[
        "EARNINGS STATEMENT",
        "PAY STATEMENT",
        "STATEMENT OF EARNINGS AND DEDUCTIONS",
    ]);
    l.row(
        12.0,
        vec![
            cell(left, Font::HelveticaBold, employer),
            rcell(right, Font::HelveticaBold, title),
        ],
    );
    l.line(
        Font::Helvetica,
        8.0,
        &format!("{street}, {}, {} {}", city.name, city.st, city.zip),
    );
    l.rule(1.0);
    let size = 8.5;
    let amounts = c.pick(&[Font::Courier, Font::Helvetica]);
    let (bold, plain) = (Font::HelveticaBold, Font::Helvetica);
    let mid = (left + right) / 2.0;
    let name = c.claimant();
    let id = format!("{:06}", c.range(1_000, 999_999));
    l.row(
        size,
        vec![
            cell(left, bold, "Employee:"),
            cell(left + 60.0, plain, name),
            cell(mid, bold, "Employee ID:"),
            cell(mid + 70.0, plain, id),
        ],
    );
    let mut cells = vec![
        cell(left, bold, "Pay period:"),
        cell(left + 60.0, plain, format!("{} - {}", c.d(start), c.d(end))),
        cell(mid, bold, "Pay date:"),
        cell(mid + 70.0, plain, c.d(pay_date)),
    ];
    l.row(size, std::mem::take(&mut cells));
    if c.chance(0.4) {
        cells.push(cell(left, bold, "SSN:"));
        cells.push(cell(
            left + 60.0,
            plain,
            format!("XXX-XX-{:04}", c.range(1, 9999)),
        ));
    }
    cells.push(cell(mid, bold, "Pay frequency:"));
    cells.push(cell(mid + 70.0, plain, frequency));
    l.row(size, cells);
    l.gap(6.0);

    stub_table(l, &pay, amounts);
    l.gap(4.0);
    let bank = c.pick(&BANKS);
    let account = c.range(1000, 9999);
    let note = if c.chance(0.6) {
        format!("Net pay deposited to {bank} account ending {account}")
    } else {
        "NON-NEGOTIABLE - THIS IS NOT A CHECK".to_owned()
    };
    l.line(plain, 7.5, &note);
}

/// Weekly, biweekly or semi-monthly: days in a period and how the stub says it.
fn pay_frequency(c: &mut Ctx) -> (i64, &'static str) {
    c.pick(&[
        (7, "Weekly"),
        (14, "Biweekly"),
        (14, "Biweekly"),
        (15, "Semi-monthly"),
    ])
}

/// The period worked that `pay_date` pays for.
fn pay_period(c: &mut Ctx, days: i64, pay_date: Date) -> (Date, Date) {
    if days == 15 {
        let worked = add_days(pay_date, -c.range(3, 8));
        let (y, m) = (worked.year(), worked.month() as u8);
        if worked.day() <= 15 {
            (ymd(y, m, 1), ymd(y, m, 15))
        } else {
            (ymd(y, m, 16), month_end(worked))
        }
    } else {
        let end = add_days(pay_date, -c.range(3, 7));
        (add_days(end, -(days - 1)), end)
    }
}

/// The money on a pay stub, in cents.
struct Pay {
    rate: i64,
    hours: i64,
    regular: i64,
    overtime_hours: i64,
    overtime: i64,
    gross: i64,
    deductions: Vec<(&'static str, i64)>,
    total_deductions: i64,
    net: i64,
    /// Pay periods so far this year, for the year-to-date column.
    periods: i64,
}

fn pay_amounts(c: &mut Ctx, days: i64, pay_date: Date) -> Pay {
    let rate = c.range(23, 56) * 50;
    let hours = c.range(16, 40) * days / 7;
    let regular = rate * hours;
    let overtime_hours = if c.chance(0.3) { c.range(1, 8) } else { 0 };
    let overtime = overtime_hours * rate * 3 / 2;
    let gross = regular + overtime;
    let mut deductions = vec![
        ("Federal income tax", gross * c.range(5, 12) / 100),
        ("Social Security", gross * 62 / 1000),
        ("Medicare", gross * 145 / 10_000),
    ];
    if c.chance(0.7) {
        deductions.push(("State income tax", gross * c.range(2, 5) / 100));
    }
    if c.chance(0.5) {
        deductions.push(("Health insurance", c.range(1_500, 9_000)));
    }
    if c.chance(0.3) {
        deductions.push(("401(k)", gross * c.range(2, 6) / 100));
    }
    let total_deductions: i64 = deductions.iter().map(|(_, v)| v).sum();
    Pay {
        rate,
        hours,
        regular,
        overtime_hours,
        overtime,
        gross,
        deductions,
        total_deductions,
        net: gross - total_deductions,
        periods: i64::from(pay_date.ordinal() - 1) / days + 1,
    }
}

/// Earnings on the left half, deductions on the right, then the totals and net pay.
fn stub_table(l: &mut Layout, pay: &Pay, amounts: Font) {
    let (rate, hours, overtime, gross) = (pay.rate, pay.hours, pay.overtime, pay.gross);
    let (total_deductions, periods) = (pay.total_deductions, pay.periods);
    let deductions = &pay.deductions;
    let size = 8.5;
    let (bold, plain) = (Font::HelveticaBold, Font::Helvetica);
    let (left, right) = (l.left, l.right);
    let mid = (left + right) / 2.0;
    let half = mid - 8.0;
    let mut earnings = vec![(
        "Regular".to_owned(),
        money(rate),
        hours.to_string(),
        pay.regular,
    )];
    if overtime > 0 {
        earnings.push((
            "Overtime".to_owned(),
            money(rate * 3 / 2),
            pay.overtime_hours.to_string(),
            overtime,
        ));
    }
    l.row(
        size,
        vec![
            cell(left, bold, "EARNINGS"),
            rcell(left + 95.0, bold, "Rate"),
            rcell(left + 130.0, bold, "Hours"),
            rcell(left + 190.0, bold, "Current"),
            rcell(half, bold, "YTD"),
            cell(mid, bold, "DEDUCTIONS"),
            rcell(right - 70.0, bold, "Current"),
            rcell(right, bold, "YTD"),
        ],
    );
    for i in 0..earnings.len().max(deductions.len()) {
        let mut cells = Vec::new();
        if let Some((what, rate, hours, current)) = earnings.get(i) {
            cells.push(cell(left, plain, what.clone()));
            cells.push(rcell(left + 95.0, amounts, rate.clone()));
            cells.push(rcell(left + 130.0, amounts, hours.clone()));
            cells.push(rcell(left + 190.0, amounts, money(*current)));
            cells.push(rcell(half, amounts, money(current * periods)));
        }
        if let Some((what, current)) = deductions.get(i) {
            cells.push(cell(mid, plain, *what));
            cells.push(rcell(right - 70.0, amounts, money(*current)));
            cells.push(rcell(right, amounts, money(current * periods)));
        }
        l.row(size, cells);
    }
    l.rule(0.5);
    l.row(
        size + 0.5,
        vec![
            cell(left, bold, "Gross pay"),
            rcell(left + 190.0, amounts, money(gross)),
            rcell(half, amounts, money(gross * periods)),
            cell(mid, bold, "Total deductions"),
            rcell(right - 70.0, amounts, money(total_deductions)),
            rcell(right, amounts, money(total_deductions * periods)),
        ],
    );
    l.row(
        size + 1.5,
        vec![
            cell(mid, bold, "NET PAY"),
            rcell(right - 70.0, Font::CourierBold, dollars(pay.net)),
        ],
    );
}

pub(crate) fn bank_statement(c: &mut Ctx, l: &mut Layout) {
    c.name_style = c.pick(&[NameStyle::Natural, NameStyle::Upper]);
    let bank = c.pick(&BANKS);
    let (left, right) = (l.left, l.right);
    l.line(Font::HelveticaBold, 15.0, bank);
    let insured = if bank.contains("Credit Union") {
        "Federally insured by NCUA"
    } else {
        "Member FDIC"
    };
    let branch = format!("{}, {}", c.street(), c.who.city_line());
    let service = format!("Customer service (800) 555-01{:02}", c.range(0, 99));
    l.row(
        8.0,
        vec![
            cell(left, Font::Helvetica, format!("{branch}  {service}")),
            rcell(right, Font::Helvetica, insured),
        ],
    );
    l.rule(1.0);
    l.gap(6.0);
    let end = add_days(ymd(c.date.year(), c.date.month() as u8, 1), -1);
    let start = ymd(end.year(), end.month() as u8, 1);
    let period = format!("{} through {}", c.d(start), c.d(end));
    let account = format!("XXXXXX{:04}", c.range(1, 9999));
    let product = c.pick(&[
        "Basic Checking",
        "Everyday Checking",
        "Statement Savings",
        "Direct Benefits Checking",
    ]);
    let name = c.claimant();
    let size = 9.0;
    let (font, bold) = (Font::Helvetica, Font::HelveticaBold);
    // The longest value still ends at the margin.
    let widest = [&period, &account, &product.to_owned()]
        .iter()
        .map(|v| font.width(v, size))
        .fold(0.0, f32::max);
    let x_info = (right - 85.0 - widest).min((left + right) / 2.0);
    for (holder, (label, value)) in [name.clone(), c.who.street.clone(), c.who.city_line()]
        .into_iter()
        .zip([
            ("Statement period:", period.clone()),
            ("Account number:", account.clone()),
            ("Account type:", product.to_owned()),
        ])
    {
        l.row(
            size,
            vec![
                cell(left, font, holder),
                cell(x_info, bold, label),
                cell(x_info + 85.0, font, value),
            ],
        );
    }
    l.gap(8.0);

    let (transactions, opening) = month_transactions(c, start, end);
    let credits: i64 = transactions.iter().map(|t| t.2).filter(|v| *v > 0).sum();
    let debits_total: i64 = transactions.iter().map(|t| t.2).filter(|v| *v < 0).sum();
    let closing = opening + credits + debits_total;

    l.band(bold, size, "ACCOUNT SUMMARY");
    for (label, value) in [
        ("Beginning balance", opening),
        ("Deposits and other credits", credits),
        ("Withdrawals and other debits", debits_total),
        ("Ending balance", closing),
    ] {
        l.row(
            size,
            vec![
                cell(left, font, label),
                rcell(left + 300.0, font, dollars(value)),
            ],
        );
    }
    l.gap(6.0);
    transaction_detail(l, transactions, opening);
    running_head(l, &format!("{name}   Account {account}   {period}"));
    page_footer(l, bank);
}

/// A month of credits and debits, and the opening balance that covers every debit kept.
fn month_transactions(c: &mut Ctx, start: Date, end: Date) -> (Vec<(Date, String, i64)>, i64) {
    let mut transactions: Vec<(Date, String, i64)> = Vec::new();
    let day = |d: u8| ymd(start.year(), start.month() as u8, d);
    if c.chance(0.7) {
        let amount = c.range(90_000, 250_000);
        transactions.push((day(3), "SSA TREAS 310 XXSOC SEC".to_owned(), amount));
    }
    if c.chance(0.4) {
        let amount = c.range(20_000, 94_300);
        transactions.push((day(1), "SSI TREAS 310 XXSUPP SEC".to_owned(), amount));
    }
    if c.chance(0.3) {
        let employer = c.pick(&EMPLOYERS).to_uppercase();
        for d in [8, 22] {
            let amount = c.range(30_000, 90_000);
            transactions.push((day(d), format!("PAYROLL DEP {employer}"), amount));
        }
    }
    // Bills come once a month on their day; shopping and cash any day.
    let bills: [(&str, u8, i64, i64); 5] = [
        ("RENT PAYMENT", 2, 45_000, 110_000),
        ("ONLINE PMT CITY UTILITIES", 12, 6_000, 20_000),
        ("ACH DEBIT WIRELESS SERVICE", 15, 3_000, 9_000),
        ("ACH DEBIT AUTO INSURANCE", 20, 5_000, 15_000),
        ("MONTHLY SERVICE FEE", 28, 500, 1_200),
    ];
    for (what, d, low, high) in bills {
        if c.chance(0.6) {
            let amount = -c.range(low, high);
            transactions.push((day(d), what.to_owned(), amount));
        }
    }
    let spending: [(&str, i64, i64); 7] = [
        ("POS PURCHASE SAVE-MORE FOODS", 1_500, 12_000),
        ("POS PURCHASE QUICK STOP FUEL", 2_000, 6_000),
        ("POS PURCHASE DOLLAR BARN", 300, 3_500),
        ("POS PURCHASE CAREWELL PHARMACY", 500, 4_000),
        ("ATM WITHDRAWAL", 2_000, 10_000),
        ("CHECK", 1_000, 30_000),
        ("POS PURCHASE VALLEY MEDICAL SUPPLY", 1_000, 8_000),
    ];
    let last_day = end.day();
    for _ in 0..c.range(6, 40) {
        let (what, low, high) = c.pick(&spending);
        let what = if what == "CHECK" {
            format!("CHECK {}", c.range(1001, 1399))
        } else {
            what.to_owned()
        };
        let d = c.range(1, i64::from(last_day)) as u8;
        let amount = -c.range(low, high);
        transactions.push((day(d), what, amount));
    }
    // Credits first on a day, and no debit the balance cannot cover: a statement, not a
    // story of bounced payments.
    transactions.sort_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)));
    let opening = c.range(20_000, 300_000);
    let mut balance = opening;
    transactions.retain(|(_, _, amount)| {
        let covered = balance + amount >= 0;
        if covered {
            balance += amount;
        }
        covered
    });
    (transactions, opening)
}

/// Every transaction with the running balance, the column heads again on every page.
fn transaction_detail(l: &mut Layout, transactions: Vec<(Date, String, i64)>, opening: i64) {
    let size = 9.0;
    let (font, bold) = (Font::Helvetica, Font::HelveticaBold);
    let (left, right) = (l.left, l.right);
    l.band(bold, size, "TRANSACTION DETAIL");
    let head = |l: &mut Layout| {
        l.row(
            size,
            vec![
                cell(left, bold, "Date"),
                cell(left + 50.0, bold, "Description"),
                rcell(right - 90.0, bold, "Amount"),
                rcell(right, bold, "Balance"),
            ],
        );
    };
    head(l);
    let mut balance = opening;
    for (date, what, amount) in transactions {
        balance += amount;
        let pages = l.pages.len();
        l.keep(size * 1.4);
        if l.pages.len() != pages {
            head(l);
        }
        l.row(
            size,
            vec![
                cell(
                    left,
                    font,
                    format!("{:02}/{:02}", date.month() as u8, date.day()),
                ),
                cell(left + 50.0, font, what),
                rcell(right - 90.0, font, money(amount)),
                rcell(right, font, money(balance)),
            ],
        );
    }
}
