//! The conformance suite every Store implementation passes. Each test is
//! written once, generic over the store, and instantiated per backend at
//! the bottom of this file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

use bienphong_domain::facts::measure;
use bienphong_domain::org::Code;
use bienphong_domain::scope::Scope;
use bienphong_domain::{
    Content, Cutoff, NodeId, Period, Quantity, RecordId, RecordType, RevisionId,
};
use bienphong_store::{
    BlobStore, Conflict, Erasure, ListFilter, ListKey, NewBlob, PersonalStore, SqlStore, Store,
    StoreError, SubjectRequest, Write,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use std::collections::HashSet;

fn content(t: RecordType, v: serde_json::Value) -> Content {
    Content::from_json(t, &v.to_string()).expect("fixture parses")
}

fn new(t: RecordType, c: Content) -> Write {
    Write {
        record_id: RecordId::new(),
        record_type: t,
        content: Some(c),
        parent: None,
        resolves: Vec::new(),
        author: "tester".into(),
        created_ms: 1_700_000_000_000,
        revision_id: None,
    }
}

fn structure() -> Vec<Write> {
    let unit = |code: &str, kind: &str, name: &str| {
        new(
            RecordType::Unit,
            content(
                RecordType::Unit,
                json!({"code": code, "kind": kind, "name": name}),
            ),
        )
    };
    let entry = |cat: &str, code: &str, vi: &str, role: &str| {
        new(
            RecordType::Catalogue,
            content(
                RecordType::Catalogue,
                json!({"catalogue": cat, "code": code, "vi": vi, "en": code, "role": role}),
            ),
        )
    };
    vec![
        unit("HG", "province", "Hà Giang"),
        unit("BP-LC", "border_post", "Đồn Biên phòng Lũng Cú"),
        unit("XA-LC", "commune", "Lũng Cú"),
        unit("XA-ML", "commune", "Ma Lé"),
        entry("force", "BDBP", "Bộ đội Biên phòng", "border_guard"),
        entry("force", "DQ", "Dân quân", "none"),
        entry("case_type", "MATUY", "Ma túy", "none"),
        entry("seized_item", "THUOCPHIEN", "Thuốc phiện", "none"),
        entry("meeting_type", "GBQ", "Giao ban quý", "quarterly_briefing"),
    ]
}

fn patrol(day: &str, persons: u32, others: u32, partners: &[&str]) -> Content {
    content(
        RecordType::Patrol,
        json!({"date": day, "lead_unit": "BP-LC", "partner_units": partners, "kind": "joint",
               "participants": [{"force": "BDBP", "persons": persons}, {"force": "DQ", "persons": others}]}),
    )
}

fn case(day: &str, subjects: u32, opium: &str) -> Content {
    content(
        RecordType::Case,
        json!({"date": day, "handling_unit": "BP-LC", "case_type": "MATUY", "subjects": subjects,
               "seizures": [{"item": "THUOCPHIEN", "quantity": opium}]}),
    )
}

fn year2023() -> Period {
    Period::year(2023, Cutoff::Decree09)
}

async fn total<S: Store>(store: &S, name: &str, units: Option<Vec<Code>>) -> i64 {
    store
        .sum_measures(year2023(), units.map(Scope::from), false)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.measure == name)
        .map_or(0, |s| s.value)
}

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

pub async fn round_trip_of_every_record_type<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    let case_id = RecordId::new();
    let programme_id = RecordId::new();
    let mut case_write = new(RecordType::Case, case("2023-05-02", 3, "0.43"));
    case_write.record_id = case_id;
    let mut programme_write = new(
        RecordType::Programme,
        content(
            RecordType::Programme,
            json!({"programme": "X", "sponsor_unit": "BP-LC", "beneficiary_kind": "child",
            "start": "2023-01-01", "monthly_amount": 500000, "disbursements": [{"date": "2023-02-01", "amount": 500000}]}),
        ),
    );
    programme_write.record_id = programme_id;
    let samples = vec![
        new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &["XA-LC"])),
        case_write,
        new(
            RecordType::CaseSubjects,
            content(
                RecordType::CaseSubjects,
                json!({"case": case_id, "subjects": [{"name": "Nguyễn Văn A", "birth_year": 1990}]}),
            ),
        ),
        new(
            RecordType::Meeting,
            content(
                RecordType::Meeting,
                json!({"date": "2023-03-10", "meeting_type": "GBQ", "host_unit": "BP-LC", "host_body": "party_committee",
                "participant_units": ["XA-LC", "XA-ML"], "attendance": 25, "content": "Giao ban quý I",
                "actions": [{"text": "Tăng cường tuần tra", "owner_unit": "XA-LC", "due": "2023-06-14"}]}),
            ),
        ),
        new(
            RecordType::Document,
            content(
                RecordType::Document,
                json!({"date": "2023-02-01", "document_type": "KH", "number": "12/KH-BĐBP",
                "issuer": "Bộ Chỉ huy BĐBP tỉnh", "unit": "HG", "unit_body": "peoples_committee", "title": "Kế hoạch thực hiện Nghị quyết 33-NQ/TW",
                "recipients": [{"unit": "BP-LC", "acknowledged_on": "2023-02-03"}, {"unit": "XA-LC"}]}),
            ),
        ),
        programme_write,
        new(
            RecordType::Beneficiary,
            content(
                RecordType::Beneficiary,
                json!({"programme_record": programme_id, "name": "Cháu Lò Thị B", "consent_on": "2023-01-01"}),
            ),
        ),
        new(
            RecordType::Propaganda,
            content(
                RecordType::Propaganda,
                json!({"date": "2023-04-01", "unit": "BP-LC", "topic": "Luật Biên phòng Việt Nam",
                "sessions": 2, "listeners": 150}),
            ),
        ),
        new(
            RecordType::Disaster,
            content(
                RecordType::Disaster,
                json!({"date": "2023-07-20", "unit": "BP-LC", "kind": "response",
                "title": "Ứng phó sạt lở", "persons_mobilised": 40, "people_rescued": 3}),
            ),
        ),
    ];
    let expected: Vec<(RecordId, String)> = samples
        .iter()
        .map(|w| (w.record_id, w.content.as_ref().unwrap().to_json()))
        .collect();
    let revisions = store.commit(samples).await.unwrap();
    assert_eq!(revisions.len(), expected.len());
    for (id, json) in expected {
        let got = store.get(id).await.unwrap().expect("stored");
        assert_eq!(got.content, json);
        let reparsed = Content::from_json(got.record_type, &got.content).unwrap();
        assert_eq!(reparsed.to_json(), json, "canonical JSON is stable");
        let history = store.history(id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert!(history[0].parents.is_empty());
        assert_eq!(history[0].node_id, store.node_id());
    }
    // Restricted details are records of their own, found from their case.
    let subjects = store
        .list(ListFilter {
            subject_of: Some(case_id),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(subjects.len(), 1);
    assert_eq!(subjects[0].record_type, RecordType::CaseSubjects);
    assert!(
        store
            .history(case_id)
            .await
            .unwrap()
            .iter()
            .all(|r| !r.content.contains("Nguyễn"))
    );
    assert_eq!(total(&store, measure::DOCUMENT_ACKNOWLEDGED, None).await, 1);
    assert_eq!(total(&store, "programme.disbursed.X", None).await, 500_000);
    assert_eq!(total(&store, measure::DISASTER_RESCUED, None).await, 3);
}

/// Positions held on accounts are replaced as a whole, and a sign-off is
/// a record found by the record it answers (issue 16).
pub async fn positions_and_signoffs_are_kept<S: Store + bienphong_store::AccountStore>(store: S) {
    use bienphong_store::User;
    store.commit(structure()).await.unwrap();
    let user = User {
        id: "u-ky".into(),
        username: "dn-ky".into(),
        display_name: "Đồn trưởng".into(),
        password_hash: "$argon2id$…".into(),
        role: "reader".into(),
        unit: "BP-LC".into(),
        restricted: false,
        disabled: false,
        failed_logins: 0,
        locked_until_ms: 0,
        created_ms: 1,
    };
    store.create_user(&user).await.unwrap();
    let held = |p: &str, u: &str| (p.to_string(), u.to_string());
    store
        .set_positions(
            "u-ky",
            &[held("commander", "BP-LC"), held("party_secretary", "XA-LC")],
        )
        .await
        .unwrap();
    store
        .set_positions("u-ky", &[held("commander", "BP-LC")])
        .await
        .unwrap();
    assert_eq!(
        store.positions().await.unwrap(),
        vec![(
            "u-ky".to_string(),
            "commander".to_string(),
            "BP-LC".to_string()
        )]
    );
    let doc = new(
        RecordType::Document,
        content(
            RecordType::Document,
            json!({"date": "2023-02-01", "document_type": "KH", "issuer": "Đồn",
            "unit": "BP-LC", "title": "Kế hoạch chung",
            "signers": [{"position": "commander", "unit": "BP-LC"}]}),
        ),
    );
    let doc_id = doc.record_id;
    let rev = store.commit(vec![doc]).await.unwrap().remove(0);
    let answer = new(
        RecordType::Signoff,
        content(
            RecordType::Signoff,
            json!({"record": doc_id, "revision": rev.id, "date": "2023-02-02", "unit": "BP-LC",
            "position": "commander", "signer": "dn-ky", "decision": "signed"}),
        ),
    );
    let json = answer.content.as_ref().unwrap().to_json();
    store.commit(vec![answer]).await.unwrap();
    let found = store
        .list(ListFilter {
            record_type: Some(RecordType::Signoff),
            subject_of: Some(doc_id),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].content, json);
}

/// Every record of a collection, read page by page, each page going on
/// after the last record of the one before.
async fn walk<S: Store>(store: &S, t: RecordType, limit: u32) -> Vec<ListKey> {
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list(ListFilter {
                record_type: Some(t),
                limit: Some(limit),
                after,
                ..ListFilter::default()
            })
            .await
            .unwrap();
        seen.extend(page.iter().map(ListKey::of));
        match page.last() {
            Some(last) if page.len() == limit as usize => after = Some(ListKey::of(last)),
            _ => return seen,
        }
    }
}

/// The list's order is total and the same on both backends (undated
/// records first, then by day, then by id), and a page after a key
/// continues exactly there: records added before the key are not seen,
/// records deleted ahead are not, and nothing is seen twice.
pub async fn lists_page_by_key_in_one_total_order<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    let unit = |code: &str, from: Option<&str>| {
        let mut v = json!({"code": code, "kind": "commune", "name": code});
        if let Some(day) = from {
            v["valid_from"] = json!(day);
        }
        new(RecordType::Unit, content(RecordType::Unit, v))
    };
    // Undated and dated units, several on the same day: ties only the id
    // can break.
    let mut writes = Vec::new();
    for i in 0..5 {
        writes.push(unit(&format!("XA-U{i}"), None));
        writes.push(unit(&format!("XA-A{i}"), Some("2020-01-01")));
        writes.push(unit(&format!("XA-B{i}"), Some("2021-06-30")));
    }
    store.commit(writes).await.unwrap();
    let all = store
        .list(ListFilter {
            record_type: Some(RecordType::Unit),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    let keys: Vec<ListKey> = all.iter().map(ListKey::of).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "the store's order is the key's order");
    assert!(keys[0].day.is_none(), "undated records come first");
    assert_eq!(walk(&store, RecordType::Unit, 2).await, keys);
    assert_eq!(walk(&store, RecordType::Unit, 1).await, keys);

    // After an undated key, after a dated one: what follows, nothing else.
    for at in [2, 7, 12, keys.len() - 1] {
        let rest = store
            .list(ListFilter {
                record_type: Some(RecordType::Unit),
                after: Some(keys[at]),
                ..ListFilter::default()
            })
            .await
            .unwrap();
        let rest: Vec<ListKey> = rest.iter().map(ListKey::of).collect();
        assert_eq!(rest, keys[at + 1..], "after {:?}", keys[at]);
    }

    // The key of a record deleted meanwhile still says where to go on.
    let gone = all[7].clone();
    store
        .commit(vec![Write {
            record_id: gone.record_id,
            record_type: RecordType::Unit,
            content: None,
            parent: Some(gone.revision_id),
            resolves: Vec::new(),
            author: "tester".into(),
            created_ms: 1_700_000_100_000,
            revision_id: None,
        }])
        .await
        .unwrap();
    let rest = store
        .list(ListFilter {
            record_type: Some(RecordType::Unit),
            after: Some(keys[7]),
            limit: Some(3),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    let rest: Vec<ListKey> = rest.iter().map(ListKey::of).collect();
    assert_eq!(rest, keys[8..11]);
}

pub async fn edits_append_and_deletes_keep_history<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    let w = new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &[]));
    let id = w.record_id;
    let first = store.commit(vec![w]).await.unwrap().remove(0);
    assert_eq!(total(&store, "patrol.force.BDBP", None).await, 6);

    let edit = Write {
        record_id: id,
        record_type: RecordType::Patrol,
        content: Some(patrol("2023-03-05", 8, 3, &[])),
        parent: Some(first.id),
        resolves: Vec::new(),
        author: "editor".into(),
        created_ms: 1_700_000_100_000,
        revision_id: None,
    };
    let second = store.commit(vec![edit]).await.unwrap().remove(0);
    assert_eq!(second.parents, vec![first.id]);
    assert_eq!(total(&store, "patrol.force.BDBP", None).await, 8);
    assert_eq!(store.get(id).await.unwrap().unwrap().revision_id, second.id);

    let tombstone = Write {
        record_id: id,
        record_type: RecordType::Patrol,
        content: None,
        parent: Some(second.id),
        resolves: Vec::new(),
        author: "editor".into(),
        created_ms: 1_700_000_200_000,
        revision_id: None,
    };
    let third = store.commit(vec![tombstone]).await.unwrap().remove(0);
    assert!(third.deleted);
    assert!(store.get(id).await.unwrap().is_none());
    assert!(store.head(id).await.unwrap().unwrap().deleted);
    assert_eq!(total(&store, measure::PATROL_COUNT, None).await, 0);
    let history = store.history(id).await.unwrap();
    assert_eq!(
        history.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![first.id, second.id, third.id]
    );
    assert!(
        history[0].content.contains("\"persons\":6"),
        "the first revision is unchanged"
    );

    let late_edit = Write {
        record_id: id,
        record_type: RecordType::Patrol,
        content: Some(patrol("2023-03-05", 9, 3, &[])),
        parent: Some(third.id),
        resolves: Vec::new(),
        author: "editor".into(),
        created_ms: 1_700_000_300_000,
        revision_id: None,
    };
    assert!(matches!(
        store.commit(vec![late_edit]).await,
        Err(StoreError::Deleted(_))
    ));
}

