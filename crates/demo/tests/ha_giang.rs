//! The Hà Giang demo: deterministic, valid record by record, and adding up to
//! the 2023 review conference's figures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use bienphong_demo::{DemoRecord, ha_giang, ha_giang_edits, ha_giang_stages};
use bienphong_domain::facts::{self, measure};
use bienphong_domain::org::{Code, LinkKind, Org, UnitKind};
use bienphong_domain::record::{BeneficiaryKind, DisasterKind, PatrolKind};
use bienphong_domain::{Content, Cutoff, Date, Period, RecordId};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

struct Demo {
    records: Vec<DemoRecord>,
    edits: Vec<(RecordId, Content)>,
}

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| Demo {
        records: ha_giang(),
        edits: ha_giang_edits(),
    })
}

/// The current content of every record after the edits, in write order.
fn live(with_edits: bool) -> Vec<(RecordId, Content)> {
    let d = demo();
    let mut index: HashMap<RecordId, usize> = HashMap::new();
    let mut out: Vec<(RecordId, Content)> = Vec::new();
    for r in &d.records {
        index.insert(r.record_id, out.len());
        out.push((r.record_id, r.content.clone()));
    }
    if with_edits {
        for (id, c) in &d.edits {
            let i = index[id];
            out[i].1 = c.clone();
        }
    }
    out
}

fn org() -> &'static Org {
    static ORG: OnceLock<Org> = OnceLock::new();
    ORG.get_or_init(|| {
        let d = demo();
        common::replay(&d.records, &d.edits).org
    })
}

fn year(y: i16) -> Period {
    Period::year(y, Cutoff::Decree09)
}

/// Every measure summed over the live records dated in `p`.
fn totals(records: &[(RecordId, Content)], p: Period) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for (_, c) in records {
        for f in facts::contributions(c) {
            if p.contains(f.day) {
                *out.entry(f.measure).or_insert(0) += f.value;
            }
        }
    }
    out
}

fn get(t: &BTreeMap<String, i64>, m: &str) -> i64 {
    t.get(m).copied().unwrap_or(0)
}

fn sum_prefix(t: &BTreeMap<String, i64>, prefix: &str) -> i64 {
    t.iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(_, v)| v)
        .sum()
}

/// (patrols, Border Guard lượt, other lượt, cases, subjects).
fn headline(t: &BTreeMap<String, i64>) -> (i64, i64, i64, i64, i64) {
    let guards: Vec<String> = vec![measure::patrol_force(&Code::parse("BDBP").unwrap())];
    let guard_roles: Vec<String> = border_guard_codes()
        .iter()
        .map(measure::patrol_force)
        .collect();
    assert_eq!(guards, guard_roles, "BDBP is the one Border Guard force");
    let bg: i64 = guard_roles.iter().map(|m| get(t, m)).sum();
    let all = sum_prefix(t, measure::PATROL_FORCE_PREFIX);
    (
        get(t, measure::PATROL_COUNT),
        bg,
        all - bg,
        sum_prefix(t, measure::CASE_COUNT_PREFIX),
        sum_prefix(t, measure::CASE_SUBJECTS_PREFIX),
    )
}

fn border_guard_codes() -> Vec<Code> {
    use bienphong_domain::catalogue::{CatalogueKind, Role};
    org()
        .catalogue
        .with_role(CatalogueKind::Force, Role::BorderGuard)
        .map(|e| e.code.clone())
        .collect()
}

fn in_period(c: &Content, p: Period) -> bool {
    c.date().is_some_and(|d| p.contains(d))
}

/// The stored JSON of every revision reads back to the same record and is
/// written back byte for byte: the machine form is never read by the human
/// rule (1200 stays 1200, 0.43 stays 0.43).
#[test]
fn every_revision_reads_back_unchanged() {
    let d = demo();
    let contents = d
        .records
        .iter()
        .map(|r| &r.content)
        .chain(d.edits.iter().map(|(_, c)| c));
    let mut n = 0;
    for c in contents {
        let stored = c.to_json();
        let read = Content::from_json(c.record_type(), &stored).unwrap();
        assert_eq!(&read, c, "{stored}");
        assert_eq!(read.to_json(), stored);
        n += 1;
    }
    assert!(n > 1000, "{n}");
}

