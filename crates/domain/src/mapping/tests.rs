use super::*;
use crate::org::{Link, LinkKind, Unit, UnitKind};
use crate::record::Content;
use crate::text::Text;

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn d(y: i16, m: i8, day: i8) -> Date {
    Date::new(y, m, day).unwrap()
}

fn unit(c: &str, from: Option<Date>, to: Option<Date>, successors: &[&str]) -> Unit {
    Unit {
        code: code(c),
        kind: UnitKind::Commune,
        name: Text::new(c),
        name_en: None,
        admin_codes: Vec::new(),
        agency_id: None,
        valid_from: from,
        valid_to: to,
        successors: successors.iter().map(|s| code(s)).collect(),
        location: None,
        area: Vec::new(),
        border: Vec::new(),
        verified: true,
        note: Text::default(),
    }
}

/// Communes A and B merge into N on 1/7/2025; C splits into C1 and C2; all
/// under province P.
fn org() -> Org {
    let end = Some(d(2025, 6, 30));
    let start = Some(d(2025, 7, 1));
    let mut p = unit("P", None, None, &[]);
    p.kind = UnitKind::Province;
    let units = vec![
        p,
        unit("A", None, end, &["N"]),
        unit("B", None, end, &["N"]),
        unit("N", start, None, &[]),
        unit("C", None, end, &["C1", "C2"]),
        unit("C1", start, None, &[]),
        unit("C2", start, None, &[]),
    ];
    let links = units
        .iter()
        .filter(|u| u.code.as_str() != "P")
        .map(|u| Link {
            kind: LinkKind::CivilParent,
            from: code("P"),
            to: u.code.clone(),
            valid_from: u.valid_from,
            valid_to: u.valid_to,
            verified: true,
        })
        .collect();
    Org {
        units: units.into_iter().map(|u| (u.code.clone(), u)).collect(),
        links,
        ..Org::default()
    }
}

fn year() -> Period {
    Period::new(d(2025, 1, 1), d(2025, 12, 31)).unwrap()
}

fn whole(m: &Mapped) -> Vec<String> {
    m.whole.units().map(ToString::to_string).collect()
}

#[test]
fn merged_units_map_whole_onto_the_unit_they_went_into() {
    let m = Mapped::of(&org(), &code("N"), &year(), d(2025, 7, 1));
    assert_eq!(whole(&m), ["A", "B", "N"]);
    assert!(m.shares.is_empty());
    assert_eq!(
        m.whole.days_of(&code("A")),
        [Period::new(d(2025, 1, 1), d(2025, 6, 30)).unwrap()]
    );
}

#[test]
fn a_split_units_records_are_apportioned_among_its_parts() {
    let m = Mapped::of(&org(), &code("C1"), &year(), d(2025, 7, 1));
    assert_eq!(whole(&m), ["C1"]);
    assert_eq!(m.shares.len(), 1);
    let s = &m.shares[0];
    assert_eq!((s.unit.as_str(), s.numerator, s.denominator), ("C", 1, 2));
    assert_eq!((s.of(5), s.of(4), s.of(1), s.of(0)), (3, 2, 1, 0));
    // The province maps everything whole, before and after.
    let m = Mapped::of(&org(), &code("P"), &year(), d(2025, 7, 1));
    assert_eq!(whole(&m), ["A", "B", "C", "C1", "C2", "N", "P"]);
    assert!(m.shares.is_empty());
}

#[test]
fn mapped_back_onto_the_old_units_a_merged_units_records_are_shared() {
    // The second half of 2025 reported on the communes of 1/1/2025.
    let m = Mapped::of(&org(), &code("A"), &year(), d(2025, 1, 1));
    assert_eq!(whole(&m), ["A"]);
    let shares: Vec<_> = m
        .shares
        .iter()
        .map(|s| (s.unit.to_string(), s.numerator, s.denominator))
        .collect();
    assert_eq!(shares, [("N".to_string(), 1, 2)]);
    // The split unit's parts map back whole onto it.
    let m = Mapped::of(&org(), &code("C"), &year(), d(2025, 1, 1));
    assert_eq!(whole(&m), ["C", "C1", "C2"]);
}

#[test]
fn mapped_back_a_unit_is_shared_among_the_units_of_its_kind_it_took_over_from() {
    // District D (abolished on 1/7/2025 with N as a successor) held A and
    // B, which merged into N: N's records mapped back onto 1/1/2025 go half
    // to A and half to B, none to D besides what D holds (A and B).
    let mut o = org();
    let mut district = unit("D", None, Some(d(2025, 6, 30)), &["N"]);
    district.kind = UnitKind::District;
    o.units.insert(code("D"), district);
    let m = Mapped::of(&o, &code("A"), &year(), d(2025, 1, 1));
    let shares: Vec<_> = m
        .shares
        .iter()
        .map(|s| (s.unit.to_string(), s.numerator, s.denominator))
        .collect();
    assert_eq!(shares, [("N".to_string(), 1, 2)]);
    // The district's own records go forward whole to N, its one successor.
    let m = Mapped::of(&o, &code("N"), &year(), d(2025, 7, 1));
    assert_eq!(whole(&m), ["A", "B", "D", "N"]);
}

