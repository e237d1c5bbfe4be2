//! The synthetic benchmark store: structure first, then valid activity
//! records, as many as asked, the same on every run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use bienphong_demo::{DemoRecord, SYNTHETIC_UNITS_PER_PROVINCE, synthetic};
use bienphong_domain::Content;
use bienphong_domain::org::UnitKind;
use bienphong_domain::record::RecordType;
use std::collections::BTreeMap;

#[test]
fn one_province_two_years_validates_and_counts() {
    let n = 600;
    let records: Vec<DemoRecord> = synthetic(1, 2, n).collect();
    let structure = records
        .iter()
        .take_while(|r| r.content.record_type().is_structure())
        .count();
    let activities = &records[structure..];
    assert!(
        activities
            .iter()
            .all(|r| !r.content.record_type().is_structure())
    );
    assert_eq!(activities.len(), 2 * n as usize);
    let units = records
        .iter()
        .filter(|r| matches!(r.content, Content::Unit(_)))
        .count();
    assert_eq!(units, SYNTHETIC_UNITS_PER_PROVINCE);
    assert_eq!(SYNTHETIC_UNITS_PER_PROVINCE, 40);

    let state = common::replay(&records, &[]);
    let posts = state
        .org
        .units
        .values()
        .filter(|u| u.kind == UnitKind::BorderPost)
        .count();
    assert_eq!(posts, 12);

    // Dates run through 2023 and 2024 in order.
    let dates: Vec<_> = activities.iter().filter_map(|r| r.content.date()).collect();
    assert_eq!(dates.first().map(|d| d.year()), Some(2023));
    assert_eq!(dates.last().map(|d| d.year()), Some(2024));
    let starts: Vec<_> = activities
        .iter()
        .filter_map(|r| match &r.content {
            Content::Programme(p) => Some(p.start),
            c => c.date(),
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));

    // The mix: about 60% patrols with three forces, 20% cases.
    let mut mix: BTreeMap<RecordType, usize> = BTreeMap::new();
    let mut seizures = 0;
    for r in activities {
        *mix.entry(r.content.record_type()).or_insert(0) += 1;
        match &r.content {
            Content::Patrol(p) => assert_eq!(p.participants.len(), 3),
            Content::Case(c) if !c.seizures.is_empty() => seizures += 1,
            _ => {}
        }
    }
    let share = |t: RecordType| mix.get(&t).copied().unwrap_or(0) * 100 / activities.len();
    assert!((55..=65).contains(&share(RecordType::Patrol)), "{mix:?}");
    assert!((16..=24).contains(&share(RecordType::Case)), "{mix:?}");
    assert!(
        (4..=10).contains(&(seizures * 100 / activities.len())),
        "{seizures}"
    );
}

#[test]
fn synthetic_is_deterministic_and_sized() {
    let a: Vec<DemoRecord> = synthetic(2, 1, 50).collect();
    let b: Vec<DemoRecord> = synthetic(2, 1, 50).collect();
    assert_eq!(a, b);
    let it = synthetic(2, 1, 50);
    assert_eq!(it.size_hint(), (a.len(), Some(a.len())));
    let state = common::replay(&a, &[]);
    assert_eq!(state.org.units.len(), 2 * SYNTHETIC_UNITS_PER_PROVINCE);
}

#[test]
fn twelve_provinces_make_480_units() {
    let units = synthetic(12, 0, 0)
        .filter(|r| matches!(r.content, Content::Unit(_)))
        .count();
    assert_eq!(units, 480);
    assert_eq!(
        synthetic(12, 3, 0)
            .filter(|r| !r.content.record_type().is_structure())
            .count(),
        0
    );
}