pub async fn stale_edits_are_refused_and_nothing_is_written<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    let w = new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &[]));
    let id = w.record_id;
    let first = store.commit(vec![w]).await.unwrap().remove(0);
    let edit = |persons, parent| Write {
        record_id: id,
        record_type: RecordType::Patrol,
        content: Some(patrol("2023-03-05", persons, 3, &[])),
        parent: Some(parent),
        resolves: Vec::new(),
        author: "a".into(),
        created_ms: 0,
        revision_id: None,
    };
    store.commit(vec![edit(7, first.id)]).await.unwrap();
    let before = store.revision_count().await.unwrap();
    let stale = store.commit(vec![edit(9, first.id)]).await;
    assert!(matches!(stale, Err(StoreError::Stale { .. })), "{stale:?}");
    assert_eq!(store.revision_count().await.unwrap(), before);
    assert_eq!(total(&store, "patrol.force.BDBP", None).await, 7);
}

pub async fn a_failing_batch_writes_nothing<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    let existing = new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &[]));
    store.commit(vec![existing.clone()]).await.unwrap();
    let before = store.revision_count().await.unwrap();
    let snapshot = store.derived_snapshot().await.unwrap();
    let good = new(RecordType::Patrol, patrol("2023-04-05", 5, 1, &[]));
    let good_id = good.record_id;
    let result = store.commit(vec![good, existing]).await;
    assert!(matches!(result, Err(StoreError::AlreadyExists(_))));
    assert_eq!(store.revision_count().await.unwrap(), before);
    assert!(store.get(good_id).await.unwrap().is_none());
    assert_eq!(store.derived_snapshot().await.unwrap(), snapshot);
}

pub async fn decimal_sums_are_exact<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    store
        .commit(vec![
            new(RecordType::Case, case("2023-02-01", 1, "0.1")),
            new(RecordType::Case, case("2023-02-02", 1, "0.2")),
        ])
        .await
        .unwrap();
    let micro = total(&store, "seizure.THUOCPHIEN", None).await;
    assert_eq!(Quantity::from_micro(micro).to_string(), "0.3");
}

pub async fn joint_records_count_once_per_scope<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    store
        .commit(vec![
            new(
                RecordType::Patrol,
                patrol("2023-03-05", 6, 3, &["XA-LC", "XA-ML"]),
            ),
            new(RecordType::Patrol, patrol("2023-03-06", 4, 0, &[])),
        ])
        .await
        .unwrap();
    let all = Some(vec![code("BP-LC"), code("XA-LC"), code("XA-ML")]);
    assert_eq!(total(&store, measure::PATROL_COUNT, all).await, 2);
    assert_eq!(
        total(&store, measure::PATROL_COUNT, Some(vec![code("XA-LC")])).await,
        1
    );
    assert_eq!(
        total(&store, measure::PATROL_COUNT, Some(vec![code("HG")])).await,
        0
    );
    let listed = store
        .list(ListFilter {
            record_type: Some(RecordType::Patrol),
            units: Some(vec![code("XA-ML")].into()),
            ..ListFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    let by_lead = store.sum_measures(year2023(), None, true).await.unwrap();
    let count = by_lead
        .iter()
        .find(|s| s.measure == measure::PATROL_COUNT && s.lead_unit == Some(code("BP-LC")))
        .unwrap();
    assert_eq!(count.value, 2);
}

/// A post under the province until 30/6/2023 and a commune under it from
/// 2/7/2023: a scope counts each record only on its units' days, in sums,
/// lists and counts of records in force alike.
pub async fn a_scope_counts_a_record_only_on_its_units_days<S: Store>(store: S) {
    use bienphong_domain::org::{Link, LinkKind, Org};
    store.commit(structure()).await.unwrap();
    let day = |s: &str| jiff::civil::Date::strptime("%Y-%m-%d", s).unwrap();
    let mut org = Org::default();
    for row in structure() {
        if let Some(Content::Unit(u)) = row.content {
            org.units.insert(u.code.clone(), u);
        }
    }
    let link = |kind, to: &str, from: Option<&str>, until: Option<&str>| Link {
        kind,
        from: code("HG"),
        to: code(to),
        valid_from: from.map(day),
        valid_to: until.map(day),
        verified: true,
    };
    org.links = vec![
        link(LinkKind::MilitaryParent, "BP-LC", None, Some("2023-06-30")),
        link(LinkKind::CivilParent, "XA-ML", Some("2023-07-02"), None),
    ];
    let scope = Scope::of(
        &org,
        &code("HG"),
        &Period::new(day("2000-01-01"), day("2100-12-31")).unwrap(),
    );

    let counted = [
        new(RecordType::Patrol, patrol("2023-03-05", 1, 0, &[])),
        new(RecordType::Patrol, patrol("2023-06-30", 1, 0, &[])),
        // Under two units in the scope on that day: counted once.
        new(RecordType::Patrol, patrol("2023-06-29", 1, 0, &["XA-ML"])),
        new(RecordType::Patrol, patrol("2023-07-02", 1, 0, &["XA-ML"])),
    ];
    let not_counted = [
        new(RecordType::Patrol, patrol("2023-07-01", 1, 0, &[])),
        new(RecordType::Patrol, patrol("2023-07-20", 1, 0, &[])),
        new(RecordType::Patrol, patrol("2023-07-01", 1, 0, &["XA-ML"])),
    ];
    let mut expected: Vec<RecordId> = counted.iter().map(|w| w.record_id).collect();
    expected.sort();
    store
        .commit(counted.into_iter().chain(not_counted).collect())
        .await
        .unwrap();

    let sum = |period: Period| {
        let scope = scope.clone();
        let store = &store;
        async move {
            store
                .sum_measures(period, Some(scope), false)
                .await
                .unwrap()
                .into_iter()
                .find(|s| s.measure == measure::PATROL_COUNT)
                .map_or(0, |s| s.value)
        }
    };
    let list = |period: Option<Period>| {
        let scope = scope.clone();
        let store = &store;
        async move {
            let mut ids: Vec<RecordId> = store
                .list(ListFilter {
                    record_type: Some(RecordType::Patrol),
                    period,
                    units: Some(scope),
                    ..ListFilter::default()
                })
                .await
                .unwrap()
                .into_iter()
                .map(|r| r.record_id)
                .collect();
            ids.sort();
            ids
        }
    };
    assert_eq!(sum(year2023()).await, 4);
    assert_eq!(list(Some(year2023())).await, expected);
    assert_eq!(list(None).await, expected);
    // Cut at the move, each half agrees with the list of the same days.
    let first = Period::new(day("2022-12-15"), day("2023-06-30")).unwrap();
    let second = Period::new(day("2023-07-01"), day("2023-12-14")).unwrap();
    assert_eq!(sum(first).await, 3);
    assert_eq!(sum(second).await, 1);
    assert_eq!(list(Some(first)).await.len(), 3);
    assert_eq!(list(Some(second)).await.len(), 1);
    // Without a scope, every record.
    assert_eq!(total(&store, measure::PATROL_COUNT, None).await, 7);

    // A programme is counted while in force on a day its sponsor is in the
    // scope: one started before the move is, one started after is not.
    let programme = |start: &str| {
        new(
            RecordType::Programme,
            content(
                RecordType::Programme,
                json!({"programme": "X", "sponsor_unit": "BP-LC", "beneficiary_kind": "child",
                       "start": start, "monthly_amount": 500000}),
            ),
        )
    };
    store
        .commit(vec![programme("2023-01-01"), programme("2023-08-01")])
        .await
        .unwrap();
    let active = store
        .count_active(RecordType::Programme, year2023(), Some(scope.clone()))
        .await
        .unwrap();
    assert_eq!(active, vec![("X".to_string(), 1)]);
    let active = store
        .count_active(RecordType::Programme, second, Some(scope.clone()))
        .await
        .unwrap();
    assert!(active.is_empty(), "{active:?}");
}

pub async fn period_boundaries_follow_the_cutoff<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    store
        .commit(
            ["2022-12-14", "2022-12-15", "2023-12-14", "2023-12-15"]
                .iter()
                .map(|d| new(RecordType::Patrol, patrol(d, 1, 0, &[])))
                .collect(),
        )
        .await
        .unwrap();
    assert_eq!(total(&store, measure::PATROL_COUNT, None).await, 2);
    let calendar = store
        .sum_measures(Period::year(2023, Cutoff::Calendar), None, false)
        .await
        .unwrap();
    let n = calendar
        .iter()
        .find(|s| s.measure == measure::PATROL_COUNT)
        .unwrap()
        .value;
    assert_eq!(n, 2);

    // A custom range that cuts half-months reads whole half-months and the
    // edge days, and matches a count of the records in it.
    let days = [
        "2023-03-02",
        "2023-03-03",
        "2023-03-14",
        "2023-03-15",
        "2023-04-30",
        "2023-05-20",
        "2023-05-21",
    ];
    store
        .commit(
            days.iter()
                .map(|d| new(RecordType::Patrol, patrol(d, 1, 0, &[])))
                .collect(),
        )
        .await
        .unwrap();
    let range = Period::new(
        jiff::civil::date(2023, 3, 3),
        jiff::civil::date(2023, 5, 20),
    )
    .unwrap();
    let sums = store.sum_measures(range, None, false).await.unwrap();
    let n = sums
        .iter()
        .find(|s| s.measure == measure::PATROL_COUNT)
        .unwrap()
        .value;
    assert_eq!(n, 5);
}

/// A random mix of adds, edits and deletes, in batches of random size, leaves
/// derived tables equal to a rebuild from the revisions.
pub async fn derived_tables_equal_a_rebuild<S: Store>(store: S, seed: u64) {
    store.commit(structure()).await.unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut live: Vec<(RecordId, RecordType, bienphong_domain::RevisionId)> = Vec::new();
    let days = [
        "2022-12-20",
        "2023-01-05",
        "2023-06-30",
        "2023-12-14",
        "2023-12-15",
    ];
    for _ in 0..40 {
        let mut batch = Vec::new();
        let mut touched = std::collections::HashSet::new();
        for _ in 0..rng.random_range(1..6) {
            let choice = rng.random_range(0..10);
            let day = days[rng.random_range(0..days.len())];
            if choice < 5 || live.is_empty() {
                let (t, c) = if rng.random_bool(0.6) {
                    let partners: &[&str] = if rng.random_bool(0.5) {
                        &["XA-LC"]
                    } else {
                        &[]
                    };
                    (
                        RecordType::Patrol,
                        patrol(
                            day,
                            rng.random_range(1..10),
                            rng.random_range(0..5),
                            partners,
                        ),
                    )
                } else {
                    (
                        RecordType::Case,
                        case(
                            day,
                            rng.random_range(0..5),
                            &format!("0.{}", rng.random_range(1..99)),
                        ),
                    )
                };
                batch.push(new(t, c));
            } else {
                let i = rng.random_range(0..live.len());
                let (id, t, parent) = live[i];
                if !touched.insert(id) {
                    continue;
                }
                let c = if choice < 8 {
                    Some(match t {
                        RecordType::Patrol => patrol(
                            day,
                            rng.random_range(1..10),
                            rng.random_range(0..5),
                            &["XA-ML"],
                        ),
                        _ => case(day, rng.random_range(0..5), "1.5"),
                    })
                } else {
                    None
                };
                batch.push(Write {
                    record_id: id,
                    record_type: t,
                    content: c,
                    parent: Some(parent),
                    resolves: Vec::new(),
                    author: "mix".into(),
                    created_ms: 0,
                    revision_id: None,
                });
            }
        }
        for r in store.commit(batch).await.unwrap() {
            live.retain(|(id, _, _)| *id != r.record_id);
            if !r.deleted {
                live.push((r.record_id, r.record_type, r.id));
            }
        }
    }
    let maintained = store.derived_snapshot().await.unwrap();
    assert!(!maintained.facts.is_empty());
    assert!(store.verify_derived().await.unwrap());
    assert_eq!(
        store.derived_snapshot().await.unwrap(),
        maintained,
        "verifying changes nothing"
    );
    store.rebuild().await.unwrap();
    let rebuilt = store.derived_snapshot().await.unwrap();
    assert_eq!(maintained.heads, rebuilt.heads);
    assert_eq!(maintained.current, rebuilt.current);
    assert_eq!(maintained.facts, rebuilt.facts);
    assert_eq!(maintained.half_month_facts, rebuilt.half_month_facts);
    assert!(!maintained.half_month_facts.is_empty());
    assert_eq!(maintained.month_facts, rebuilt.month_facts);
    assert!(!maintained.month_facts.is_empty());
    assert_eq!(maintained.year_facts, rebuilt.year_facts);
    assert!(!maintained.year_facts.is_empty());
}