#[test]
fn two_runs_give_the_same_records() {
    let (a, b) = (ha_giang(), ha_giang());
    assert_eq!(a, b);
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    let json = |rs: &[DemoRecord]| -> Vec<String> {
        rs.iter()
            .map(|r| format!("{} {} {}", r.record_id, r.created_ms, r.content.to_json()))
            .collect()
    };
    assert_eq!(json(&a), json(&b));
    assert_eq!(a, demo().records);
    assert_eq!(ha_giang_edits(), demo().edits);
}

#[test]
fn every_record_and_edit_validates_against_the_organisation_so_far() {
    let d = demo();
    let state = common::replay(&d.records, &d.edits);
    assert_eq!(state.border_guard_forces().len(), 1);
    // Nothing restricted comes before the record it refers to; replay checks
    // that, and here every case with subjects listed has them once.
    let mut subjects_of: HashMap<RecordId, u32> = HashMap::new();
    for r in &d.records {
        if let Content::CaseSubjects(s) = &r.content {
            *subjects_of.entry(s.case).or_insert(0) += 1;
        }
    }
    assert!(subjects_of.values().all(|n| *n == 1));
    assert!(
        subjects_of.len() > 20,
        "some cases have their subjects recorded"
    );
}

#[test]
fn ids_are_unique_and_times_plausible() {
    let d = demo();
    let ids: BTreeSet<RecordId> = d.records.iter().map(|r| r.record_id).collect();
    assert_eq!(ids.len(), d.records.len());
    for r in &d.records {
        if let Some(date) = r.content.date() {
            if r.content.record_type().is_structure() {
                continue;
            }
            // Entered in the evening of the record's day (UTC+7).
            let day_start = (days(date) * 24 - 7) * 3_600_000;
            assert!(
                (day_start..day_start + 86_400_000).contains(&r.created_ms),
                "{} created {} for {date}",
                r.record_id,
                r.created_ms
            );
        }
        let ts = r.record_id.0.get_timestamp().map(|t| t.to_unix());
        assert_eq!(
            ts.map(|(s, n)| s as i64 * 1000 + i64::from(n / 1_000_000)),
            Some(r.created_ms)
        );
    }
    // The edits only touch records that exist.
    for (id, _) in &d.edits {
        assert!(ids.contains(id));
    }
}

fn days(d: Date) -> i64 {
    let epoch = jiff::civil::date(1970, 1, 1);
    i64::from(epoch.until(d).unwrap().get_days())
}

#[test]
fn write_order_is_structure_then_activity_then_reorganisation() {
    let d = demo();
    let kinds: Vec<bool> = d
        .records
        .iter()
        .map(|r| r.content.record_type().is_structure())
        .collect();
    // structure, activity, structure (2025), activity (after 2025)
    let mut runs = vec![kinds[0]];
    for k in &kinds {
        if Some(k) != runs.last() {
            runs.push(*k);
        }
    }
    assert_eq!(runs, vec![true, false, true, false]);
    let first_activity = kinds.iter().position(|k| !k).unwrap();
    assert!(
        d.records[..first_activity]
            .iter()
            .any(|r| matches!(r.content, Content::Catalogue(_)))
    );
    assert!(matches!(d.records[0].content, Content::Catalogue(_)));
    let reorg = first_activity + kinds[first_activity..].iter().position(|k| *k).unwrap();
    let after: Vec<&DemoRecord> = d.records[reorg..]
        .iter()
        .filter(|r| !r.content.record_type().is_structure())
        .collect();
    assert!(!after.is_empty());
    for r in after {
        if let Some(date) = r.content.date() {
            assert!(date >= jiff::civil::date(2025, 7, 1), "{date}");
        }
    }
}

