use super::*;

#[test]
fn every_state_round_trips_through_its_name() {
    for d in DocumentStatus::ALL {
        assert_eq!(DocumentStatus::parse(d.as_str()), Some(d));
    }
    for p in ProfileStatus::ALL {
        assert_eq!(ProfileStatus::parse(p.as_str()), Some(p));
    }
    for j in JobState::ALL {
        assert_eq!(JobState::parse(j.as_str()), Some(j));
    }
    assert_eq!(ProfileStatus::parse("auto"), None);
    assert_eq!(DocumentStatus::parse("Stored"), None);
}

#[test]
fn profiled_means_confirmed_or_accepted_automatically() {
    let profiled: Vec<ProfileStatus> = ProfileStatus::ALL
        .into_iter()
        .filter(|p| p.is_profiled())
        .collect();
    assert_eq!(
        profiled,
        [ProfileStatus::Confirmed, ProfileStatus::AutoAccepted]
    );
    assert_eq!(
        ProfileStatus::profiled_sql(),
        "'confirmed', 'auto_accepted'"
    );
}