/// Every sum over `periods()`, whole and for a partner's scope, per leading
/// unit and in total, equals a plain sum of the daily facts.
async fn sums_agree_with_the_daily_facts<S: Store>(store: &S, stage: &str) {
    use std::collections::BTreeMap;
    let day = |s: &str| s.parse::<bienphong_domain::Date>().unwrap();
    let periods: Vec<Period> = [
        ("2022-12-14", "2025-01-01"),
        ("2022-12-15", "2024-12-31"),
        ("2024-02-29", "2024-02-29"),
        ("2022-12-31", "2022-12-31"),
        ("2022-12-31", "2023-01-01"),
        ("2023-03-02", "2023-03-14"),
        ("2023-03-10", "2023-03-20"),
        ("2023-02-28", "2023-03-01"),
        ("2023-03-14", "2023-03-15"),
        ("2024-02-15", "2024-02-29"),
        ("2023-12-14", "2024-03-01"),
        ("2023-01-01", "2024-12-14"),
        ("2022-12-20", "2024-12-20"),
    ]
    .into_iter()
    .map(|(a, b)| Period::new(day(a), day(b)).unwrap())
    .chain([2023, 2024].into_iter().flat_map(|y| {
        [Cutoff::Decree09, Cutoff::Calendar]
            .into_iter()
            .flat_map(move |c| {
                [
                    Period::year(y, c),
                    Period::quarter(y, 1, c),
                    Period::month(y, 3, c),
                ]
            })
    }))
    .collect();
    let facts = store.derived_snapshot().await.unwrap().facts;
    let mut counted = 0;
    for period in &periods {
        let (from, to) = (
            bienphong_domain::format::day_key(period.from),
            bienphong_domain::format::day_key(period.to),
        );
        for scope in [None, Some("XA-LC"), Some("XA-ML")] {
            for by_lead in [false, true] {
                let mut expected: BTreeMap<(String, Option<Code>), i64> = BTreeMap::new();
                for (d, measure, set, value) in &facts {
                    let mut units = set.split('|');
                    let lead = units.next().map(code);
                    if *d < from
                        || *d > to
                        || scope.is_some_and(|u| !set.split('|').any(|m| m == u))
                    {
                        continue;
                    }
                    let lead = if by_lead { lead } else { None };
                    *expected.entry((measure.clone(), lead)).or_default() += value;
                }
                expected.retain(|_, v| *v != 0);
                let got: BTreeMap<(String, Option<Code>), i64> = store
                    .sum_measures(*period, scope.map(|u| Scope::from(vec![code(u)])), by_lead)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|s| ((s.measure, s.lead_unit), s.value))
                    .collect();
                assert_eq!(
                    got, expected,
                    "{stage}: {period:?}, scope {scope:?}, by lead {by_lead}"
                );
                counted += expected.len();
            }
        }
    }
    assert!(counted > 100, "{stage}: the periods hold facts");
    assert!(
        store.verify_derived().await.unwrap(),
        "{stage}: equal to a rebuild"
    );

    // Programmes in force, from two sums of facts, equal a count of the
    // programmes themselves.
    let programmes: Vec<bienphong_domain::record::Programme> = store
        .list(ListFilter {
            record_type: Some(RecordType::Programme),
            ..ListFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(
            |r| match Content::from_json(RecordType::Programme, &r.content).unwrap() {
                Content::Programme(p) => p,
                other => panic!("not a programme: {other:?}"),
            },
        )
        .collect();
    let mut in_force = 0;
    for period in &periods {
        for scope in [None, Some("XA-LC"), Some("XA-ML"), Some("BP-LC")] {
            let mut expected: BTreeMap<String, i64> = BTreeMap::new();
            for p in &programmes {
                let named = std::iter::once(&p.sponsor_unit)
                    .chain(&p.partner_units)
                    .any(|u| scope.is_none_or(|s| u.as_str() == s));
                if named && p.start <= period.to && p.end.is_none_or(|e| e >= period.from) {
                    *expected.entry(p.programme.to_string()).or_default() += 1;
                }
            }
            let got: BTreeMap<String, i64> = store
                .count_active(
                    RecordType::Programme,
                    *period,
                    scope.map(|u| Scope::from(vec![code(u)])),
                )
                .await
                .unwrap()
                .into_iter()
                .collect();
            assert_eq!(
                got, expected,
                "{stage}: programmes in force {period:?}, {scope:?}"
            );
            in_force += expected.len();
        }
    }
    assert!(in_force > 20, "{stage}: programmes in force in the periods");
}

/// Sums over awkward periods — across month and year edges of both
/// cut-offs, single days, a leap day, inside one half-month, several years —
/// read from days, half-months, months and years, equal a plain sum of the
/// daily facts, after writes, edits, deletes and a purge.
pub async fn sums_over_any_period_equal_the_daily_facts<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    let days = [
        "2022-12-14",
        "2022-12-15",
        "2022-12-31",
        "2023-01-01",
        "2023-02-28",
        "2023-03-01",
        "2023-03-14",
        "2023-03-15",
        "2023-12-14",
        "2023-12-15",
        "2024-02-29",
        "2024-03-01",
        "2024-12-31",
        "2025-01-01",
    ];
    let mut live = Vec::new();
    for (i, day) in days.iter().enumerate() {
        let partners: &[&str] = if i % 2 == 0 { &["XA-LC"] } else { &[] };
        let n = i as u32;
        let written = store
            .commit(vec![
                new(RecordType::Patrol, patrol(day, 3 + n, n % 3, partners)),
                new(RecordType::Case, case(day, 1 + n % 3, "0.5")),
            ])
            .await
            .unwrap();
        live.extend(
            written
                .into_iter()
                .map(|r| (r.record_id, r.record_type, r.id)),
        );
    }
    // Programmes of two kinds started on each day, some ended a few days
    // later, some still in force.
    let programme = |i: usize, end: Option<&str>| {
        let mut v = json!({"programme": if i.is_multiple_of(2) { "X" } else { "Y" },
                           "sponsor_unit": "BP-LC", "beneficiary_kind": "child",
                           "start": days[i], "monthly_amount": 500000});
        if i.is_multiple_of(2) {
            v["partner_units"] = json!(["XA-LC"]);
        }
        if let Some(end) = end {
            v["end"] = json!(end);
        }
        content(RecordType::Programme, v)
    };
    let programmes: Vec<(RecordId, RecordType, RevisionId)> = store
        .commit(
            (0..days.len())
                .map(|i| {
                    let end = (i % 3 != 2).then(|| days[(i + 3).min(days.len() - 1)]);
                    new(RecordType::Programme, programme(i, end))
                })
                .collect(),
        )
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.record_id, r.record_type, r.id))
        .collect();
    sums_agree_with_the_daily_facts(&store, "after writes").await;

    let change = |(record_id, record_type, parent): (RecordId, RecordType, RevisionId),
                  content: Option<Content>| Write {
        record_id,
        record_type,
        content,
        parent: Some(parent),
        resolves: Vec::new(),
        author: "tester".into(),
        created_ms: 0,
        revision_id: None,
    };
    // Moved across a year edge, onto the leap day and into another scope.
    store
        .commit(vec![
            change(live[0], Some(patrol("2024-02-29", 9, 2, &["XA-ML"]))),
            change(live[3], Some(case("2023-12-15", 4, "2.25"))),
            // Ended later, no longer ended, ended at last.
            change(programmes[0], Some(programme(0, Some("2024-12-31")))),
            change(programmes[1], Some(programme(1, None))),
            change(programmes[2], Some(programme(2, Some("2023-12-14")))),
        ])
        .await
        .unwrap();
    sums_agree_with_the_daily_facts(&store, "after edits").await;

    store
        .commit(vec![
            change(live[4], None),
            change(live[9], None),
            change(programmes[4], None),
        ])
        .await
        .unwrap();
    sums_agree_with_the_daily_facts(&store, "after deletes").await;

    store
        .purge(
            &[live[6].0, live[11].0, programmes[7].0],
            "out_of_scope",
            42,
        )
        .await
        .unwrap();
    sums_agree_with_the_daily_facts(&store, "after a purge").await;
}

/// The units counted by a measure over a period are those of the live
/// records it counts dated within it: a deleted or an edited-away meeting
/// no longer names its units.
pub async fn units_counted_are_those_of_live_records_in_the_period<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    let meeting = |day: &str, partners: &[&str]| {
        content(
            RecordType::Meeting,
            json!({"date": day, "meeting_type": "GBQ", "host_unit": "BP-LC",
                   "participant_units": partners, "attendance": 10, "content": "Giao ban"}),
        )
    };
    let written = store
        .commit(vec![
            new(RecordType::Meeting, meeting("2023-03-14", &["XA-LC"])),
            new(RecordType::Meeting, meeting("2023-03-15", &["XA-ML"])),
        ])
        .await
        .unwrap();
    let briefing = measure::meeting_count(&code("GBQ"));
    let q1 = Period::quarter(2023, 1, Cutoff::Decree09);
    let q2 = Period::quarter(2023, 2, Cutoff::Decree09);
    let units = |v: &[&str]| {
        v.iter()
            .map(|c| code(c))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(
        store.units_counted(&briefing, q1, None).await.unwrap(),
        units(&["BP-LC", "XA-LC"])
    );
    assert_eq!(
        store.units_counted(&briefing, q2, None).await.unwrap(),
        units(&["BP-LC", "XA-ML"])
    );
    assert_eq!(
        store
            .units_counted(measure::PATROL_COUNT, q1, None)
            .await
            .unwrap(),
        units(&[])
    );
    // For a scope, the sets that name one of its units.
    let scope = |u: &str| Some(Scope::from(vec![code(u)]));
    assert_eq!(
        store
            .units_counted(&briefing, q2, scope("XA-ML"))
            .await
            .unwrap(),
        units(&["BP-LC", "XA-ML"])
    );
    assert_eq!(
        store
            .units_counted(&briefing, q2, scope("XA-LC"))
            .await
            .unwrap(),
        units(&[])
    );
    assert_eq!(
        store
            .units_counted(&briefing, q1, scope("BP-LC"))
            .await
            .unwrap(),
        units(&["BP-LC", "XA-LC"])
    );
    // Moved out of the first quarter, then the other deleted.
    let edit = |r: &bienphong_domain::Revision, c: Option<Content>| Write {
        record_id: r.record_id,
        record_type: r.record_type,
        content: c,
        parent: Some(r.id),
        resolves: Vec::new(),
        author: "tester".into(),
        created_ms: 0,
        revision_id: None,
    };
    store
        .commit(vec![
            edit(&written[0], Some(meeting("2023-03-20", &["XA-LC"]))),
            edit(&written[1], None),
        ])
        .await
        .unwrap();
    assert_eq!(
        store.units_counted(&briefing, q1, None).await.unwrap(),
        units(&[])
    );
    assert_eq!(
        store.units_counted(&briefing, q2, None).await.unwrap(),
        units(&["BP-LC", "XA-LC"])
    );
}

pub async fn node_id_is_kept<S: Store>(store: S, reopened: S) {
    let a: NodeId = store.node_id();
    assert_eq!(a, reopened.node_id());
}

/// Many writers at once, adding records and editing the same few records:
/// every acknowledged revision is stored, each record's history is one
/// unbroken chain, and stale edits are refused rather than lost.
pub async fn concurrent_writers_lose_nothing(store: SqlStore) {
    let store = std::sync::Arc::new(store);
    store.commit(structure()).await.unwrap();
    let shared: Vec<Write> = (0..8)
        .map(|i| new(RecordType::Patrol, patrol("2023-05-05", 1 + i, 0, &[])))
        .collect();
    let shared_ids: Vec<RecordId> = shared.iter().map(|w| w.record_id).collect();
    store.commit(shared).await.unwrap();
    let before = store.revision_count().await.unwrap();

    let mut tasks = Vec::new();
    for t in 0..32u64 {
        let store = store.clone();
        let ids = shared_ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = ChaCha8Rng::seed_from_u64(t);
            let (mut written, mut stale) = (0u64, 0u64);
            for _ in 0..12 {
                if rng.random_bool(0.3) {
                    let w = new(
                        RecordType::Patrol,
                        patrol("2023-06-01", rng.random_range(1..9), 1, &[]),
                    );
                    store.commit(vec![w]).await.unwrap();
                    written += 1;
                    continue;
                }
                let id = ids[rng.random_range(0..ids.len())];
                let head = store.head(id).await.unwrap().unwrap();
                let edit = Write {
                    record_id: id,
                    record_type: RecordType::Patrol,
                    content: Some(patrol("2023-05-05", rng.random_range(1..9), 2, &[])),
                    parent: Some(head.revision_id),
                    resolves: Vec::new(),
                    author: format!("task{t}"),
                    created_ms: 0,
                    revision_id: None,
                };
                match store.commit(vec![edit]).await {
                    Ok(_) => written += 1,
                    Err(StoreError::Stale { .. }) => stale += 1,
                    Err(e) => panic!("{e}"),
                }
            }
            (written, stale)
        }));
    }
    let mut written = 0;
    for t in tasks {
        written += t.await.unwrap().0;
    }
    assert_eq!(store.revision_count().await.unwrap(), before + written);
    for id in shared_ids {
        let history = store.history(id).await.unwrap();
        for pair in history.windows(2) {
            assert_eq!(pair[1].parents, vec![pair[0].id], "one unbroken chain");
        }
        let head = store.head(id).await.unwrap().unwrap();
        assert_eq!(head.revision_id, history.last().unwrap().id);
    }
    assert!(store.verify_derived().await.unwrap());
}

/// Pulls everything after `cursor` as a node does, moving the cursor to
/// the highest sequence number seen; returns the revisions' ids.
async fn pull_all(store: &SqlStore, cursor: &mut i64) -> Vec<RevisionId> {
    let mut ids = Vec::new();
    loop {
        let page = store.revisions_after(*cursor, 1000).await.unwrap();
        let Some((last, _)) = page.last() else {
            return ids;
        };
        *cursor = *last;
        ids.extend(page.into_iter().map(|(_, r)| r.id));
    }
}