#[test]
fn the_organisation_before_2025() {
    let org = org();
    let on = jiff::civil::date(2023, 6, 1);
    let count = |k: UnitKind| {
        org.units
            .values()
            .filter(|u| u.kind == k && u.valid_on(on))
            .count()
    };
    assert_eq!(count(UnitKind::Province), 1);
    assert_eq!(count(UnitKind::BorderGuardCommand), 1);
    assert_eq!(count(UnitKind::District), 7);
    assert_eq!(count(UnitKind::BorderPost), 12);
    assert_eq!(count(UnitKind::Station), 1);
    assert_eq!(count(UnitKind::Commune), 34);
    let confirmed = org
        .units
        .values()
        .filter(|u| u.kind == UnitKind::Commune && u.valid_on(on) && u.verified)
        .count();
    assert_eq!(confirmed, 21);
    assert!(
        org.units
            .values()
            .filter(|u| !u.verified)
            .all(|u| !u.note.is_empty())
    );

    // Every commune is covered by exactly one post.
    let p = year(2023);
    for c in org
        .units
        .values()
        .filter(|u| u.kind == UnitKind::Commune && u.valid_on(on))
    {
        let posts: Vec<&Code> = org
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Coordination && l.to == c.code && l.valid_during(&p))
            .filter(|l| org.units[&l.from].kind == UnitKind::BorderPost)
            .map(|l| &l.from)
            .collect();
        assert_eq!(posts.len(), 1, "{} covered by {posts:?}", c.name);
    }
    // The province's markers run from 172 to 519/2.
    let markers: BTreeSet<&str> = org.markers.keys().map(|(_, n)| n.as_str()).collect();
    for m in ["172", "176", "177", "200", "224/2", "261", "424", "519/2"] {
        assert!(markers.contains(m), "marker {m}");
    }
    // Hà Giang and its districts end on 30 June 2025, with successors.
    let hg = &org.units[&Code::parse("HG").unwrap()];
    assert_eq!(hg.valid_to, Some(jiff::civil::date(2025, 6, 30)));
    assert_eq!(hg.successors, vec![Code::parse("TQ").unwrap()]);
    for u in org
        .units
        .values()
        .filter(|u| matches!(u.kind, UnitKind::District | UnitKind::Commune))
    {
        if u.valid_to.is_some() {
            assert!(!u.successors.is_empty(), "{} has successors", u.name);
        }
    }
    // After the reorganisation, every post answers to the new command and
    // covers new communes; the new Sơn Vĩ is covered by two posts.
    let after = Period::new(jiff::civil::date(2025, 8, 1), jiff::civil::date(2025, 8, 1)).unwrap();
    let tq = org.descendants(&Code::parse("BCH-TQ").unwrap(), &after);
    assert_eq!(
        tq.iter()
            .filter(|c| org.units[*c].kind == UnitKind::BorderPost)
            .count(),
        12
    );
    let son_vi = Code::parse("TQ-XA-SONVI").unwrap();
    let covering = org
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Coordination && l.to == son_vi && l.valid_during(&after))
        .count();
    assert_eq!(covering, 2);
}

/// Every marker stands in a commune its post coordinated with before
/// 1/7/2025, and every such commune holds some of the post's markers (the
/// demo's rule: the post's stretch cut into one run per commune).
#[test]
fn every_marker_stands_in_a_commune_of_its_post() {
    let org = org();
    let before = year(2024);
    let mut held: BTreeMap<&Code, BTreeSet<&Code>> = BTreeMap::new();
    for m in org.markers.values() {
        let c = m
            .commune
            .as_ref()
            .unwrap_or_else(|| panic!("marker {} has no commune", m.number));
        assert_eq!(org.units[c].kind, UnitKind::Commune);
        assert!(
            org.links.iter().any(|l| l.kind == LinkKind::Coordination
                && l.from == m.post
                && &l.to == c
                && l.valid_during(&before)),
            "marker {} of {} in {c}",
            m.number,
            m.post
        );
        held.entry(&m.post).or_default().insert(c);
    }
    for l in org.links.iter().filter(|l| {
        l.kind == LinkKind::Coordination
            && l.valid_during(&before)
            && org.units[&l.from].kind == UnitKind::BorderPost
            && org.units[&l.to].kind == UnitKind::Commune
    }) {
        assert!(
            held.get(&l.from).is_some_and(|s| s.contains(&l.to)),
            "{} holds no marker of {}",
            l.to,
            l.from
        );
    }
    // Sơn Vĩ post's markers are all in Sơn Vĩ commune, its only one.
    let son_vi = Code::parse("XA-SONVI").unwrap();
    assert!(
        org.markers
            .values()
            .filter(|m| m.post.as_str() == "BP-SONVI")
            .all(|m| m.commune.as_ref() == Some(&son_vi))
    );
}

