use super::*;

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn d(y: i16, m: i8, day: i8) -> Date {
    Date::new(y, m, day).unwrap()
}

fn unit(c: &str, kind: UnitKind) -> Unit {
    Unit {
        code: code(c),
        kind,
        name: Text::new(c),
        name_en: None,
        admin_codes: Vec::new(),
        agency_id: None,
        valid_from: None,
        valid_to: None,
        successors: vec![],
        location: None,
        area: Vec::new(),
        border: Vec::new(),
        verified: true,
        note: Text::default(),
    }
}

fn link(kind: LinkKind, from: &str, to: &str) -> Link {
    Link {
        kind,
        from: code(from),
        to: code(to),
        valid_from: None,
        valid_to: None,
        verified: true,
    }
}

/// Two provinces; province A has district DA with communes C1, C2 (C2 has
/// a village V2); post P answers for C1 and C2 under command BCH-A.
fn org() -> Org {
    let units = vec![
        unit("A", UnitKind::Province),
        unit("B", UnitKind::Province),
        unit("DA", UnitKind::District),
        unit("C1", UnitKind::Commune),
        unit("C2", UnitKind::Commune),
        unit("V2", UnitKind::Village),
        unit("BCH-A", UnitKind::BorderGuardCommand),
        unit("P", UnitKind::BorderPost),
    ];
    let civ = LinkKind::CivilParent;
    Org {
        units: units.into_iter().map(|u| (u.code.clone(), u)).collect(),
        links: vec![
            link(civ, "A", "DA"),
            link(civ, "DA", "C1"),
            link(civ, "DA", "C2"),
            link(civ, "C2", "V2"),
            link(LinkKind::MilitaryParent, "BCH-A", "P"),
            link(LinkKind::Coordination, "P", "C1"),
            link(LinkKind::Coordination, "P", "C2"),
        ],
        ..Org::default()
    }
}

fn set(changes: serde_json::Value) -> ChangeSet {
    serde_json::from_value(serde_json::json!({
        "effective": "2025-07-01",
        "title": "Sắp xếp đơn vị hành chính",
        "changes": changes,
    }))
    .unwrap()
}

fn after(o: &Org, plan: &Plan) -> Org {
    let mut o = o.clone();
    for u in &plan.units {
        o.units.insert(u.code.clone(), u.clone());
    }
    for (before, now) in &plan.ended_links {
        let i = o.links.iter().position(|l| l == before).unwrap();
        o.links[i] = now.clone();
    }
    o.links.extend(plan.new_links.iter().cloned());
    o
}

fn parents_on(o: &Org, c: &str, day: Date) -> Vec<String> {
    o.links
        .iter()
        .filter(|l| l.kind != LinkKind::Coordination && l.to == code(c))
        .filter(|l| valid_on(l.valid_from, l.valid_to, day))
        .map(|l| l.from.to_string())
        .collect()
}

#[test]
fn a_merge_into_a_new_commune_ends_the_old_and_hands_over_children_and_posts() {
    let o = org();
    let s = set(serde_json::json!([
        {"op": "create", "code": "CN", "kind": "commune", "name": "Xã mới", "parent": "A"},
        {"op": "merge", "units": ["C1", "C2"], "into": "CN"},
        {"op": "abolish", "unit": "DA"},
    ]));
    let plan = s.plan(&o, &BTreeMap::new()).unwrap();
    let o2 = after(&o, &plan);
    let last = d(2025, 6, 30);
    let first = d(2025, 7, 1);
    assert_eq!(o2.unit(&code("C1")).unwrap().valid_to, Some(last));
    assert_eq!(o2.unit(&code("C2")).unwrap().successors, vec![code("CN")]);
    assert_eq!(o2.unit(&code("DA")).unwrap().valid_to, Some(last));
    assert_eq!(o2.unit(&code("CN")).unwrap().valid_from, Some(first));
    // The village passes to the new commune; the old days stay as they were.
    assert_eq!(parents_on(&o2, "V2", first), vec!["CN"]);
    assert_eq!(parents_on(&o2, "V2", last), vec!["C2"]);
    assert_eq!(parents_on(&o2, "CN", first), vec!["A"]);
    // The post answers for the new commune, once.
    let coordinated: Vec<_> = o2
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Coordination && valid_on(l.valid_from, l.valid_to, first))
        .map(|l| (l.from.to_string(), l.to.to_string()))
        .collect();
    assert_eq!(coordinated, vec![("P".to_string(), "CN".to_string())]);
    assert!(plan.new_units.contains(&code("CN")));
}