/// A pull while a writer is still in its transaction returns what is
/// committed, and its cursor never passes the writer's revisions: the next
/// pull brings them (docs/sync-protocol.md §2). On PostgreSQL the slow
/// writer is held inside the store's own commit (a row it must update is
/// locked from outside) while another writer commits after it started.
pub async fn a_pull_never_passes_a_revision_not_yet_committed(db: &Db) {
    // A record that shares no derived row with a patrol.
    let quick_write = || {
        new(
            RecordType::Unit,
            content(
                RecordType::Unit,
                json!({"code": "XA-TL", "kind": "commune", "name": "Thanh Long"}),
            ),
        )
    };
    use sqlx::Connection;
    let store = std::sync::Arc::new(db.open().await);
    store.commit(structure()).await.unwrap();
    let slow = new(RecordType::Patrol, patrol("2023-05-05", 4, 1, &[]));
    let slow_id = slow.record_id;
    let first = store.commit(vec![slow]).await.unwrap();
    let mut cursor = 0;
    let mut held: std::collections::HashSet<RevisionId> =
        pull_all(&store, &mut cursor).await.into_iter().collect();
    assert!(held.contains(&first[0].id));

    sqlx::any::install_default_drivers();
    let mut blocker = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    let late_id;
    let other_writer;
    if db.is_postgres() {
        sqlx::query("BEGIN").execute(&mut blocker).await.unwrap();
        sqlx::query("SELECT record_id FROM current_records WHERE record_id = $1 FOR UPDATE")
            .bind(slow_id.to_string())
            .fetch_all(&mut blocker)
            .await
            .unwrap();
        let edit = Write {
            record_id: slow_id,
            record_type: RecordType::Patrol,
            content: Some(patrol("2023-05-05", 5, 1, &[])),
            parent: Some(first[0].id),
            resolves: Vec::new(),
            author: "slow".into(),
            created_ms: 0,
            revision_id: Some(RevisionId::new()),
        };
        late_id = edit.revision_id.unwrap();
        let s = store.clone();
        let slow_writer = tokio::spawn(async move { s.commit(vec![edit]).await.unwrap() });
        // Until the slow writer waits on the locked row, inside its commit.
        let mut waiting = false;
        for _ in 0..200 {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND wait_event_type = 'Lock'",
            )
            .fetch_one(&mut blocker)
            .await
            .unwrap();
            if n > 0 {
                waiting = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(waiting, "the slow writer reached the locked row");
        // Another writer starts later and commits first.
        let quick = store.commit(vec![quick_write()]).await.unwrap();
        let pulled = pull_all(&store, &mut cursor).await;
        assert_eq!(
            pulled,
            vec![quick[0].id],
            "what is committed, and only that"
        );
        held.extend(pulled);
        other_writer = slow_writer;
    } else {
        // SQLite has one writer at a time: the slow writer's revision sits
        // in its open transaction; the store's writer waits behind it.
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut blocker)
            .await
            .unwrap();
        late_id = RevisionId::new();
        sqlx::query(
            "INSERT INTO revisions (id, record_id, record_type, parents, node_id, author, created_ms, deleted, content) \
             SELECT $1, record_id, record_type, '[]', node_id, 'slow', 0, deleted, content FROM revisions WHERE id = $2",
        )
        .bind(late_id.to_string())
        .bind(first[0].id.to_string())
        .execute(&mut blocker)
        .await
        .unwrap();
        let s = store.clone();
        other_writer = tokio::spawn(async move { s.commit(vec![quick_write()]).await.unwrap() });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert_eq!(
            pull_all(&store, &mut cursor).await,
            Vec::<RevisionId>::new()
        );
    }
    assert!(!held.contains(&late_id));
    // The slow writer commits (on PostgreSQL: the row is let go).
    sqlx::query("COMMIT").execute(&mut blocker).await.unwrap();
    let written = other_writer.await.unwrap();
    held.extend(pull_all(&store, &mut cursor).await);
    assert!(held.contains(&late_id), "the late revision is pulled");
    assert!(held.contains(&written[0].id));
    assert_eq!(held.len() as u64, store.revision_count().await.unwrap());
}

/// A record keeps its type: `import` refuses a revision that would change
/// it, and a history changed behind the store's back is found by
/// `records_of_mixed_type` (what `store check` reports).
pub async fn a_record_keeps_its_type(db: &Db) {
    let s = db.open().await;
    s.commit(structure()).await.unwrap();
    let made = s
        .commit(vec![new(
            RecordType::Patrol,
            patrol("2023-05-05", 4, 1, &[]),
        )])
        .await
        .unwrap()
        .remove(0);
    assert!(s.records_of_mixed_type().await.unwrap().is_empty());
    let mut case_of_it = made.clone();
    case_of_it.id = RevisionId::new();
    case_of_it.parents = vec![made.id];
    case_of_it.record_type = RecordType::Case;
    case_of_it.content = case("2023-05-05", 1, "0.5").to_json();
    let err = s.import(vec![case_of_it.clone()]).await.unwrap_err();
    assert!(matches!(err, StoreError::WrongType { .. }), "{err}");
    assert_eq!(
        s.head(made.record_id).await.unwrap().unwrap().record_type,
        RecordType::Patrol
    );
    db.raw(&format!(
        "INSERT INTO revisions (id, record_id, record_type, parents, node_id, author, created_ms, deleted, content) \
         SELECT '{}', record_id, 'case', parents, node_id, author, created_ms, deleted, content \
         FROM revisions WHERE id = '{}'",
        case_of_it.id, made.id
    ))
    .await;
    assert_eq!(
        s.records_of_mixed_type().await.unwrap(),
        vec![made.record_id]
    );
}

/// A server notes who delivered each revision it receives, in the import's
/// transaction: only for revisions new to it, never for a batch it refuses,
/// and a rebuild keeps the notes (they are not derived).
pub async fn receipts_are_kept_for_received_revisions(s: SqlStore) {
    s.commit(structure()).await.unwrap();
    let made = s
        .commit(vec![new(
            RecordType::Patrol,
            patrol("2023-05-05", 4, 1, &[]),
        )])
        .await
        .unwrap()
        .remove(0);
    let mut pushed = made.clone();
    pushed.id = RevisionId::new();
    pushed.parents = vec![made.id];
    pushed.author = "admin".into();
    pushed.content = patrol("2023-05-05", 5, 1, &[]).to_json();
    let node = bienphong_domain::NodeId::new();
    let receipt = bienphong_store::Receipt {
        account: "token:node BP-LUNGCU".into(),
        node_id: Some(node),
        received_ms: 42,
    };
    let received = s
        .import_received(vec![made.clone(), pushed.clone()], &receipt)
        .await
        .unwrap();
    assert_eq!(received, 1);
    let receipts = s.receipts(made.record_id).await.unwrap();
    assert_eq!(receipts.len(), 1, "only the new revision: {receipts:?}");
    assert_eq!(receipts[&pushed.id], receipt);
    // Delivered again by someone else: already present, the note stays.
    let other = bienphong_store::Receipt {
        account: "token:other".into(),
        node_id: None,
        received_ms: 43,
    };
    s.import_received(vec![pushed.clone()], &other)
        .await
        .unwrap();
    let mut refused = pushed.clone();
    refused.id = RevisionId::new();
    refused.parents = vec![pushed.id];
    refused.record_type = RecordType::Case;
    refused.content = case("2023-05-05", 1, "0.5").to_json();
    assert!(
        s.import_received(vec![refused.clone()], &other)
            .await
            .is_err()
    );
    s.rebuild().await.unwrap();
    let receipts = s.receipts(made.record_id).await.unwrap();
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[&pushed.id], receipt);
    // The revision itself is stored as it came.
    assert_eq!(
        s.revisions_by_ids(&[pushed.id]).await.unwrap(),
        vec![pushed]
    );
}

// ---- Backends -------------------------------------------------------------

/// A database for one test: a SQLite file in a temporary directory, or a
/// PostgreSQL database created for the test and dropped after it.
pub struct Db {
    url: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    pub async fn sqlite() -> Option<Db> {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.sqlite").display());
        Some(Db {
            url,
            postgres: None,
            _dir: Some(dir),
        })
    }

    /// `None` when `BIENPHONG_TEST_PG` is not set.
    pub async fn postgres() -> Option<Db> {
        let Ok(admin) = std::env::var("BIENPHONG_TEST_PG") else {
            eprintln!("skipped: BIENPHONG_TEST_PG is not set");
            return None;
        };
        sqlx::any::install_default_drivers();
        let name = format!("bienphong_test_{}", uuid::Uuid::now_v7().simple());
        let pool = sqlx::AnyPool::connect(&admin)
            .await
            .expect("BIENPHONG_TEST_PG must be reachable");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let base = admin.split('?').next().unwrap();
        let url = format!("{}/{name}", &base[..base.rfind('/').unwrap()]);
        Some(Db {
            url,
            postgres: Some((admin, name)),
            _dir: None,
        })
    }

    pub async fn open(&self) -> SqlStore {
        SqlStore::connect(&self.url).await.unwrap()
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// Runs SQL behind the store's back (to damage it on purpose).
    pub async fn raw(&self, sql: &str) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside the test's runtime: a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}

pub async fn node_id_is_kept_on(db: &Db) {
    let a = db.open().await;
    let b = db.open().await;
    node_id_is_kept(a, b).await;
}

/// A derived table that drifted from the revisions is detected, and a
/// rebuild repairs it.
pub async fn verify_detects_drift_and_rebuild_repairs_it(db: &Db) {
    let s = db.open().await;
    s.commit(structure()).await.unwrap();
    s.commit(vec![new(
        RecordType::Patrol,
        patrol("2023-03-05", 6, 3, &[]),
    )])
    .await
    .unwrap();
    assert!(s.verify_derived().await.unwrap());
    s.close().await;
    for table in ["half_month_facts", "month_facts", "year_facts"] {
        db.raw(&format!("UPDATE {table} SET value = value + 1"))
            .await;
        let s = db.open().await;
        assert!(!s.verify_derived().await.unwrap(), "{table}");
        s.rebuild().await.unwrap();
        assert!(s.verify_derived().await.unwrap());
        s.close().await;
    }
}

/// A store whose fact rules changed (a row in `pending_rebuilds`, as a
/// migration leaves it) is rebuilt when it is next opened, once: the
/// programme that ended gains its `programme.ended.` fact.
pub async fn a_pending_rebuild_runs_at_the_next_open(db: &Db) {
    let s = db.open().await;
    s.commit(structure()).await.unwrap();
    s.commit(vec![new(
        RecordType::Programme,
        content(
            RecordType::Programme,
            json!({"programme": "X", "sponsor_unit": "BP-LC", "beneficiary_kind": "child",
                   "start": "2023-01-10", "end": "2023-02-20", "monthly_amount": 500000}),
        ),
    )])
    .await
    .unwrap();
    s.close().await;
    // As a store written before the rule: no fact of the programme's end.
    for table in [
        "daily_facts",
        "half_month_facts",
        "month_facts",
        "year_facts",
    ] {
        db.raw(&format!(
            "DELETE FROM {table} WHERE measure_id IN \
             (SELECT id FROM measures WHERE name = 'programme.ended.X')"
        ))
        .await;
    }
    db.raw("INSERT INTO pending_rebuilds (reason) VALUES ('test')")
        .await;
    let s = db.open().await;
    assert!(s.verify_derived().await.unwrap());
    let in_force = |from: &str, to: &str| {
        let s = &s;
        let period = Period::new(from.parse().unwrap(), to.parse().unwrap()).unwrap();
        async move {
            s.count_active(RecordType::Programme, period, None)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        in_force("2023-02-01", "2023-02-28").await,
        vec![("X".into(), 1)]
    );
    assert!(in_force("2023-03-01", "2023-03-31").await.is_empty());
    s.close().await;
    // Done once: drift made now is not repaired by another open.
    db.raw("UPDATE year_facts SET value = value + 1").await;
    let s = db.open().await;
    assert!(!s.verify_derived().await.unwrap());
    s.close().await;
}

/// A binary older than the database's schema refuses to run against it.
pub async fn a_newer_schema_is_refused(db: &Db) {
    db.open().await.close().await;
    let checksum = if db.is_postgres() {
        "'\\x00'::bytea"
    } else {
        "x'00'"
    };
    db.raw(&format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99999, 'from the future', TRUE, {checksum}, 0)"
    ))
    .await;
    match SqlStore::connect(&db.url).await {
        Err(StoreError::SchemaTooNew(99999)) => {}
        Err(e) => panic!("expected SchemaTooNew, got {e}"),
        Ok(_) => panic!("expected SchemaTooNew, the store opened"),
    }
}

pub async fn integrity_check_passes(db: &Db) {
    assert_eq!(db.open().await.integrity_check().await.unwrap(), "ok");
}

/// A store copied into another (maybe on the other backend) and back holds
/// the very same revisions, and the same derived figures.
pub async fn copies_keep_every_revision(db: &Db, other: &Db) {
    use bienphong_store::ImportStore;
    let a = db.open().await;
    a.commit(structure()).await.unwrap();
    let w = new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &["XA-LC"]));
    let id = w.record_id;
    let imported_case = new(RecordType::Case, case("2023-04-01", 2, "0.43"));
    let case_id = imported_case.record_id;
    // Written by an import: both get a base, which the copy must carry.
    let first = a
        .commit_import(vec![w, imported_case], HashSet::new(), vec![], None)
        .await
        .unwrap();
    let edit = Write {
        record_id: id,
        record_type: RecordType::Patrol,
        content: Some(patrol("2023-03-05", 7, 3, &["XA-LC"])),
        parent: Some(first[0]),
        resolves: Vec::new(),
        author: "editor".into(),
        created_ms: 5,
        revision_id: None,
    };
    let second = a.commit(vec![edit]).await.unwrap().remove(0);
    let tomb = Write {
        record_id: id,
        record_type: RecordType::Patrol,
        content: None,
        parent: Some(second.id),
        resolves: Vec::new(),
        author: "editor".into(),
        created_ms: 6,
        revision_id: None,
    };
    a.commit(vec![tomb]).await.unwrap();

    let b = other.open().await;
    let there = bienphong_store::copy(&a, &b, |_| {}).await.unwrap();
    let back_dir = Db::sqlite().await.unwrap();
    let c = back_dir.open().await;
    let back = bienphong_store::copy(&b, &c, |_| {}).await.unwrap();
    assert_eq!(there, back);
    let sorted = |mut v: Vec<bienphong_domain::Revision>| {
        v.sort_by_key(|r| r.id);
        v
    };
    assert_eq!(
        sorted(a.revisions().await.unwrap()),
        sorted(c.revisions().await.unwrap())
    );
    assert_eq!(
        a.derived_snapshot().await.unwrap().facts,
        c.derived_snapshot().await.unwrap().facts
    );
    assert_ne!(a.node_id(), c.node_id(), "each store keeps its own node id");
    assert!(c.head(id).await.unwrap().unwrap().deleted);
    // The import bases came along both ways: the case's base is still the
    // revision the import wrote, and the patrol deleted since that import is
    // still known as such, so a re-import into the copy is the same
    // three-way merge (not a restore, not a new record).
    assert_eq!(there.import_bases, 2);
    assert_eq!(back.import_bases, 2);
    let bases = c.import_bases(&[id, case_id]).await.unwrap();
    assert_eq!(bases, a.import_bases(&[id, case_id]).await.unwrap());
    assert_eq!(bases.get(&case_id), Some(&first[1]));
    assert_eq!(bases.get(&id), Some(&first[0]));
    let deleted = c.deleted_imports(RecordType::Patrol).await.unwrap();
    assert_eq!(
        deleted.iter().map(|d| d.record_id).collect::<Vec<_>>(),
        vec![id]
    );
    // Copying into a store that holds data is refused.
    assert!(matches!(
        bienphong_store::copy(&a, &c, |_| {}).await,
        Err(StoreError::TargetNotEmpty)
    ));
}

