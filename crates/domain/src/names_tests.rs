use super::*;
use proptest::prelude::*;
use time::macros::{date, datetime};

#[test]
fn office_codes() {
    assert_eq!(OfficeCode::parse(" a12 ").unwrap().as_str(), "A12");
    assert!(OfficeCode::parse("A1").is_err());
    assert!(OfficeCode::parse("A1234567").is_err());
    assert!(OfficeCode::parse("A-12").is_err());
    assert!(OfficeCode::parse("../x").is_err());
}

#[test]
fn usernames() {
    assert_eq!(Username::parse("J.Smith").unwrap().as_str(), "j.smith");
    assert!(Username::parse("1abc").is_err());
    assert!(Username::parse("a").is_err());
    assert!(Username::parse("a b").is_err());
    assert!(Username::parse("a'--").is_err());
}

#[test]
fn person_names_and_passwords() {
    assert!(PersonName::parse("  ").is_err());
    assert!(PersonName::parse("Ana\u{0}").is_err());
    assert_eq!(
        PersonName::parse(" Ana Díaz ").unwrap().as_str(),
        "Ana Díaz"
    );
    assert!(Password::parse("short").is_err());
    assert!(Password::parse("long enough pass").is_ok());
    assert_eq!(
        format!("{:?}", Password::parse("long enough pass").unwrap()),
        "Password(***)"
    );
}

#[test]
fn skills_time_zones_areas() {
    let skills = Skill::parse_list("SSI, disability ssi").unwrap();
    let names: Vec<&str> = skills.iter().map(Skill::as_str).collect();
    assert_eq!(names, ["disability", "ssi"]);
    assert!(Skill::parse_list("ssi, dis ability!").is_err());
    assert_eq!(
        TimeZone::parse("america/chicago").unwrap().as_str(),
        "America/Chicago"
    );
    assert!(TimeZone::parse("Europe/Paris").is_err());
    assert!(AreaName::parse("").is_err());
}

#[test]
fn email_addresses() {
    assert_eq!(
        EmailAddress::parse(" Manager.A@Field.Example.GOV ")
            .unwrap()
            .as_str(),
        "Manager.A@field.example.gov"
    );
    for bad in [
        "",
        "manager",
        "@example.gov",
        "manager@",
        "a@b@example.gov",
        "manager a@example.gov",
        "manager@example..gov",
        "manager@.example.gov",
        "<manager@example.gov>",
        "manager@example.gov\r\nRCPT TO:<x@y>",
    ] {
        assert!(EmailAddress::parse(bad).is_err(), "{bad:?}");
    }
    assert!(EmailAddress::parse(&format!("{}@example.gov", "a".repeat(65))).is_err());
}

#[test]
fn local_time_follows_daylight_saving() {
    let tz = TimeZone::parse("America/New_York").unwrap();
    // 2026-07-01 12:00 UTC is 08:00 EDT; 2026-12-01 12:00 UTC is 07:00 EST.
    let july = time::macros::datetime!(2026-07-01 12:00 UTC).unix_timestamp() * 1000;
    let december = time::macros::datetime!(2026-12-01 12:00 UTC).unix_timestamp() * 1000;
    assert_eq!(
        tz.local_time(july),
        time::macros::datetime!(2026-07-01 08:00)
    );
    assert_eq!(
        tz.local_time(december),
        time::macros::datetime!(2026-12-01 07:00)
    );
    let phoenix = TimeZone::parse("America/Phoenix").unwrap();
    assert_eq!(
        phoenix.local_time(july),
        time::macros::datetime!(2026-07-01 05:00)
    );
    assert_eq!(tz.abbreviation(july), "EDT");
    assert_eq!(tz.abbreviation(december), "EST");
    assert_eq!(phoenix.abbreviation(july), "MST");
    let guam = TimeZone::parse("Pacific/Guam").unwrap();
    assert_eq!(guam.abbreviation(july), "ChST");
}