/// The 1 July 2025 reorganisation is one change set, the file shipped in
/// docs/examples; over the organisation before it, it is valid, and what it
/// writes is the organisation of the plain records: every unit and link the
/// same on any day.
#[test]
fn the_2025_reorganisation_is_one_change_set_as_shipped() {
    let stages = ha_giang_stages();
    let set = &stages.reorganisation;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/examples/ha-giang-2025.json");
    let shipped = std::fs::read_to_string(&path).unwrap_or_default();
    let expected = serde_json::to_string_pretty(set).unwrap() + "\n";
    assert!(
        shipped == expected,
        "{} differs from the demo's change set:\n{expected}",
        path.display()
    );
    assert_eq!(set.effective, jiff::civil::date(2025, 7, 1));
    let ops: BTreeMap<&str, usize> = set.changes.iter().fold(BTreeMap::new(), |mut m, c| {
        *m.entry(c.op()).or_default() += 1;
        m
    });
    assert_eq!(
        ops,
        BTreeMap::from([("abolish", 7), ("create", 19), ("merge", 19)])
    );

    // The set over the organisation before it.
    let mut before = common::Replay::default();
    for r in &stages.before {
        before.create(r).unwrap();
    }
    let plan = set.plan(&before.org, &BTreeMap::new()).unwrap();
    let mut after = before.org.clone();
    for u in &plan.units {
        after.units.insert(u.code.clone(), u.clone());
    }
    for (was, now) in &plan.ended_links {
        let i = after.links.iter().position(|l| l == was).unwrap();
        after.links[i] = now.clone();
    }
    after.links.extend(plan.new_links.iter().cloned());
    // The records after it are valid against what it wrote.
    before.org = after.clone();
    for r in &stages.after {
        before.create(r).unwrap();
    }
    // The same organisation as the plain records give.
    let plain = common::replay(&ha_giang(), &ha_giang_edits()).org;
    let mut units: Vec<_> = after.units.values().collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    let mut expected_units: Vec<_> = plain.units.values().collect();
    expected_units.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(units, expected_units);
    let mut links = after.links.clone();
    let mut expected_links = plain.links.clone();
    let key = |l: &bienphong_domain::org::Link| format!("{l:?}");
    links.sort_by_key(key);
    expected_links.sort_by_key(key);
    assert_eq!(links, expected_links);
    assert_eq!(stages.after.first().map(|r| r.record_id), {
        let all = ha_giang();
        let n = all.len() - stages.after.len();
        Some(all[n].record_id)
    });
}

#[test]
fn the_2023_figures_are_the_articles() {
    let records = live(true);
    let t = totals(&records, year(2023));
    assert_eq!(headline(&t), (1_178, 7_511, 3_019, 100, 250));

    let micro = |item: &str| get(&t, &measure::seizure(&Code::parse(item).unwrap()));
    assert_eq!(micro("HEROIN"), 10_000_000);
    assert_eq!(micro("THUOCPHIEN"), 430_000);
    assert_eq!(micro("XEMAY"), 1_000_000);
    assert_eq!(micro("DIENTHOAI"), 3_000_000);
    let items: Vec<&String> = t
        .keys()
        .filter(|k| k.starts_with(measure::SEIZURE_PREFIX))
        .collect();
    assert_eq!(items.len(), 4, "no other seized items in 2023: {items:?}");

    // The edits leave every 2023 figure as it was.
    assert_eq!(totals(&live(false), year(2023)), t);
}