/// Each issuer's register numbers its documents 1, 2, 3… per style,
/// series and period, never twice, even when many ask at once; the same
/// issuer's state and Party registers are apart.
pub async fn the_document_register_never_repeats_a_number(store: SqlStore) {
    let store = std::sync::Arc::new(store);
    let next =
        |issuer: &'static str, style: &'static str, series: &'static str, period: &'static str| {
            let store = store.clone();
            async move {
                store
                    .next_document_number(issuer, style, series, period, taken)
                    .await
                    .unwrap()
            }
        };
    assert_eq!(next("BCH-HG", "state", "", "2024").await, 1);
    assert_eq!(next("BCH-HG", "state", "", "2024").await, 2);
    assert_eq!(next("BCH-HG", "state", "mật", "2024").await, 1);
    assert_eq!(next("BCH-HG", "state", "", "2025").await, 1);
    assert_eq!(next("BCH-HG", "party", "", "2024").await, 1, "per style");
    assert_eq!(next("ĐU-BĐBP", "party", "BC", "2020-2025").await, 1);
    assert_eq!(next("ĐU-BĐBP", "party", "BC", "2020-2025").await, 2);
    assert_eq!(next("ĐU-BĐBP", "party", "NQ", "2020-2025").await, 1);
    assert_eq!(next("BCH-HG", "state", "", "2024").await, 3);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .next_document_number("BCH-HG", "state", "", "2026", taken)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=16).collect::<Vec<u32>>());
}

/// The audit entry of a number taken in these tests.
fn taken(n: u32) -> bienphong_store::AuditEntry {
    bienphong_store::AuditEntry {
        seq: 0,
        at_ms: 1_700_000_000_000,
        actor: "tester".into(),
        action: "register.next".into(),
        outcome: "allowed".into(),
        record_type: None,
        record_id: None,
        unit: None,
        detail: format!("BCH-HG state 2026 → {n}"),
        address: None,
    }
}