fn ms(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

#[test]
fn local_dates_follow_offsets_and_daylight_saving() {
    let (ny, phx, guam) = ("America/New_York", "America/Phoenix", "Pacific/Guam");
    let cases = [
        // 2026-11-25 03:30 UTC: 22:30 the day before in New York (EST, -5).
        (ny, datetime!(2026-11-25 03:30 UTC), date!(2026 - 11 - 24)),
        (ny, datetime!(2026-11-25 05:30 UTC), date!(2026 - 11 - 25)),
        // July: EDT (-4): 03:30 UTC is 23:30 the day before, 04:30 UTC is 00:30.
        (ny, datetime!(2026-07-15 03:30 UTC), date!(2026 - 07 - 14)),
        (ny, datetime!(2026-07-15 04:30 UTC), date!(2026 - 07 - 15)),
        // Phoenix stays at -7 all year.
        (phx, datetime!(2026-07-15 06:30 UTC), date!(2026 - 07 - 14)),
        // Guam is ahead of UTC.
        (guam, datetime!(2026-07-15 15:00 UTC), date!(2026 - 07 - 16)),
        // DST edges 2026: starts March 8 (23:30 EST), ends November 1 (00:30 EDT).
        (ny, datetime!(2026-03-08 04:30 UTC), date!(2026 - 03 - 07)),
        (ny, datetime!(2026-11-01 04:30 UTC), date!(2026 - 11 - 01)),
    ];
    for (zone, at, expected) in cases {
        let tz = TimeZone::parse(zone).unwrap();
        assert_eq!(tz.local_date(ms(at)), expected, "{zone} at {at}");
    }
}

#[test]
fn every_office_zone_is_in_the_bundled_database() {
    let db = jiff::tz::TimeZoneDatabase::bundled();
    for name in OFFICE_TIME_ZONES {
        assert!(
            db.get(name).is_ok(),
            "{name} is not in the time-zone database"
        );
        assert_eq!(TimeZone::parse(name).unwrap().as_str(), name);
    }
}

/// Every abbreviation the database has for an office zone, from 1850 to 2100, is one that
/// [`TimeZone::abbreviation`] can hand out (none falls back to the zone's name).
#[test]
fn every_abbreviation_of_an_office_zone_is_known() {
    let db = jiff::tz::TimeZoneDatabase::bundled();
    let from = jiff::Timestamp::from_second(-3_786_825_600).unwrap(); // 1850-01-01
    let until = jiff::Timestamp::from_second(4_102_444_800).unwrap(); // 2100-01-01
    let mut missing = Vec::new();
    for name in OFFICE_TIME_ZONES {
        let rules = db.get(name).unwrap();
        let first = rules.to_offset_info(from);
        let mut seen = vec![first.abbreviation().to_string()];
        for t in rules.following(from) {
            if t.timestamp() > until {
                break;
            }
            seen.push(t.abbreviation().to_string());
        }
        missing.extend(
            seen.into_iter()
                .filter(|a| !ZONE_ABBREVIATIONS.contains(&a.as_str()))
                .map(|a| format!("{name}: {a}")),
        );
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "not in ZONE_ABBREVIATIONS: {missing:?}");
}

/// Daylight-saving time starts and ends at 02:00 local time, 2026 on March 8 and November 1,
/// 2027 on March 14 and November 7. Each row: the zone, the instant of the change, the wall
/// clock a second before and at it, and the abbreviations before and after.
#[test]
fn daylight_saving_edges_2026_and_2027() {
    #[rustfmt::skip]
    let edges = [
        ("America/New_York", datetime!(2026-03-08 07:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 03:00), "EST", "EDT"),
        ("America/New_York", datetime!(2026-11-01 06:00 UTC), datetime!(2026-11-01 01:59:59), datetime!(2026-11-01 01:00), "EDT", "EST"),
        ("America/New_York", datetime!(2027-03-14 07:00 UTC), datetime!(2027-03-14 01:59:59), datetime!(2027-03-14 03:00), "EST", "EDT"),
        ("America/New_York", datetime!(2027-11-07 06:00 UTC), datetime!(2027-11-07 01:59:59), datetime!(2027-11-07 01:00), "EDT", "EST"),
        ("America/Chicago", datetime!(2026-03-08 08:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 03:00), "CST", "CDT"),
        ("America/Chicago", datetime!(2026-11-01 07:00 UTC), datetime!(2026-11-01 01:59:59), datetime!(2026-11-01 01:00), "CDT", "CST"),
        ("America/Chicago", datetime!(2027-03-14 08:00 UTC), datetime!(2027-03-14 01:59:59), datetime!(2027-03-14 03:00), "CST", "CDT"),
        ("America/Chicago", datetime!(2027-11-07 07:00 UTC), datetime!(2027-11-07 01:59:59), datetime!(2027-11-07 01:00), "CDT", "CST"),
        ("America/Denver", datetime!(2026-03-08 09:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 03:00), "MST", "MDT"),
        ("America/Denver", datetime!(2026-11-01 08:00 UTC), datetime!(2026-11-01 01:59:59), datetime!(2026-11-01 01:00), "MDT", "MST"),
        ("America/Denver", datetime!(2027-03-14 09:00 UTC), datetime!(2027-03-14 01:59:59), datetime!(2027-03-14 03:00), "MST", "MDT"),
        ("America/Denver", datetime!(2027-11-07 08:00 UTC), datetime!(2027-11-07 01:59:59), datetime!(2027-11-07 01:00), "MDT", "MST"),
        ("America/Los_Angeles", datetime!(2026-03-08 10:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 03:00), "PST", "PDT"),
        ("America/Los_Angeles", datetime!(2026-11-01 09:00 UTC), datetime!(2026-11-01 01:59:59), datetime!(2026-11-01 01:00), "PDT", "PST"),
        ("America/Los_Angeles", datetime!(2027-03-14 10:00 UTC), datetime!(2027-03-14 01:59:59), datetime!(2027-03-14 03:00), "PST", "PDT"),
        ("America/Los_Angeles", datetime!(2027-11-07 09:00 UTC), datetime!(2027-11-07 01:59:59), datetime!(2027-11-07 01:00), "PDT", "PST"),
        ("America/Anchorage", datetime!(2026-03-08 11:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 03:00), "AKST", "AKDT"),
        ("America/Anchorage", datetime!(2026-11-01 10:00 UTC), datetime!(2026-11-01 01:59:59), datetime!(2026-11-01 01:00), "AKDT", "AKST"),
        ("America/Anchorage", datetime!(2027-03-14 11:00 UTC), datetime!(2027-03-14 01:59:59), datetime!(2027-03-14 03:00), "AKST", "AKDT"),
        ("America/Anchorage", datetime!(2027-11-07 10:00 UTC), datetime!(2027-11-07 01:59:59), datetime!(2027-11-07 01:00), "AKDT", "AKST"),
        // No daylight-saving time: the same instants as Denver's, Honolulu's and San Juan's
        // clocks go straight on.
        ("America/Phoenix", datetime!(2026-03-08 09:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 02:00), "MST", "MST"),
        ("America/Phoenix", datetime!(2027-11-07 08:00 UTC), datetime!(2027-11-07 00:59:59), datetime!(2027-11-07 01:00), "MST", "MST"),
        ("Pacific/Honolulu", datetime!(2026-03-08 12:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 02:00), "HST", "HST"),
        ("Pacific/Honolulu", datetime!(2027-11-07 11:00 UTC), datetime!(2027-11-07 00:59:59), datetime!(2027-11-07 01:00), "HST", "HST"),
        ("America/Puerto_Rico", datetime!(2026-03-08 06:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 02:00), "AST", "AST"),
        ("America/Puerto_Rico", datetime!(2027-11-07 05:00 UTC), datetime!(2027-11-07 00:59:59), datetime!(2027-11-07 01:00), "AST", "AST"),
        ("America/St_Thomas", datetime!(2026-03-08 06:00 UTC), datetime!(2026-03-08 01:59:59), datetime!(2026-03-08 02:00), "AST", "AST"),
    ];
    for (zone, change, before, after, abbr_before, abbr_after) in edges {
        let tz = TimeZone::parse(zone).unwrap();
        let at = ms(change);
        assert_eq!(tz.local_time(at - 1000), before, "{zone} before {change}");
        assert_eq!(tz.local_time(at), after, "{zone} at {change}");
        assert_eq!(
            tz.abbreviation(at - 1000),
            abbr_before,
            "{zone} before {change}"
        );
        assert_eq!(tz.abbreviation(at), abbr_after, "{zone} at {change}");
        assert_eq!(tz.local_date(at), after.date(), "{zone} at {change}");
    }
}

/// Summer and winter wall clocks of every office zone, 2026 and 2027.
#[test]
fn summer_and_winter_offsets_of_every_office_zone() {
    #[rustfmt::skip]
    let zones = [
        // zone, winter offset and abbreviation, summer offset and abbreviation (hours)
        ("America/New_York", -5, "EST", -4, "EDT"),
        ("America/Chicago", -6, "CST", -5, "CDT"),
        ("America/Denver", -7, "MST", -6, "MDT"),
        ("America/Phoenix", -7, "MST", -7, "MST"),
        ("America/Los_Angeles", -8, "PST", -7, "PDT"),
        ("America/Anchorage", -9, "AKST", -8, "AKDT"),
        ("Pacific/Honolulu", -10, "HST", -10, "HST"),
        ("America/Puerto_Rico", -4, "AST", -4, "AST"),
        ("America/St_Thomas", -4, "AST", -4, "AST"),
        ("Pacific/Guam", 10, "ChST", 10, "ChST"),
        ("Pacific/Pago_Pago", -11, "SST", -11, "SST"),
    ];
    assert_eq!(zones.len(), OFFICE_TIME_ZONES.len());
    for (zone, winter, winter_abbr, summer, summer_abbr) in zones {
        let tz = TimeZone::parse(zone).unwrap();
        for utc in [
            datetime!(2026-01-15 12:00 UTC),
            datetime!(2026-12-15 12:00 UTC),
            datetime!(2027-02-01 12:00 UTC),
        ] {
            let local = utc + time::Duration::hours(winter);
            assert_eq!(
                tz.local_time(ms(utc)),
                time::PrimitiveDateTime::new(local.date(), local.time()),
                "{zone} {utc}"
            );
            assert_eq!(tz.abbreviation(ms(utc)), winter_abbr, "{zone} {utc}");
        }
        for utc in [
            datetime!(2026-07-15 12:00 UTC),
            datetime!(2027-08-01 12:00 UTC),
        ] {
            let local = utc + time::Duration::hours(summer);
            assert_eq!(
                tz.local_time(ms(utc)),
                time::PrimitiveDateTime::new(local.date(), local.time()),
                "{zone} {utc}"
            );
            assert_eq!(tz.abbreviation(ms(utc)), summer_abbr, "{zone} {utc}");
        }
    }
}

/// Before 2007 daylight-saving time ran from the first Sunday in April to the last Sunday in
/// October (2006: April 2 to October 29): a rule written for today's dates gets these wrong.
#[test]
fn dates_before_the_2007_rule_change_follow_the_rule_then() {
    let ny = TimeZone::parse("America/New_York").unwrap();
    let chicago = TimeZone::parse("America/Chicago").unwrap();
    #[rustfmt::skip]
    let rows = [
        (ny, datetime!(2006-03-20 12:00 UTC), datetime!(2006-03-20 07:00), "EST"),
        (ny, datetime!(2006-04-01 12:00 UTC), datetime!(2006-04-01 07:00), "EST"),
        (ny, datetime!(2006-04-02 06:59:59 UTC), datetime!(2006-04-02 01:59:59), "EST"),
        (ny, datetime!(2006-04-02 07:00 UTC), datetime!(2006-04-02 03:00), "EDT"),
        (ny, datetime!(2006-10-29 05:59:59 UTC), datetime!(2006-10-29 01:59:59), "EDT"),
        (ny, datetime!(2006-10-29 06:00 UTC), datetime!(2006-10-29 01:00), "EST"),
        (ny, datetime!(2006-11-01 12:00 UTC), datetime!(2006-11-01 07:00), "EST"),
        (chicago, datetime!(2006-04-01 12:00 UTC), datetime!(2006-04-01 06:00), "CST"),
        (chicago, datetime!(2006-10-30 05:30 UTC), datetime!(2006-10-29 23:30), "CST"),
    ];
    for (tz, utc, local, abbr) in rows {
        assert_eq!(tz.local_time(ms(utc)), local, "{} {utc}", tz.as_str());
        assert_eq!(tz.abbreviation(ms(utc)), abbr, "{} {utc}", tz.as_str());
    }
    // 2006-04-01 at 23:30 in New York is 04:30 UTC on April 2 (EST, -5).
    assert_eq!(
        ny.local_date(ms(datetime!(2006-04-02 04:30 UTC))),
        date!(2006 - 04 - 01)
    );
}

fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ a-zA-Z0-9._@<>,;\"\r\n\t\u{0}\u{e9}-]{0,80}",
        "[a-zA-Z0-9._-]{1,70}@[a-zA-Z0-9.-]{1,70}",
    ]
}