#[test]
fn no_patrol_or_case_carries_too_much_of_the_year() {
    let records = live(true);
    let p = year(2023);
    let org = org();
    let guards = border_guard_codes();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut per_post: BTreeMap<String, BTreeSet<i8>> = BTreeMap::new();
    for (_, c) in &records {
        let Content::Patrol(pt) = c else { continue };
        let total: u32 = pt.participants.iter().map(|f| f.persons).sum();
        let bg: u32 = pt
            .participants
            .iter()
            .filter(|f| guards.contains(&f.force))
            .map(|f| f.persons)
            .sum();
        assert!(
            (3..=15).contains(&total),
            "{total} people on {}",
            c.to_json()
        );
        assert!(bg >= 1);
        assert!((1..=3).contains(&pt.markers.len()));
        assert!(pt.partner_units.len() <= 2);
        if pt.kind == PatrolKind::PostOnly {
            assert_eq!(bg, total, "a post's own patrol has only its soldiers");
        }
        // Partners are communes the leading post covers.
        let mut leads = vec![pt.lead_unit.clone()];
        leads.extend(
            org.links
                .iter()
                .filter(|l| {
                    l.kind == LinkKind::MilitaryParent
                        && l.to == pt.lead_unit
                        && l.from.as_str().starts_with("BP-")
                })
                .map(|l| l.from.clone()),
        );
        for u in &pt.partner_units {
            assert_eq!(org.units[u].kind, UnitKind::Commune);
            assert!(
                org.links.iter().any(|l| l.kind == LinkKind::Coordination
                    && leads.contains(&l.from)
                    && &l.to == u
                    && l.valid_from.is_none_or(|f| f <= pt.date)
                    && l.valid_to.is_none_or(|t| pt.date <= t)),
                "{} is not covered by {}",
                u,
                pt.lead_unit
            );
        }
        if p.contains(pt.date) {
            assert!(
                i64::from(total) * 100 <= 7_511 + 3_019,
                "≤ 1% of the year's lượt"
            );
            *kinds.entry(pt.kind.as_str()).or_insert(0) += 1;
            let post = if pt.lead_unit.as_str().starts_with("TRAM-") {
                "BP-THANHTHUY".to_string()
            } else {
                pt.lead_unit.to_string()
            };
            let (_, month) = month_of(pt.date);
            per_post.entry(post).or_default().insert(month);
        }
    }
    assert!(
        kinds["joint"] > kinds["bilateral"] && kinds["bilateral"] > 0 && kinds["post_only"] > 0
    );
    assert_eq!(per_post.len(), 12);
    assert!(
        per_post.values().all(|months| months.len() == 12),
        "every post patrols every month"
    );

    let mut heroin = 0;
    let mut opium = 0;
    let mut phones = 0;
    let mut types = BTreeSet::new();
    let mut units = BTreeSet::new();
    for (_, c) in &records {
        let Content::Case(k) = c else { continue };
        if !p.contains(k.date) {
            continue;
        }
        assert!(
            k.subjects >= 1 && k.subjects * 100 <= 5 * 250,
            "≤ 5% of the subjects"
        );
        types.insert(k.case_type.to_string());
        units.insert(k.handling_unit.to_string());
        let has = |item: &str| k.seizures.iter().any(|s| s.item.as_str() == item);
        heroin += usize::from(has("HEROIN"));
        opium += usize::from(has("THUOCPHIEN"));
        phones += usize::from(has("DIENTHOAI"));
    }
    assert!(
        heroin >= 2 && opium >= 2 && phones >= 2,
        "{heroin} {opium} {phones}"
    );
    assert!(types.len() >= 5, "{types:?}");
    assert!(units.len() >= 10, "{units:?}");
}

/// The Decree 09 (year, month) of a day.
fn month_of(d: Date) -> (i16, i8) {
    if d.day() > 14 {
        if d.month() == 12 {
            (d.year() + 1, 1)
        } else {
            (d.year(), d.month() + 1)
        }
    } else {
        (d.year(), d.month())
    }
}

#[test]
fn every_commune_and_post_has_a_briefing_every_quarter_of_2023() {
    let records = live(true);
    let org = org();
    let on = jiff::civil::date(2023, 6, 1);
    let expected: BTreeSet<&Code> = org
        .units
        .values()
        .filter(|u| matches!(u.kind, UnitKind::Commune | UnitKind::BorderPost) && u.valid_on(on))
        .map(|u| &u.code)
        .collect();
    assert_eq!(expected.len(), 46);
    for q in 1..=4 {
        let quarter = Period::quarter(2023, q, Cutoff::Decree09);
        let mut present: BTreeSet<&Code> = BTreeSet::new();
        for (_, c) in &records {
            let Content::Meeting(m) = c else { continue };
            if m.meeting_type.as_str() != "GBQ" || !quarter.contains(m.date) {
                continue;
            }
            assert_eq!(
                (m.period_from, m.period_to),
                (Some(quarter.from), Some(quarter.to))
            );
            assert!((1..=3).contains(&m.actions.len()));
            assert!(m.attendance > 0 && !m.content.is_empty() && !m.lessons.is_empty());
            present.insert(&m.host_unit);
            present.extend(m.participant_units.iter());
        }
        let missing: Vec<&&Code> = expected.difference(&present).collect();
        assert!(
            missing.is_empty(),
            "quarter {q}: no briefing for {missing:?}"
        );
    }
    // The 2023 review conference, hosted by the command with the districts.
    let review: Vec<Date> = records
        .iter()
        .filter_map(|(_, c)| match c {
            Content::Meeting(m)
                if m.meeting_type.as_str() == "HNTK"
                    && m.period_from == Some(year(2023).from)
                    && m.host_unit.as_str() == "BCH-HG"
                    && m.participant_units.len() == 7 =>
            {
                Some(m.date)
            }
            _ => None,
        })
        .collect();
    assert_eq!(review, vec![jiff::civil::date(2024, 1, 16)]);
}