/// A number is taken with its audit entry or not at all: when the entry
/// cannot be written the number is not consumed (no gap in the register
/// that the audit log cannot account for), and the next caller gets it.
pub async fn a_register_number_is_taken_with_its_audit_entry_or_not_at_all(db: &Db) {
    use bienphong_store::{AccountStore, AuditFilter};
    let store = db.open().await;
    let next = || store.next_document_number("BCH-HG", "state", "", "2026", taken);
    assert_eq!(next().await.unwrap(), 1);
    // The audit log cannot be written while its table is away.
    db.raw("ALTER TABLE audit_log RENAME TO audit_log_away")
        .await;
    assert!(next().await.is_err(), "no audit log, no number");
    db.raw("ALTER TABLE audit_log_away RENAME TO audit_log")
        .await;
    assert_eq!(
        next().await.unwrap(),
        2,
        "the failed attempt took no number"
    );
    let entries = store
        .audit(&AuditFilter {
            action: Some("register.next".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let details: Vec<&str> = entries.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(
        details,
        ["BCH-HG state 2026 → 2", "BCH-HG state 2026 → 1"],
        "one entry per number taken, newest first"
    );
    assert!(entries.iter().all(|e| e.actor == "tester"));
}

pub async fn accounts_sessions_tokens_and_an_append_only_audit_log(db: &Db) {
    use bienphong_store::{AccountStore, ApiToken, AuditEntry, AuditFilter, Session, User};
    let store = db.open().await;
    let user = User {
        id: "u1".into(),
        username: "dn-lungcu".into(),
        display_name: "Trợ lý Đồn Lũng Cú".into(),
        password_hash: "$argon2id$…".into(),
        role: "editor".into(),
        unit: "BP-LUNGCU".into(),
        restricted: false,
        disabled: false,
        failed_logins: 0,
        locked_until_ms: 0,
        created_ms: 1,
    };
    store.create_user(&user).await.unwrap();
    let again = User {
        id: "u2".into(),
        ..user.clone()
    };
    assert!(matches!(
        store.create_user(&again).await,
        Err(StoreError::UsernameTaken(_))
    ));
    assert_eq!(
        store.user_by_name("dn-lungcu").await.unwrap(),
        Some(user.clone())
    );
    // The third failure in a row locks the account until 1000 + 500.
    for (n, locked) in [(1, 0), (2, 0), (3, 1500)] {
        assert_eq!(store.login_failed("u1", 1000, 3, 500).await.unwrap(), n);
        let u = store.user_by_id("u1").await.unwrap().unwrap();
        assert_eq!(u.locked_until_ms, locked);
    }
    store.login_succeeded("u1").await.unwrap();
    assert_eq!(
        store.user_by_id("u1").await.unwrap().unwrap().failed_logins,
        0
    );

    let session = Session {
        token_hash: "h1".into(),
        user_id: "u1".into(),
        csrf_token: "c1".into(),
        created_ms: 1,
        expires_ms: 100,
    };
    store.create_session(&session).await.unwrap();
    assert_eq!(store.session("h1").await.unwrap(), Some(session));
    assert_eq!(store.delete_expired_sessions(50).await.unwrap(), 0);
    assert_eq!(store.delete_expired_sessions(100).await.unwrap(), 1);
    assert_eq!(store.session("h1").await.unwrap(), None);

    let token = ApiToken {
        id: "t1".into(),
        token_hash: "th1".into(),
        name: "máy trạm".into(),
        user_id: Some("u1".into()),
        role: "editor".into(),
        unit: "BP-LUNGCU".into(),
        restricted: false,
        created_by: "dn-lungcu".into(),
        created_ms: 2,
        revoked_ms: None,
        node_id: None,
        expires_ms: Some(1_000),
        ends_with_password: false,
        last_used_ms: None,
    };
    store.create_token(&token).await.unwrap();
    assert_eq!(
        store.token_by_hash("th1").await.unwrap(),
        Some(token.clone())
    );
    // Use is noted at most once a minute.
    store.touch_token("t1", 100_000).await.unwrap();
    store.touch_token("t1", 130_000).await.unwrap();
    let used = |t: Option<ApiToken>| t.unwrap().last_used_ms;
    assert_eq!(
        used(store.token_by_hash("th1").await.unwrap()),
        Some(100_000)
    );
    store.touch_token("t1", 161_000).await.unwrap();
    assert_eq!(
        used(store.token_by_hash("th1").await.unwrap()),
        Some(161_000)
    );
    // A password change ends the tokens their owner chose to end with it,
    // and only those.
    let ending = ApiToken {
        id: "t2".into(),
        token_hash: "th2".into(),
        ends_with_password: true,
        expires_ms: None,
        ..token.clone()
    };
    store.create_token(&ending).await.unwrap();
    store.set_password("u1", "new-hash", 5).await.unwrap();
    let revoked = |t: Option<ApiToken>| t.unwrap().revoked_ms;
    assert_eq!(revoked(store.token_by_hash("th2").await.unwrap()), Some(5));
    assert_eq!(revoked(store.token_by_hash("th1").await.unwrap()), None);
    // Disabling a user ends their sessions and revokes their tokens.
    store
        .create_session(&Session {
            token_hash: "h2".into(),
            user_id: "u1".into(),
            csrf_token: "c2".into(),
            created_ms: 1,
            expires_ms: i64::MAX,
        })
        .await
        .unwrap();
    store.set_disabled("u1", true, 7).await.unwrap();
    assert_eq!(store.session("h2").await.unwrap(), None);
    assert_eq!(
        store
            .token_by_hash("th1")
            .await
            .unwrap()
            .unwrap()
            .revoked_ms,
        Some(7)
    );
    assert!(
        !store.revoke_token("t1", 8).await.unwrap(),
        "already revoked"
    );

    for (i, outcome) in ["allowed", "refused", "allowed"].iter().enumerate() {
        store
            .append_audit(&AuditEntry {
                seq: 0,
                at_ms: i as i64,
                actor: "dn-lungcu".into(),
                action: "update".into(),
                outcome: outcome.to_string(),
                record_type: Some("patrol".into()),
                record_id: None,
                unit: Some("BP-LUNGCU".into()),
                detail: String::new(),
                address: (i == 1).then(|| "198.51.100.7".into()),
            })
            .await
            .unwrap();
    }
    let all = store
        .audit(&AuditFilter {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all.iter().map(|e| e.at_ms).collect::<Vec<_>>(), [2, 1, 0]);
    let refused = store
        .audit(&AuditFilter {
            outcome: Some("refused".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].address.as_deref(), Some("198.51.100.7"));
    let older = store
        .audit(&AuditFilter {
            before_seq: Some(all[1].seq),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(older.len(), 1);
    // Nobody changes or removes an entry, not even behind the store's back.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    for sql in [
        "UPDATE audit_log SET outcome = 'allowed'",
        "DELETE FROM audit_log",
    ] {
        assert!(
            sqlx::query(sql).execute(&pool).await.is_err(),
            "{sql} must fail"
        );
    }
    pool.close().await;
    assert_eq!(
        store
            .audit(&AuditFilter {
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap(),
        all
    );
}

/// Two nodes edit (and delete) the same record since a common revision:
/// whatever order the revisions are imported in, every store keeps them
/// all, shows the same head (by parent links, never clocks) and its derived
/// tables equal a rebuild.
pub async fn sync_imports_in_any_order_agree_on_heads_and_conflicts_resolve(
    source: &Db,
    one: &Db,
    two: &Db,
) {
    let a = source.open().await;
    a.commit(structure()).await.unwrap();
    let w = new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &["XA-LC"]));
    let id = w.record_id;
    let first = a.commit(vec![w]).await.unwrap().remove(0);
    let edit = |persons: u32, parent, clock: i64| Write {
        record_id: id,
        record_type: RecordType::Patrol,
        content: Some(patrol("2023-03-05", persons, 3, &["XA-LC"])),
        parent: Some(parent),
        resolves: Vec::new(),
        author: "editor".into(),
        // Wrong clocks: the later edit says it is older.
        created_ms: clock,
        revision_id: None,
    };
    let left = a
        .commit(vec![edit(7, first.id, 9)])
        .await
        .unwrap()
        .remove(0);
    let mut all = a.revisions().await.unwrap();
    // The other branch: an edit of the first revision made elsewhere, and
    // a delete of the record on a third node.
    let mut right = left.clone();
    right.id = bienphong_domain::RevisionId::new();
    right.parents = vec![first.id];
    right.content = patrol("2023-03-05", 8, 3, &["XA-LC"]).to_json();
    right.created_ms = 1;
    let mut tomb = right.clone();
    tomb.id = bienphong_domain::RevisionId::new();
    tomb.deleted = true;
    tomb.content = String::new();
    all.push(right.clone());
    all.push(tomb.clone());
    let x = one.open().await;
    let y = two.open().await;
    // One store gets them in order in one batch; the other in reverse,
    // one at a time, and some twice.
    assert_eq!(x.import(all.clone()).await.unwrap(), all.len());
    let mut count = 0;
    for r in all.iter().rev().chain(all.iter()) {
        count += y.import(vec![r.clone()]).await.unwrap();
    }
    assert_eq!(count, all.len());
    assert_eq!(
        x.revision_digest().await.unwrap(),
        y.revision_digest().await.unwrap()
    );
    let expected = [left.id, tomb.id].into_iter().max().unwrap();
    for s in [&x, &y] {
        let head = s.head(id).await.unwrap().unwrap();
        assert_eq!(head.revision_id, expected);
        assert_eq!(head.deleted, expected == tomb.id);
        assert!(s.verify_derived().await.unwrap());
        assert_eq!(s.history(id).await.unwrap().len(), 4);
    }
    assert_eq!(
        x.derived_snapshot().await.unwrap(),
        y.derived_snapshot().await.unwrap()
    );
    // What a node asks for when it offers ids.
    let present = x
        .present_revisions(&[left.id, bienphong_domain::RevisionId::new()])
        .await
        .unwrap();
    assert_eq!(present.into_iter().collect::<Vec<_>>(), vec![left.id]);
    let by_ids = x.revisions_by_ids(&[tomb.id, first.id]).await.unwrap();
    assert_eq!(
        by_ids.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![first.id, tomb.id]
    );

    // The record is marked in conflict on both stores, with all three heads.
    let mut versions = vec![left.id, right.id, tomb.id];
    versions.sort();
    for s in [&x, &y] {
        assert_eq!(
            s.conflicts().await.unwrap(),
            vec![Conflict {
                record_id: id,
                record_type: RecordType::Patrol,
                heads: versions.clone(),
            }]
        );
    }
    // An ordinary edit, or a resolution naming only some versions, is refused.
    let resolution = |resolves: Vec<RevisionId>| Write {
        resolves,
        created_ms: 5,
        ..edit(9, expected, 5)
    };
    let others: Vec<RevisionId> = versions
        .iter()
        .copied()
        .filter(|v| *v != expected)
        .collect();
    for refused in [resolution(Vec::new()), resolution(others[..1].to_vec())] {
        match x.commit(vec![refused]).await {
            Err(StoreError::InConflict { record, heads }) => {
                assert_eq!(record, id);
                assert_eq!(heads, versions);
            }
            other => panic!("expected InConflict, got {other:?}"),
        }
    }
    assert_eq!(x.history(id).await.unwrap().len(), 4);
    // The resolution names every version and ends the conflict.
    let resolved = x
        .commit(vec![resolution(others.clone())])
        .await
        .unwrap()
        .remove(0);
    let mut parents = resolved.parents.clone();
    parents.sort();
    assert_eq!(parents, versions);
    assert!(x.conflicts().await.unwrap().is_empty());
    let head = x.head(id).await.unwrap().unwrap();
    assert_eq!((head.revision_id, head.deleted), (resolved.id, false));
    assert!(x.verify_derived().await.unwrap());
    // Resolving again: no longer in conflict.
    assert!(matches!(
        x.commit(vec![Write {
            parent: Some(resolved.id),
            ..resolution(others.clone())
        }])
        .await,
        Err(StoreError::NotInConflict(r)) if r == id
    ));
    // The other store, given the resolution, agrees.
    assert_eq!(y.import(vec![resolved.clone()]).await.unwrap(), 1);
    assert!(y.conflicts().await.unwrap().is_empty());
    assert_eq!(y.head(id).await.unwrap(), Some(head));
    assert!(y.verify_derived().await.unwrap());
    assert_eq!(
        x.derived_snapshot().await.unwrap(),
        y.derived_snapshot().await.unwrap()
    );
    // A rebuild finds the same (no) conflicts.
    y.rebuild().await.unwrap();
    assert!(y.conflicts().await.unwrap().is_empty());
}

/// One installation per node (issue 15 item 5): the rolling key moves on,
/// a repeated request passes, another installation is refused and counted,
/// a takeover moves the node; refused pushes are kept per node.
pub async fn a_node_id_belongs_to_one_installation(db: &Db) {
    use bienphong_store::{Installation, PeerContact, SyncRefusal, SyncStatusStore};
    let store = db.open().await;
    let node = NodeId::new();
    let contact = PeerContact {
        node_id: node,
        unit: "BP-LC".into(),
        role: "editor".into(),
        restricted: false,
        actor: "token:node BP-LC".into(),
        at_ms: 5,
    };
    // First contact: its key is taken; the peer shows once it synced.
    assert_eq!(
        store.check_installation(node, "k0", "k1", 1).await.unwrap(),
        Installation::Known
    );
    store.record_sync_pull(&contact, 3, true).await.unwrap();
    store.record_sync_pending(node, 4).await.unwrap();
    // A request repeated after a cut presents the same keys.
    assert_eq!(
        store.check_installation(node, "k0", "k1", 2).await.unwrap(),
        Installation::Known
    );
    assert_eq!(
        store.check_installation(node, "k1", "k2", 3).await.unwrap(),
        Installation::Known
    );
    // A copy still holding k1 (or k0) is another installation.
    assert_eq!(
        store.check_installation(node, "k1", "c1", 4).await.unwrap(),
        Installation::Other
    );
    assert_eq!(
        store.check_installation(node, "k0", "k1", 6).await.unwrap(),
        Installation::Other
    );
    let peer = &store.sync_peers().await.unwrap()[0];
    assert_eq!((peer.duplicates, peer.last_duplicate_ms), (2, Some(6)));
    assert_eq!(peer.pending, Some(4));
    assert_eq!(peer.unit, "BP-LC");
    // The copy takes the node over: the original is refused from then on.
    store.take_over_node(node, "t1", 7).await.unwrap();
    assert_eq!(
        store.check_installation(node, "k2", "k3", 8).await.unwrap(),
        Installation::Other
    );
    assert_eq!(
        store.check_installation(node, "t1", "t2", 9).await.unwrap(),
        Installation::Known
    );
    // Refusals: one row per node and revision, the last reason.
    let refusal = |revision: &str, reason: &str, at_ms| SyncRefusal {
        node_id: node.to_string(),
        revision_id: revision.into(),
        record_id: "r".into(),
        record_type: "patrol".into(),
        reason: reason.into(),
        at_ms,
    };
    store
        .record_sync_refusals(&[refusal("a", "outside the grant", 10)])
        .await
        .unwrap();
    store
        .record_sync_refusals(&[
            refusal("a", "changes a record's type", 11),
            refusal("b", "outside the grant", 12),
        ])
        .await
        .unwrap();
    let kept = store.sync_refusals().await.unwrap();
    assert_eq!(
        kept.iter()
            .map(|r| (r.revision_id.as_str(), r.reason.as_str()))
            .collect::<Vec<_>>(),
        [("b", "outside the grant"), ("a", "changes a record's type")]
    );
}

/// A server keeps, per node, its last pull (cursor, and the time of the
/// last one that completed) and its pushes; a node counts what it still has
/// to send and what it has received.
pub async fn sync_status_is_kept_per_node(db: &Db) {
    use bienphong_store::{PeerContact, SyncStatusStore};
    let store = db.open().await;
    assert_eq!(store.sync_peers().await.unwrap(), vec![]);
    let a = NodeId::new();
    let b = NodeId::new();
    let contact = |node: NodeId, unit: &str, at_ms: i64| PeerContact {
        node_id: node,
        unit: unit.into(),
        role: "editor".into(),
        restricted: true,
        actor: format!("token:node {unit}"),
        at_ms,
    };
    // A pull of several pages: only the last one completes a sync.
    store
        .record_sync_pull(&contact(a, "BP-LC", 10), 5, false)
        .await
        .unwrap();
    let peers = store.sync_peers().await.unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].node_id, a.to_string());
    assert_eq!(
        (
            peers[0].pull_cursor,
            peers[0].last_pull_ms,
            peers[0].last_sync_ms
        ),
        (5, Some(10), None)
    );
    store
        .record_sync_pull(&contact(a, "BP-LC", 20), 9, true)
        .await
        .unwrap();
    store
        .record_sync_pull(&contact(a, "BP-LC", 30), 12, false)
        .await
        .unwrap();
    store
        .record_sync_push(&contact(a, "BP-LC", 40), 3)
        .await
        .unwrap();
    store
        .record_sync_push(&contact(a, "BP-LC2", 50), 2)
        .await
        .unwrap();
    // A node that has only pushed so far.
    store
        .record_sync_push(&contact(b, "XA-LC", 60), 1)
        .await
        .unwrap();
    let peers = store.sync_peers().await.unwrap();
    assert_eq!(
        peers.iter().map(|p| p.node_id.clone()).collect::<Vec<_>>(),
        [b.to_string(), a.to_string()],
        "most recently seen first"
    );
    let pa = &peers[1];
    assert_eq!(pa.pull_cursor, 12);
    assert_eq!(pa.last_pull_ms, Some(30));
    assert_eq!(pa.last_sync_ms, Some(20), "kept by an incomplete pull");
    assert_eq!(pa.last_push_ms, Some(50));
    assert_eq!(pa.revisions_received, 5);
    assert_eq!((pa.first_seen_ms, pa.last_seen_ms), (10, 50));
    assert_eq!(pa.unit, "BP-LC2", "the grant of the last contact");
    assert!(pa.restricted);
    let pb = &peers[0];
    assert_eq!(
        (pb.pull_cursor, pb.last_pull_ms, pb.last_sync_ms),
        (0, None, None)
    );
    assert_eq!((pb.revisions_received, pb.last_push_ms), (1, Some(60)));

    // On a node: its own revisions after a cursor, and those from elsewhere.
    let own = store.commit(structure()).await.unwrap();
    assert_eq!(
        store.own_revisions_after(0).await.unwrap(),
        own.len() as u64
    );
    assert_eq!(store.revisions_from_elsewhere().await.unwrap(), 0);
    let mut received = own[0].clone();
    received.id = bienphong_domain::RevisionId::new();
    received.record_id = RecordId::new();
    received.record_type = RecordType::Patrol;
    received.content = patrol("2023-03-05", 6, 3, &[]).to_json();
    received.node_id = NodeId::new();
    assert_eq!(store.import(vec![received]).await.unwrap(), 1);
    let last = store.last_seq().await.unwrap();
    assert_eq!(store.own_revisions_after(last).await.unwrap(), 0);
    assert_eq!(store.own_revisions_after(last - 1).await.unwrap(), 0);
    assert_eq!(store.own_revisions_after(last - 2).await.unwrap(), 1);
    assert_eq!(store.revisions_from_elsewhere().await.unwrap(), 1);
}

/// A store that synced before the conflicts table existed (migration 0004)
/// already holds conflicts: the migration finds them.
pub async fn sync_conflicts_held_before_their_table_are_found_by_its_migration(db: &Db) {
    let s = db.open().await;
    s.commit(structure()).await.unwrap();
    let w = new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &["XA-LC"]));
    let first = s.commit(vec![w]).await.unwrap().remove(0);
    let mut edited = first.clone();
    edited.id = RevisionId::new();
    edited.parents = vec![first.id];
    edited.content = patrol("2023-03-05", 7, 3, &["XA-LC"]).to_json();
    let mut deleted = edited.clone();
    deleted.id = RevisionId::new();
    deleted.deleted = true;
    deleted.content = String::new();
    s.import(vec![edited, deleted]).await.unwrap();
    let before = s.conflicts().await.unwrap();
    assert_eq!(before.len(), 1);
    s.close().await;
    // The store as it was before the migration.
    db.raw("DROP TABLE conflicts").await;
    db.raw("DELETE FROM _sqlx_migrations WHERE version = 4")
        .await;
    let s = db.open().await;
    assert_eq!(s.conflicts().await.unwrap(), before);
    assert!(s.verify_derived().await.unwrap());
}

/// An import larger than a batch is still one transaction: a refused write
/// in its last batch leaves nothing of the earlier batches (records, facts,
/// bases, audit entries); accepted, every record has its revision, its
/// base and its audit entry, and the facts equal a rebuild.
pub async fn imports_of_many_batches_are_all_or_nothing(store: SqlStore) {
    use bienphong_store::{AccountStore, AuditFilter, IMPORT_BATCH, ImportAudit, ImportStore};
    store.commit(structure()).await.unwrap();
    let existing = store
        .commit(vec![new(
            RecordType::Patrol,
            patrol("2023-01-01", 1, 1, &[]),
        )])
        .await
        .unwrap()
        .remove(0);
    let audit = ImportAudit {
        at_ms: 1_700_000_000_000,
        actor: "os:nam".into(),
        detail_suffix: " (import)".into(),
    };
    let n = IMPORT_BATCH * 2 + 7;
    let writes: Vec<Write> = (0..n)
        .map(|i| {
            let day = format!("2023-{:02}-{:02}", i % 12 + 1, i % 14 + 1);
            new(
                RecordType::Patrol,
                patrol(&day, (i % 9 + 1) as u32, (i % 4) as u32, &[]),
            )
        })
        .collect();
    let ids: Vec<RecordId> = writes.iter().map(|w| w.record_id).collect();
    // One record of each batch, and the last.
    let sample: Vec<usize> = vec![0, IMPORT_BATCH, n - 1];
    let entries_of = |id: RecordId| AuditFilter {
        record_id: Some(id.to_string()),
        limit: 10,
        ..AuditFilter::default()
    };
    let before = store.record_count().await.unwrap();
    let snapshot = store.derived_snapshot().await.unwrap();
    // The last write names its record as new although it exists.
    let mut refused = writes.clone();
    refused.push(Write {
        record_id: existing.record_id,
        ..new(RecordType::Patrol, patrol("2023-02-02", 1, 1, &[]))
    });
    assert!(matches!(
        store
            .commit_import(refused, HashSet::new(), vec![], Some(&audit))
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(store.record_count().await.unwrap(), before);
    assert_eq!(store.derived_snapshot().await.unwrap(), snapshot);
    assert!(store.import_bases(&ids).await.unwrap().is_empty());
    for &i in &sample {
        assert!(store.audit(&entries_of(ids[i])).await.unwrap().is_empty());
    }

    let bdbp: i64 = writes
        .iter()
        .map(|w| match &w.content {
            Some(Content::Patrol(p)) => i64::from(p.participants[0].persons),
            _ => 0,
        })
        .sum();
    let bdbp_before = total(&store, "patrol.force.BDBP", None).await;
    let patrols_before = total(&store, measure::PATROL_COUNT, None).await;
    let written = store
        .commit_import(writes, HashSet::new(), vec![], Some(&audit))
        .await
        .unwrap();
    assert_eq!(written.len(), n);
    assert_eq!(store.record_count().await.unwrap(), before + n as u64);
    assert_eq!(
        total(&store, "patrol.force.BDBP", None).await,
        bdbp_before + bdbp
    );
    assert_eq!(
        total(&store, measure::PATROL_COUNT, None).await,
        patrols_before + n as i64
    );
    assert!(store.verify_derived().await.unwrap());
    let bases = store.import_bases(&ids).await.unwrap();
    assert_eq!(bases.len(), n);
    assert!(
        ids.iter()
            .zip(&written)
            .all(|(id, rev)| bases.get(id) == Some(rev))
    );
    for &i in &sample {
        let entries = store.audit(&entries_of(ids[i])).await.unwrap();
        assert_eq!(entries.len(), 1);
        let e = &entries[0];
        assert_eq!(
            (e.action.as_str(), e.actor.as_str(), e.unit.as_deref()),
            ("create", "os:nam", Some("BP-LC"))
        );
        assert_eq!(e.detail, format!("{} (import)", written[i]));
    }
}

/// An import that takes the last record of a day and unit set elsewhere
/// empties that day's facts: their rows go, as a rebuild would leave them,
/// while the other set's rows of the same day stay.
pub async fn imports_remove_the_facts_they_empty(store: SqlStore) {
    use bienphong_store::ImportStore;
    async fn persons_on(store: &SqlStore, day: &str) -> i64 {
        let day: bienphong_domain::Date = day.parse().unwrap();
        store
            .sum_measures(Period::new(day, day).unwrap(), None, false)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.measure == "patrol.force.BDBP")
            .map_or(0, |s| s.value)
    }
    store.commit(structure()).await.unwrap();
    let moved = store
        .commit(vec![
            new(RecordType::Patrol, patrol("2023-03-10", 4, 2, &[])),
            new(RecordType::Patrol, patrol("2023-03-10", 3, 1, &["XA-LC"])),
        ])
        .await
        .unwrap()
        .remove(0);
    assert_eq!(persons_on(&store, "2023-03-10").await, 7);
    let rows_before = store.derived_snapshot().await.unwrap().facts.len();
    store
        .commit_import(
            vec![Write {
                record_id: moved.record_id,
                parent: Some(moved.id),
                ..new(RecordType::Patrol, patrol("2023-04-20", 4, 2, &[]))
            }],
            HashSet::new(),
            vec![],
            None,
        )
        .await
        .unwrap();
    assert_eq!(persons_on(&store, "2023-03-10").await, 3);
    assert_eq!(persons_on(&store, "2023-04-20").await, 4);
    let after = store.derived_snapshot().await.unwrap();
    assert!(after.facts.iter().all(|(_, _, _, v)| *v != 0));
    assert!(after.month_facts.iter().all(|(_, _, _, v)| *v != 0));
    // The moved patrol's rows left one day for another: as many as before.
    assert_eq!(after.facts.len(), rows_before);
    assert!(store.verify_derived().await.unwrap());
}

/// An import notes each record's base in the transaction of its writes; a
/// record deleted since is found by its base, and comes back (same id, a
/// revision following its tombstone) only from a commit naming it.
pub async fn imports_note_bases_and_restore_only_what_they_name(store: SqlStore) {
    use bienphong_store::ImportStore;
    store.commit(structure()).await.unwrap();
    let w = new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &[]));
    let id = w.record_id;
    let other = new(RecordType::Patrol, patrol("2023-03-06", 2, 1, &[]));
    let other_id = other.record_id;
    let first = store
        .commit_import(vec![w], HashSet::new(), vec![], None)
        .await
        .unwrap()
        .remove(0);
    let second = store.commit(vec![other]).await.unwrap().remove(0);
    // A record found equal to its row is confirmed as its base.
    store
        .commit_import(vec![], HashSet::new(), vec![(other_id, second.id)], None)
        .await
        .unwrap();
    let bases = store.import_bases(&[id, other_id]).await.unwrap();
    assert_eq!(bases.get(&id), Some(&first));
    assert_eq!(bases.get(&other_id), Some(&second.id));
    assert_eq!(
        store.deleted_imports(RecordType::Patrol).await.unwrap(),
        vec![]
    );

    let tombstone = store
        .commit(vec![Write {
            record_id: id,
            record_type: RecordType::Patrol,
            content: None,
            parent: Some(first),
            resolves: Vec::new(),
            author: "editor".into(),
            created_ms: 1_700_000_200_000,
            revision_id: None,
        }])
        .await
        .unwrap()
        .remove(0);
    let deleted = store.deleted_imports(RecordType::Patrol).await.unwrap();
    assert_eq!(deleted.len(), 1);
    assert_eq!(
        (
            deleted[0].record_id,
            deleted[0].tombstone,
            deleted[0].base.id
        ),
        (id, tombstone.id, first)
    );
    assert_eq!(total(&store, measure::PATROL_COUNT, None).await, 1);

    let back = Write {
        record_id: id,
        record_type: RecordType::Patrol,
        content: Some(patrol("2023-03-05", 6, 3, &[])),
        parent: Some(tombstone.id),
        resolves: Vec::new(),
        author: "importer".into(),
        created_ms: 1_700_000_300_000,
        revision_id: None,
    };
    // Not named as restored: refused, nothing written.
    assert!(matches!(
        store
            .commit_import(vec![back.clone()], HashSet::new(), vec![], None)
            .await,
        Err(StoreError::Deleted(_))
    ));
    let restored = store
        .commit_import(vec![back], HashSet::from([id]), vec![], None)
        .await
        .unwrap()
        .remove(0);
    let restored = store
        .history(id)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.id == restored)
        .unwrap();
    assert_eq!(restored.parents, vec![tombstone.id]);
    assert_eq!(
        store.get(id).await.unwrap().unwrap().revision_id,
        restored.id
    );
    assert_eq!(total(&store, measure::PATROL_COUNT, None).await, 2);
    assert_eq!(total(&store, "patrol.force.BDBP", None).await, 8);
    assert_eq!(
        store.import_bases(&[id]).await.unwrap().get(&id),
        Some(&restored.id)
    );
    assert_eq!(
        store.deleted_imports(RecordType::Patrol).await.unwrap(),
        vec![]
    );
    assert!(store.verify_derived().await.unwrap());
}