proptest! {
    /// Every parser takes any text without panicking, and what it keeps parses again to
    /// itself (the stored form is a fixed point).
    #[test]
    fn parsed_values_are_fixed_points(s in typed()) {
        if let Ok(v) = OfficeCode::parse(&s) {
            prop_assert!((3..=6).contains(&v.as_str().len()));
            prop_assert!(v.as_str().bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            prop_assert_eq!(OfficeCode::parse(v.as_str()), Ok(v.clone()));
        }
        if let Ok(v) = Username::parse(&s) {
            prop_assert!((2..=64).contains(&v.as_str().len()));
            prop_assert!(v.as_str().starts_with(|c: char| c.is_ascii_lowercase()));
            prop_assert!(v.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b)));
            prop_assert_eq!(Username::parse(v.as_str()), Ok(v.clone()));
        }
        if let Ok(v) = PersonName::parse(&s) {
            let n = v.as_str();
            prop_assert!(!n.is_empty() && n.chars().count() <= 200);
            prop_assert!(!n.chars().any(char::is_control));
            prop_assert_eq!(n, n.trim());
            prop_assert_eq!(PersonName::parse(n), Ok(v.clone()));
        }
        if let Ok(v) = AreaName::parse(&s) {
            let n = v.as_str();
            prop_assert!(!n.is_empty() && n.chars().count() <= 80);
            prop_assert!(!n.chars().any(char::is_control));
            prop_assert_eq!(AreaName::parse(n), Ok(v.clone()));
        }
        if let Ok(v) = Skill::parse(&s) {
            prop_assert!((1..=40).contains(&v.as_str().len()));
            prop_assert_eq!(Skill::parse(v.as_str()), Ok(v.clone()));
        }
        if let Ok(list) = Skill::parse_list(&s) {
            prop_assert!(list.windows(2).all(|w| w[0] < w[1]));
            let joined = list.iter().map(Skill::as_str).collect::<Vec<_>>().join(",");
            prop_assert_eq!(Skill::parse_list(&joined), Ok(list.clone()));
        }
        if let Ok(v) = TimeZone::parse(&s) {
            prop_assert!(OFFICE_TIME_ZONES.contains(&v.as_str()));
        }
        let n = s.chars().count();
        prop_assert_eq!(Password::parse(&s).is_ok(), (12..=256).contains(&n));
    }

    /// An accepted e-mail address cannot end or add an SMTP command or header: one `@`,
    /// printable ASCII without spaces or `<>,;"`, within the lengths of RFC 5321.
    #[test]
    fn email_addresses_are_safe_for_a_relay(s in typed()) {
        if let Ok(v) = EmailAddress::parse(&s) {
            let a = v.as_str();
            prop_assert!(a.len() <= 254);
            prop_assert_eq!(a.matches('@').count(), 1);
            prop_assert!(a.chars().all(|c| c.is_ascii_graphic() && !"<>,;\"".contains(c)));
            let (local, domain) = a.split_once('@').unwrap();
            prop_assert!(!local.is_empty() && local.len() <= 64);
            prop_assert!(!domain.is_empty() && !domain.contains("..") && !domain.starts_with('.') && !domain.ends_with('.'));
            prop_assert_eq!(domain, domain.to_ascii_lowercase());
            prop_assert_eq!(EmailAddress::parse(a), Ok(v.clone()));
        }
    }
}