#[test]
fn an_invalid_set_is_refused_whole_with_every_problem_named() {
    let o = org();
    let late = BTreeMap::from([(code("C1"), 3)]);
    let s = set(serde_json::json!([
        // DA ends, but C1 and C2 go on without a parent: two orphans.
        {"op": "abolish", "unit": "DA"},
        // C1 ends while 3 records after 30/06/2025 still name it.
        {"op": "abolish", "unit": "C1", "successors": ["NOPE"]},
        // A post re-parented under a unit that ends.
        {"op": "reparent", "unit": "P", "parent": "DA"},
        {"op": "create", "code": "A", "kind": "province", "name": "A again"},
        {"op": "rename", "unit": "XX", "name": ""},
    ]));
    let problems = s.plan(&o, &late).unwrap_err();
    let named: Vec<(String, String)> = problems
        .iter()
        .map(|e| (e.field.clone(), e.problem.to_string()))
        .collect();
    let has = |field: &str, text: &str| named.iter().any(|(f, p)| f == field && p.contains(text));
    assert!(has("changes[3].code", "already exists"), "{named:?}");
    assert!(
        has("changes[1].successors[0]", "unknown unit NOPE"),
        "{named:?}"
    );
    assert!(
        has("changes[2].parent", "not valid on 01/07/2025"),
        "{named:?}"
    );
    assert!(has("changes[4].name", "empty"), "{named:?}");
    assert!(has("changes[4].unit", "unknown unit XX"), "{named:?}");
    assert!(has("units.C2", "no parent"), "{named:?}");
    assert!(has("changes[1]", "3 records"), "{named:?}");
    assert!(!has("units.C1", "no parent"), "C1 ends: {named:?}");
}

#[test]
fn split_rename_and_reparent() {
    let o = org();
    let s = set(serde_json::json!([
        {"op": "create", "code": "C2A", "kind": "commune", "name": "C2 A", "parent": "DA"},
        {"op": "create", "code": "C2B", "kind": "commune", "name": "C2 B", "parent": "DA"},
        {"op": "split", "unit": "C2", "into": ["C2A", "C2B"]},
        {"op": "reparent", "unit": "V2", "parent": "C2B"},
        {"op": "rename", "unit": "C1", "name": "Xã Một"},
        {"op": "reparent", "unit": "DA", "parent": "B"},
    ]));
    let plan = s.plan(&o, &BTreeMap::new()).unwrap();
    let o2 = after(&o, &plan);
    let first = d(2025, 7, 1);
    assert_eq!(
        o2.unit(&code("C2")).unwrap().successors,
        vec![code("C2A"), code("C2B")]
    );
    assert_eq!(parents_on(&o2, "V2", first), vec!["C2B"]);
    assert_eq!(parents_on(&o2, "DA", first), vec!["B"]);
    assert_eq!(parents_on(&o2, "DA", d(2025, 6, 30)), vec!["A"]);
    let c1 = o2.unit(&code("C1")).unwrap();
    assert_eq!(c1.name.as_str(), "Xã Một");
    assert!(c1.note.as_str().contains("30/06/2025: C1"), "{}", c1.note);
    assert_eq!(c1.valid_to, None);

    // Without re-parenting the village, the split leaves it an orphan.
    let s = set(serde_json::json!([
        {"op": "create", "code": "C2A", "kind": "commune", "name": "C2 A", "parent": "DA"},
        {"op": "create", "code": "C2B", "kind": "commune", "name": "C2 B", "parent": "DA"},
        {"op": "split", "unit": "C2", "into": ["C2A", "C2B"]},
    ]));
    let problems = s.plan(&o, &BTreeMap::new()).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field, "units.V2");
}

#[test]
fn a_change_set_reads_from_json_and_refuses_unknown_operations() {
    let s = set(serde_json::json!([{"op": "abolish", "unit": "c1"}]));
    assert_eq!(s.changes[0].op(), "abolish");
    assert_eq!(s.ending_units(), BTreeSet::from([code("C1")]));
    let bad: Result<ChangeSet, _> = serde_json::from_value(serde_json::json!({
        "effective": "2025-07-01", "title": "x", "changes": [{"op": "explode", "unit": "C1"}]
    }));
    assert!(bad.is_err());
}