/// A node purges records its grant may no longer hold (ADR 0012): every
/// revision, receipt, head, current row and conflict of them goes, their
/// facts are taken back, the rest stays, and the purge is noted.
pub async fn a_purge_removes_records_whole_and_notes_it<S: Store>(store: S) {
    store.commit(structure()).await.unwrap();
    let kept = new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &[]));
    let gone = new(RecordType::Patrol, patrol("2023-03-06", 4, 1, &["XA-LC"]));
    let (kept_id, gone_id) = (kept.record_id, gone.record_id);
    let first = store.commit(vec![kept, gone]).await.unwrap();
    let edit = Write {
        record_id: gone_id,
        record_type: RecordType::Patrol,
        content: Some(patrol("2023-03-06", 5, 1, &["XA-LC"])),
        parent: Some(first[1].id),
        resolves: Vec::new(),
        author: "editor".into(),
        created_ms: 1_700_000_100_000,
        revision_id: None,
    };
    store.commit(vec![edit]).await.unwrap();
    // A concurrent version from elsewhere: the record is in conflict too.
    let mut other = first[1].clone();
    other.id = RevisionId::new();
    other.parents = vec![first[1].id];
    other.content = patrol("2023-03-06", 7, 1, &["XA-LC"]).to_json();
    store.import(vec![other]).await.unwrap();
    assert_eq!(store.conflicts().await.unwrap().len(), 1);
    assert_eq!(total(&store, "patrol.force.BDBP", None).await, 6 + 7);
    let before = store.revision_count().await.unwrap();

    let removed = store.purge(&[gone_id], "out_of_scope", 42).await.unwrap();
    assert_eq!(removed, 3);
    assert_eq!(store.revision_count().await.unwrap(), before - 3);
    assert!(store.history(gone_id).await.unwrap().is_empty());
    assert_eq!(store.head(gone_id).await.unwrap(), None);
    assert_eq!(store.get(gone_id).await.unwrap(), None);
    assert!(store.conflicts().await.unwrap().is_empty());
    assert_eq!(total(&store, "patrol.force.BDBP", None).await, 6);
    assert!(store.get(kept_id).await.unwrap().is_some());
    assert!(store.verify_derived().await.unwrap());
    let purges = store.purges().await.unwrap();
    assert_eq!(purges.len(), 1);
    assert_eq!(
        (
            purges[0].record_id,
            purges[0].record_type,
            purges[0].revisions
        ),
        (gone_id, RecordType::Patrol, 3)
    );
    assert_eq!(
        (purges[0].reason.as_str(), purges[0].at_ms),
        ("out_of_scope", 42)
    );
    // Purging what is not there removes nothing and notes nothing.
    assert_eq!(
        store.purge(&[gone_id], "out_of_scope", 43).await.unwrap(),
        0
    );
    assert_eq!(store.purges().await.unwrap().len(), 1);
    // It can come back whole, as a sync brings it.
    let back = store.import(first[1..].to_vec()).await.unwrap();
    assert_eq!(back, 1);
    assert!(store.get(gone_id).await.unwrap().is_some());
    assert!(store.verify_derived().await.unwrap());
}

/// An erasure (docs/adr/0020-data-subjects-and-erasure.md): a tombstone and
/// the earlier revisions' content cleared, in one transaction, noted
/// without content; applying it again changes nothing; the register of
/// requests keeps how each was handled.
pub async fn an_erasure_clears_history_and_is_noted_without_content<S: Store + PersonalStore>(
    store: S,
) {
    store.commit(structure()).await.unwrap();
    let programme = RecordId::new();
    let person = |consent: &str| {
        content(
            RecordType::Beneficiary,
            json!({"programme_record": programme, "name": "Lò Thị Bình", "birth_year": 1990,
                   "ethnicity": "Thái", "consent_on": consent}),
        )
    };
    let first = new(RecordType::Beneficiary, person("2023-01-01"));
    let id = first.record_id;
    let r1 = store.commit(vec![first]).await.unwrap().remove(0);
    let r2 = store
        .commit(vec![Write {
            parent: Some(r1.id),
            record_id: id,
            ..new(RecordType::Beneficiary, person("2023-02-01"))
        }])
        .await
        .unwrap()
        .remove(0);
    let cleared = content(
        RecordType::Beneficiary,
        json!({"programme_record": programme, "name": ""}),
    )
    .to_json();
    let erasing = RevisionId::new();
    let note = Erasure {
        record_id: id,
        record_type: RecordType::Beneficiary,
        revision_id: erasing,
        cleared: vec![r1.id, r2.id],
        request_id: Some("R1".into()),
        actor: "admin".into(),
        at_ms: 7,
    };
    store
        .erase(
            vec![Write {
                record_id: id,
                record_type: RecordType::Beneficiary,
                content: None,
                parent: Some(r2.id),
                resolves: Vec::new(),
                author: "admin".into(),
                created_ms: 7,
                revision_id: Some(erasing),
            }],
            vec![(r1.id, cleared.clone()), (r2.id, cleared.clone())],
            vec![note.clone()],
            Vec::new(),
        )
        .await
        .unwrap();
    let history = store.history(id).await.unwrap();
    assert_eq!(
        history.iter().map(|r| r.id).collect::<Vec<_>>(),
        [r1.id, r2.id, erasing]
    );
    assert!(history.iter().all(|r| !r.content.contains("Bình")));
    assert!(history[2].deleted);
    assert!(store.get(id).await.unwrap().is_none());
    assert_eq!(store.erasures().await.unwrap(), std::slice::from_ref(&note));
    assert_eq!(
        store.erasures_by(&[erasing]).await.unwrap(),
        std::slice::from_ref(&note)
    );
    assert!(store.erasures_by(&[r1.id]).await.unwrap().is_empty());
    assert_eq!(store.restricted_revisions().await.unwrap().len(), 3);
    assert!(store.verify_derived().await.unwrap());
    // As a node applies it again from a later pull: nothing new is noted.
    let again = store.revisions_by_ids(&[r1.id, r2.id]).await.unwrap();
    store.apply_erasures(&again, &[note]).await.unwrap();
    assert_eq!(store.erasures().await.unwrap().len(), 1);

    let request = SubjectRequest {
        id: "R1".into(),
        person: "Lò Thị Bình".into(),
        kind: "erasure".into(),
        received_on: "2026-01-08".into(),
        due_on: "2026-01-12".into(),
        state: "open".into(),
        note: String::new(),
        received_by: "admin".into(),
        received_ms: 5,
        handled_by: None,
        handled_ms: None,
    };
    store.add_subject_request(&request).await.unwrap();
    assert!(
        store
            .handle_subject_request("R1", "answered", "đã xóa", "admin", 9)
            .await
            .unwrap()
    );
    assert!(
        !store
            .handle_subject_request("R2", "answered", "", "admin", 9)
            .await
            .unwrap()
    );
    let held = store.subject_requests().await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (
            held[0].state.as_str(),
            held[0].note.as_str(),
            held[0].handled_ms
        ),
        ("answered", "đã xóa", Some(9))
    );
}

/// An erasure takes the files whose every link it erased: bytes another
/// link names (the same file attached to a record not erased) stay. A node
/// applying a server's erasure of a link removes the file the same way.
pub async fn an_erasure_takes_the_files_no_other_link_names<
    S: Store + PersonalStore + BlobStore,
>(
    store: S,
) {
    store.commit(structure()).await.unwrap();
    let programme = RecordId::new();
    let person = |name: &str| {
        new(
            RecordType::Beneficiary,
            content(
                RecordType::Beneficiary,
                json!({"programme_record": programme, "name": name, "birth_year": 1990,
                       "ethnicity": "Thái", "consent_on": "2023-01-01"}),
            ),
        )
    };
    let made = store
        .commit(vec![
            person("Lò Thị Bình"),
            new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &[])),
            person("Vàng Văn Sử"),
        ])
        .await
        .unwrap();
    let (binh, patrol_id, su) = (made[0].record_id, made[1].record_id, made[2].record_id);
    let text = |s: &str| NewBlob {
        content_type: "text/plain; charset=utf-8".into(),
        bytes: s.as_bytes().to_vec(),
    };
    let (own, shared, other) = (
        text("Giấy khai sinh Lò Thị Bình\n"),
        text("Danh sách hỗ trợ\n"),
        text("Giấy khai sinh Vàng Văn Sử\n"),
    );
    let link = |record: RecordId, name: &str, blob: &NewBlob| {
        new(
            RecordType::Attachment,
            content(
                RecordType::Attachment,
                json!({"record": record, "name": name, "hash": blob.hash(),
                       "content_type": blob.content_type, "size": blob.bytes.len()}),
            ),
        )
    };
    let links = store
        .commit_with_blobs(
            vec![
                link(binh, "Lò Thị Bình.txt", &own),
                link(binh, "ds.txt", &shared),
                link(patrol_id, "ds.txt", &shared),
                link(su, "Vàng Văn Sử.txt", &other),
            ],
            vec![own.clone(), shared.clone(), other.clone()],
            7,
        )
        .await
        .unwrap();
    let mut theirs = vec![links[0].record_id, links[1].record_id];
    theirs.sort();
    assert_eq!(store.links_to(binh).await.unwrap(), theirs);
    assert_eq!(
        store.links_to(patrol_id).await.unwrap(),
        [links[2].record_id]
    );

    let tomb = |record: RecordId, record_type: RecordType, parent: RevisionId| Write {
        record_id: record,
        record_type,
        content: None,
        parent: Some(parent),
        resolves: Vec::new(),
        author: "admin".into(),
        created_ms: 8,
        revision_id: Some(RevisionId::new()),
    };
    let note = |w: &Write, cleared: RevisionId| Erasure {
        record_id: w.record_id,
        record_type: w.record_type,
        revision_id: w.revision_id.unwrap(),
        cleared: vec![cleared],
        request_id: None,
        actor: "admin".into(),
        at_ms: 8,
    };
    let unnamed = |r: &bienphong_domain::Revision| {
        let mut v: serde_json::Value = serde_json::from_str(&r.content).unwrap();
        v["name"] = json!("");
        // As the service writes it: the record's own form, not the
        // value's (whose keys are sorted).
        content(RecordType::Attachment, v).to_json()
    };
    let writes = vec![
        tomb(binh, RecordType::Beneficiary, made[0].id),
        tomb(links[0].record_id, RecordType::Attachment, links[0].id),
        tomb(links[1].record_id, RecordType::Attachment, links[1].id),
    ];
    let notes = vec![
        note(&writes[0], made[0].id),
        note(&writes[1], links[0].id),
        note(&writes[2], links[1].id),
    ];
    let cleared_person = content(
        RecordType::Beneficiary,
        json!({"programme_record": programme, "name": ""}),
    )
    .to_json();
    store
        .erase(
            writes,
            vec![
                (made[0].id, cleared_person),
                (links[0].id, unnamed(&links[0])),
                (links[1].id, unnamed(&links[1])),
            ],
            notes,
            Vec::new(),
        )
        .await
        .unwrap();
    assert!(store.blob(&own.hash()).await.unwrap().is_none());
    assert!(store.blob(&shared.hash()).await.unwrap().is_some());
    assert!(store.blob(&other.hash()).await.unwrap().is_some());
    for l in &links[..2] {
        assert!(store.get(l.record_id).await.unwrap().is_none());
        for r in store.history(l.record_id).await.unwrap() {
            assert!(!r.content.contains("Bình"), "{}", r.content);
        }
    }
    assert!(store.get(links[2].record_id).await.unwrap().is_some());

    // A node applies the server's erasure of the other person's link: the
    // cleared revision and the note, no write of its own.
    let cleared_link = bienphong_domain::Revision {
        content: unnamed(&links[3]),
        ..links[3].clone()
    };
    let far = tomb(links[3].record_id, RecordType::Attachment, links[3].id);
    store
        .apply_erasures(&[cleared_link], &[note(&far, links[3].id)])
        .await
        .unwrap();
    assert!(store.blob(&other.hash()).await.unwrap().is_none());
    assert!(store.blob(&shared.hash()).await.unwrap().is_some());
    assert_eq!(store.blob_count().await.unwrap(), 1);
    assert!(store.verify_derived().await.unwrap());
}