/// A patrol dated before C's split, led by post `BP`, with `partners` and
/// `markers` of BP.
fn patrol(partners: &[&str], markers: &[&str]) -> Content {
    Content::Patrol(crate::record::Patrol {
        date: d(2025, 3, 1),
        lead_unit: code("BP"),
        partner_units: partners.iter().map(|p| code(p)).collect(),
        kind: crate::record::PatrolKind::Joint,
        duration_hours: None,
        markers: markers.iter().map(|m| code(m)).collect(),
        participants: vec![crate::record::ForceCount {
            force: code("BDBP"),
            persons: 3,
        }],
        notes: Text::default(),
    })
}

#[test]
fn a_split_units_records_follow_their_place_where_it_is_known() {
    // C (split into C1 and C2 on 1/7/2025) had villages V1 and V2, which
    // went to C1 and C2; post BP answers for markers 101 (in C2) and 102
    // (its commune not known).
    let mut o = org();
    for (v, parent) in [("V1", "C1"), ("V2", "C2")] {
        let mut village = unit(v, None, None, &[]);
        village.kind = UnitKind::Village;
        o.units.insert(code(v), village);
        o.links.push(Link {
            kind: LinkKind::CivilParent,
            from: code(parent),
            to: code(v),
            valid_from: Some(d(2025, 7, 1)),
            valid_to: None,
            verified: true,
        });
    }
    let mut post = unit("BP", None, None, &[]);
    post.kind = UnitKind::BorderPost;
    o.units.insert(code("BP"), post);
    for (n, commune) in [("101", Some("C2")), ("102", None)] {
        let marker = crate::org::Marker {
            number: code(n),
            post: code("BP"),
            kind: crate::org::MarkerKind::Main,
            commune: commune.map(code),
            location: None,
            verified: true,
        };
        o.markers.insert((code("BP"), code(n)), marker);
    }
    let m = Mapped::of(&o, &code("C1"), &year(), d(2025, 7, 1));
    let parts = m.parts.get(&code("C")).unwrap();
    assert_eq!(parts.place(&o, &patrol(&["C", "V1"], &[])), Placed::Here);
    assert_eq!(
        parts.place(&o, &patrol(&["C", "V2"], &[])),
        Placed::Elsewhere
    );
    assert_eq!(
        parts.place(&o, &patrol(&["C"], &["101"])),
        Placed::Elsewhere
    );
    // No place known, or places in both parts: shared.
    assert_eq!(parts.place(&o, &patrol(&["C"], &["102"])), Placed::Unknown);
    assert_eq!(parts.place(&o, &patrol(&["C"], &[])), Placed::Unknown);
    assert_eq!(
        parts.place(&o, &patrol(&["C", "V1"], &["101"])),
        Placed::Unknown
    );
    let m2 = Mapped::of(&o, &code("C2"), &year(), d(2025, 7, 1));
    let parts2 = m2.parts.get(&code("C")).unwrap();
    assert_eq!(parts2.place(&o, &patrol(&["C"], &["101"])), Placed::Here);
    // Mapped back onto the old units, nothing is placed.
    let back = Mapped::of(&o, &code("C"), &year(), d(2025, 1, 1));
    assert!(back.parts.is_empty());
}

#[test]
fn mapped_back_a_merged_units_records_follow_their_place_where_it_is_known() {
    // N (A and B merged on 1/7/2025) mapped back onto 1/1/2025: a patrol
    // of N whose marker stands in A goes to A, one whose marker stands in
    // B to B, one with no known place is shared.
    let mut o = org();
    let mut post = unit("BP", None, None, &[]);
    post.kind = UnitKind::BorderPost;
    o.units.insert(code("BP"), post);
    for (n, commune) in [("101", Some("A")), ("102", Some("B")), ("103", None)] {
        let marker = crate::org::Marker {
            number: code(n),
            post: code("BP"),
            kind: crate::org::MarkerKind::Main,
            commune: commune.map(code),
            location: None,
            verified: true,
        };
        o.markers.insert((code("BP"), code(n)), marker);
    }
    let m = Mapped::of(&o, &code("A"), &year(), d(2025, 1, 1));
    let parts = m.parts.get(&code("N")).unwrap();
    assert_eq!(parts.place(&o, &patrol(&["N"], &["101"])), Placed::Here);
    assert_eq!(
        parts.place(&o, &patrol(&["N"], &["102"])),
        Placed::Elsewhere
    );
    assert_eq!(parts.place(&o, &patrol(&["N"], &["103"])), Placed::Unknown);
    assert_eq!(
        parts.place(&o, &patrol(&["N"], &["101", "102"])),
        Placed::Unknown
    );
    // Forward, N is whole: nothing to place.
    let forward = Mapped::of(&o, &code("N"), &year(), d(2025, 7, 1));
    assert!(forward.parts.is_empty());
}