#[test]
fn the_other_work_of_2023_is_there() {
    let records = live(true);
    let p = year(2023);
    let t = totals(&records, p);
    assert!(get(&t, measure::DISASTER_PLANS) >= 12);
    assert!(get(&t, measure::DISASTER_RESPONSES) >= 1);
    assert!(get(&t, measure::DISASTER_MOBILISED) > 0 && get(&t, measure::DISASTER_RESCUED) > 0);
    assert!(get(&t, measure::PROPAGANDA_SESSIONS) > 100);
    assert!(get(&t, measure::DOCUMENT_RECIPIENTS) > get(&t, measure::DOCUMENT_ACKNOWLEDGED));
    assert!(get(&t, measure::DOCUMENT_ACKNOWLEDGED) > 0);
    assert!(sum_prefix(&t, measure::PROGRAMME_DISBURSED_PREFIX) > 0);

    // A plan carrying out 33-NQ/TW, sent to the posts, not all acknowledging.
    let plan = records.iter().find_map(|(_, c)| match c {
        Content::Document(d) if in_period(c, p) && d.title.as_str().contains("33-NQ/TW") => Some(d),
        _ => None,
    });
    let plan = plan.expect("a 2023 plan on 33-NQ/TW");
    assert_eq!(plan.recipients.len(), 12);
    assert!(plan.recipients.iter().any(|r| r.acknowledged_on.is_none()));

    // Children under "Nâng bước em tới trường" get 500.000 đồng a month and
    // every beneficiary's consent is recorded.
    let mut children = 0;
    for (_, c) in &records {
        match c {
            Content::Programme(pr) if pr.programme.as_str() == "NBETT" => {
                children += 1;
                assert_eq!(pr.monthly_amount.dong(), 500_000);
                assert_eq!(pr.beneficiary_kind, BeneficiaryKind::Child);
                assert!(pr.disbursements.len() >= 8);
            }
            Content::Beneficiary(b) => assert!(b.consent_on.is_some()),
            Content::Disaster(d) if d.kind == DisasterKind::Response => {
                assert!(d.persons_mobilised > 0)
            }
            _ => {}
        }
    }
    assert!(children >= 12);
}

#[test]
fn records_cross_the_year_boundaries_on_purpose() {
    let records = live(true);
    let dates: BTreeSet<Date> = records
        .iter()
        .filter(|(_, c)| matches!(c, Content::Patrol(_) | Content::Case(_)))
        .filter_map(|(_, c)| c.date())
        .collect();
    for d in [
        (2022, 12, 15),
        (2022, 12, 31),
        (2023, 12, 14),
        (2023, 12, 15),
    ] {
        let d = jiff::civil::date(d.0, d.1, d.2);
        assert!(dates.contains(&d), "a record on {d}");
    }
    // Calendar 2023 is not the Decree 09 year.
    let calendar = totals(&records, Period::year(2023, Cutoff::Calendar));
    assert_ne!(get(&calendar, measure::PATROL_COUNT), 1_178);
}

#[test]
fn the_years_around_2023_have_figures_of_their_own() {
    let records = live(true);
    let t23 = headline(&totals(&records, year(2023)));
    for y in [2022, 2024] {
        let t = totals(&records, year(y));
        let h = headline(&t);
        assert!(
            h.0 > 0 && h.1 > 0 && h.2 > 0 && h.3 > 0 && h.4 > 0,
            "{y}: {h:?}"
        );
        assert_ne!(h.0, t23.0);
        assert_ne!(h.1, t23.1);
        assert_ne!(h.3, t23.3);
        assert!(sum_prefix(&t, measure::SEIZURE_PREFIX) > 0);
        println!("{y}: {h:?}");
    }
    println!("2023: {t23:?}");
    let t25 = totals(&records, year(2025));
    assert!(get(&t25, measure::PATROL_COUNT) > 0, "work after July 2025");
}

#[test]
fn text_is_vietnamese_and_nfc() {
    let d = demo();
    let mut diacritics = 0;
    for r in &d.records {
        let json = r.content.to_json();
        let nfc = bienphong_domain::text::nfc(&json);
        assert_eq!(json, nfc);
        if json.contains('ư') || json.contains('ệ') || json.contains('đ') {
            diacritics += 1;
        }
    }
    assert!(diacritics > d.records.len() / 3);
}
