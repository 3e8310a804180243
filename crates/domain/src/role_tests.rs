use super::*;

#[test]
fn roles_round_trip_through_their_names() {
    for r in Role::ALL {
        assert_eq!(r.as_str().parse::<Role>(), Ok(r));
    }
    assert_eq!("Area director".parse::<Role>(), Ok(Role::AreaDirector));
    assert_eq!("area-director".parse::<Role>(), Ok(Role::AreaDirector));
    assert!("root".parse::<Role>().is_err());
}

/// Analysts and auditors see the aggregate figures; an auditor's list views are audited.
#[test]
fn aggregate_figures_and_audited_list_views() {
    for (role, aggregates, audited) in [
        (Role::Employee, false, false),
        (Role::Manager, false, false),
        (Role::AreaDirector, false, false),
        (Role::Analyst, true, false),
        (Role::Auditor, true, true),
        (Role::Admin, false, false),
    ] {
        assert_eq!(role.may_see_aggregates(), aggregates, "{role:?}");
        assert_eq!(role.list_views_audited(), audited, "{role:?}");
    }
}

#[test]
fn only_office_staff_write_business_data() {
    let writers: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| r.may_write_business_data())
        .collect();
    assert_eq!(
        writers,
        vec![Role::Employee, Role::Manager, Role::AreaDirector]
    );
}