macro_rules! store_test {
    ($backend:ident, $name:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let Some(db) = Db::$backend().await else {
                return;
            };
            super::$name(db.open().await).await;
        }
    };
}

macro_rules! db_test {
    ($backend:ident, $name:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            let Some(db) = Db::$backend().await else {
                return;
            };
            super::$name(&db).await;
        }
    };
}

/// Every test of the suite, against one backend.
macro_rules! conformance_suite {
    ($backend:ident) => {
        mod $backend {
            use super::*;

            store_test!($backend, round_trip_of_every_record_type);
            store_test!($backend, edits_append_and_deletes_keep_history);
            store_test!($backend, lists_page_by_key_in_one_total_order);
            store_test!($backend, stale_edits_are_refused_and_nothing_is_written);
            store_test!($backend, a_failing_batch_writes_nothing);
            store_test!($backend, decimal_sums_are_exact);
            store_test!($backend, joint_records_count_once_per_scope);
            store_test!($backend, a_scope_counts_a_record_only_on_its_units_days);
            store_test!($backend, period_boundaries_follow_the_cutoff);
            store_test!($backend, sums_over_any_period_equal_the_daily_facts);
            store_test!(
                $backend,
                units_counted_are_those_of_live_records_in_the_period
            );
            store_test!($backend, concurrent_writers_lose_nothing);
            store_test!($backend, the_document_register_never_repeats_a_number);
            store_test!($backend, imports_note_bases_and_restore_only_what_they_name);
            store_test!($backend, imports_of_many_batches_are_all_or_nothing);
            store_test!($backend, imports_remove_the_facts_they_empty);
            store_test!($backend, receipts_are_kept_for_received_revisions);
            store_test!($backend, a_units_seizures_are_those_of_its_live_cases);
            store_test!($backend, a_purge_removes_records_whole_and_notes_it);
            store_test!($backend, positions_and_signoffs_are_kept);
            store_test!(
                $backend,
                an_erasure_clears_history_and_is_noted_without_content
            );
            store_test!($backend, an_erasure_takes_the_files_no_other_link_names);
            store_test!(
                $backend,
                an_org_change_is_noted_with_its_revisions_or_not_at_all
            );
            store_test!($backend, an_org_change_received_from_a_server_is_noted_once);
            db_test!(
                $backend,
                a_register_number_is_taken_with_its_audit_entry_or_not_at_all
            );
            db_test!($backend, node_id_is_kept_on);
            db_test!($backend, verify_detects_drift_and_rebuild_repairs_it);
            db_test!($backend, a_newer_schema_is_refused);
            db_test!($backend, a_pending_rebuild_runs_at_the_next_open);
            db_test!(
                $backend,
                sync_conflicts_held_before_their_table_are_found_by_its_migration
            );
            db_test!($backend, integrity_check_passes);
            db_test!($backend, a_record_keeps_its_type);
            db_test!($backend, a_pull_never_passes_a_revision_not_yet_committed);
            db_test!($backend, sync_status_is_kept_per_node);
            db_test!($backend, a_node_id_belongs_to_one_installation);
            db_test!(
                $backend,
                accounts_sessions_tokens_and_an_append_only_audit_log
            );

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sync_imports_in_any_order_agree_on_heads_and_conflicts_resolve() {
                let Some(db) = Db::sqlite().await else { return };
                let (Some(one), Some(two)) = (Db::$backend().await, Db::$backend().await) else {
                    return;
                };
                super::sync_imports_in_any_order_agree_on_heads_and_conflicts_resolve(
                    &db, &one, &two,
                )
                .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn files_are_kept_once_beside_their_links_and_copied_and_backed_up() {
                let Some(db) = Db::$backend().await else {
                    return;
                };
                let Some(other) = Db::sqlite().await else {
                    return;
                };
                super::files_are_kept_once_beside_their_links_and_copied_and_backed_up(&db, &other)
                    .await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn copies_keep_every_revision() {
                let Some(db) = Db::sqlite().await else { return };
                let Some(other) = Db::$backend().await else {
                    return;
                };
                super::copies_keep_every_revision(&db, &other).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn derived_tables_equal_a_rebuild() {
                for seed in 0..4 {
                    let Some(db) = Db::$backend().await else {
                        return;
                    };
                    super::derived_tables_equal_a_rebuild(db.open().await, seed).await;
                }
            }
        }
    };
}

conformance_suite!(sqlite);
conformance_suite!(postgres);

/// A unit's earlier seizures: those of the live cases it handled (not
/// those where it was a partner, not deleted ones, not the record being
/// written), item by item, exactly.
pub async fn a_units_seizures_are_those_of_its_live_cases(store: SqlStore) {
    store.commit(structure()).await.unwrap();
    let case = |unit: &str, partners: &[&str], seizures: serde_json::Value| {
        new(
            RecordType::Case,
            content(
                RecordType::Case,
                json!({"date": "2023-04-01", "handling_unit": unit, "partner_units": partners,
                       "case_type": "MATUY", "subjects": 1, "seizures": seizures}),
            ),
        )
    };
    let one = case(
        "BP-LC",
        &["XA-LC"],
        json!([{"item": "THUOCPHIEN", "quantity": "350.25"}, {"item": "THUOCPHIEN", "quantity": "12"}]),
    );
    let two = case(
        "BP-LC",
        &[],
        json!([{"item": "THUOCPHIEN", "quantity": "0.5"}]),
    );
    let elsewhere = case(
        "XA-LC",
        &["BP-LC"],
        json!([{"item": "THUOCPHIEN", "quantity": "9000"}]),
    );
    let deleted = case(
        "BP-LC",
        &[],
        json!([{"item": "THUOCPHIEN", "quantity": "7000"}]),
    );
    let (one_id, deleted_id) = (one.record_id, deleted.record_id);
    store
        .commit(vec![one, two, elsewhere, deleted])
        .await
        .unwrap();
    let head = store.head(deleted_id).await.unwrap().unwrap();
    store
        .commit(vec![Write {
            record_id: deleted_id,
            record_type: RecordType::Case,
            content: None,
            parent: Some(head.revision_id),
            resolves: Vec::new(),
            author: "tester".into(),
            created_ms: 1_700_000_000_000,
            revision_id: None,
        }])
        .await
        .unwrap();
    let bp = Code::parse("BP-LC").unwrap();
    let quantities = |v: Vec<(Code, Quantity)>| {
        let mut q: Vec<String> = v
            .into_iter()
            .map(|(item, q)| format!("{item}={}", q.value().normalize()))
            .collect();
        q.sort();
        q
    };
    assert_eq!(
        quantities(store.unit_seizures(&bp, None).await.unwrap()),
        ["THUOCPHIEN=0.5", "THUOCPHIEN=12", "THUOCPHIEN=350.25"]
    );
    assert_eq!(
        quantities(store.unit_seizures(&bp, Some(one_id)).await.unwrap()),
        ["THUOCPHIEN=0.5"]
    );
    assert!(
        store
            .unit_seizures(&bp, Some(one_id))
            .await
            .unwrap()
            .iter()
            .all(|(item, _)| item.as_str() == "THUOCPHIEN")
    );
    assert_eq!(
        quantities(
            store
                .unit_seizures(&Code::parse("XA-ML").unwrap(), None)
                .await
                .unwrap()
        ),
        Vec::<String>::new()
    );
}

/// Attached files: each content once, whatever records name it, written
/// with its link in one transaction; a removed link leaves the bytes; a
/// copy to another store and a backup carry them.
pub async fn files_are_kept_once_beside_their_links_and_copied_and_backed_up(db: &Db, other: &Db) {
    let store = db.open().await;
    store.commit(structure()).await.unwrap();
    let made = store
        .commit(vec![
            new(RecordType::Case, case("2023-04-01", 2, "0.43")),
            new(RecordType::Patrol, patrol("2023-03-05", 6, 3, &[])),
        ])
        .await
        .unwrap();
    let bytes = b"%PDF-1.7\n\xff\x00 binary \x01\x02\n%%EOF".to_vec();
    let blob = NewBlob {
        content_type: "application/pdf".into(),
        bytes: bytes.clone(),
    };
    let hash = blob.hash();
    assert_eq!(hash, bienphong_store::sha256_hex(&bytes));
    let link = |record: RecordId| {
        new(
            RecordType::Attachment,
            content(
                RecordType::Attachment,
                json!({"record": record, "name": "Biên bản.pdf", "hash": hash,
                       "content_type": "application/pdf", "size": bytes.len()}),
            ),
        )
    };
    let on_case = store
        .commit_with_blobs(vec![link(made[0].record_id)], vec![blob.clone()], 7)
        .await
        .unwrap()
        .remove(0);
    store
        .commit_with_blobs(vec![link(made[1].record_id)], vec![blob.clone()], 8)
        .await
        .unwrap();
    assert_eq!(store.blob_count().await.unwrap(), 1);
    let (info, back) = store.blob(&hash).await.unwrap().unwrap();
    assert_eq!(back, bytes);
    assert_eq!(
        (info.content_type.as_str(), info.size),
        ("application/pdf", bytes.len() as u64)
    );
    assert_eq!(store.attachment_links(&hash).await.unwrap().len(), 2);
    let listed = store
        .list(ListFilter {
            record_type: Some(RecordType::Attachment),
            subject_of: Some(made[0].record_id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    // A link that fails (a record named twice as new) keeps no bytes.
    let other_bytes = NewBlob {
        content_type: "text/plain; charset=utf-8".into(),
        bytes: b"ghi chu".to_vec(),
    };
    let mut twice = link(made[0].record_id);
    twice.record_id = on_case.record_id;
    assert!(
        store
            .commit_with_blobs(vec![twice], vec![other_bytes.clone()], 9)
            .await
            .is_err()
    );
    assert!(
        store
            .present_blobs(&[other_bytes.hash(), hash.clone()])
            .await
            .unwrap()
            == [hash.clone()].into_iter().collect()
    );
    // Removing one link keeps the bytes the other names (and the history
    // names them still).
    store
        .commit(vec![Write {
            record_id: on_case.record_id,
            record_type: RecordType::Attachment,
            content: None,
            parent: Some(on_case.id),
            resolves: Vec::new(),
            author: "tester".into(),
            created_ms: 10,
            revision_id: None,
        }])
        .await
        .unwrap();
    assert_eq!(store.attachment_links(&hash).await.unwrap().len(), 1);
    assert!(store.blob(&hash).await.unwrap().is_some());
    assert!(store.verify_derived().await.unwrap());
    // A copy carries them.
    let copy = other.open().await;
    let report = bienphong_store::copy(&store, &copy, |_| {}).await.unwrap();
    assert_eq!(report.blobs, 1);
    assert_eq!(copy.blob(&hash).await.unwrap().unwrap().1, bytes);
    assert_eq!(copy.attachment_links(&hash).await.unwrap().len(), 1);
    // So does a backup (of a SQLite store: PostgreSQL's is pg_dump's).
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.tar.zst");
    copy.backup_to(&file, &[], 11).await.unwrap();
    let restored = dir.path().join("restored.sqlite");
    bienphong_store::restore(&file, &restored, None)
        .await
        .unwrap();
    let again = SqlStore::open_sqlite(&restored).await.unwrap();
    assert_eq!(again.blob(&hash).await.unwrap().unwrap().1, bytes);
}

/// A reorganisation's revisions and its history row are written together:
/// the row names exactly the revisions written; a commit that fails writes
/// neither.
pub async fn an_org_change_is_noted_with_its_revisions_or_not_at_all(store: SqlStore) {
    use bienphong_store::{OrgChange, OrgChangeStore};
    let written = store.commit(structure()).await.unwrap();
    let change = |id: &str| OrgChange {
        id: id.into(),
        effective: "2025-07-01".into(),
        title: "Sắp xếp".into(),
        author: "tester".into(),
        created_ms: 1_750_000_000_000,
        body: "{}".into(),
        revisions: Vec::new(),
    };
    let unit = new(
        RecordType::Unit,
        content(
            RecordType::Unit,
            json!({"code": "XA-MOI", "kind": "commune", "name": "Xã mới", "valid_from": "2025-07-01"}),
        ),
    );
    let revisions = store
        .commit_org_change(vec![unit], change("one"))
        .await
        .unwrap();
    let noted = store.org_changes().await.unwrap();
    assert_eq!(noted.len(), 1);
    assert_eq!(noted[0].title, "Sắp xếp");
    assert_eq!(noted[0].created_ms, 1_750_000_000_000);
    assert_eq!(
        noted[0].revisions,
        revisions.iter().map(|r| r.id).collect::<Vec<_>>()
    );
    // A write that follows a revision that is not the record's head fails
    // the whole commit: no revision, no row.
    let before = store.revision_count().await.unwrap();
    let mut stale = new(
        RecordType::Unit,
        content(
            RecordType::Unit,
            json!({"code": "HG", "kind": "province", "name": "Hà Giang", "valid_to": "2025-06-30"}),
        ),
    );
    stale.record_id = written[0].record_id;
    stale.parent = Some(RevisionId::default());
    assert!(
        store
            .commit_org_change(vec![stale], change("two"))
            .await
            .is_err()
    );
    assert_eq!(store.revision_count().await.unwrap(), before);
    assert_eq!(store.org_changes().await.unwrap().len(), 1);
}

/// A node notes the reorganisations its server sends with their revisions
/// as the server holds them; the same again (a page pulled twice) is left
/// as it is.
pub async fn an_org_change_received_from_a_server_is_noted_once(store: SqlStore) {
    use bienphong_store::{OrgChange, OrgChangeStore};
    let change = OrgChange {
        id: "from-server".into(),
        effective: "2025-07-01".into(),
        title: "Sắp xếp đơn vị hành chính cấp xã".into(),
        author: "admin".into(),
        created_ms: 1_751_300_000_000,
        body: r#"{"title":"Sắp xếp"}"#.into(),
        revisions: vec![RevisionId::default(), RevisionId::default()],
    };
    assert_eq!(store.note_org_changes(vec![]).await.unwrap(), 0);
    assert_eq!(
        store.note_org_changes(vec![change.clone()]).await.unwrap(),
        1
    );
    assert_eq!(store.org_changes().await.unwrap(), vec![change.clone()]);
    let mut altered = change.clone();
    altered.title = "khác".into();
    assert_eq!(store.note_org_changes(vec![altered]).await.unwrap(), 0);
    assert_eq!(store.org_changes().await.unwrap(), vec![change]);
}
