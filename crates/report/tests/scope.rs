//! Every report and list agrees on what a scope covers across the 1 July 2025
//! reorganisation of the Hà Giang demo: Hà Giang's scope ends on 30/6/2025,
//! Tuyên Quang covers Hà Giang's units before that day and its own after.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

use bienphong_demo::{ha_giang, ha_giang_edits};
use bienphong_domain::org::{Code, Org};
use bienphong_domain::{Content, Cutoff, Date, Period, RecordId};
use bienphong_report::{AnnualReview, Summary, annual_review, key_figures, summary};
use bienphong_service::{Actor, NewRecord, Service};
use bienphong_store::{ListFilter, SqlStore};

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn day(y: i16, m: i8, d: i8) -> Date {
    Date::new(y, m, d).unwrap()
}

fn period(from: Date, to: Date) -> Period {
    Period::new(from, to).unwrap()
}

/// The demo with its edits, plus a few patrols in the first half of 2025 (the demo has
/// none then): copies of 2024 patrols re-dated, led by the same posts with
/// the same old communes, all of which were Hà Giang's until 30/6/2025.
async fn demo_service(dir: &std::path::Path) -> (Service<SqlStore>, Vec<Content>) {
    let service = Service::new(
        SqlStore::open_sqlite(&dir.join("bienphong.sqlite"))
            .await
            .unwrap(),
    );
    let demo = ha_giang();
    let mut records: Vec<NewRecord> = demo
        .iter()
        .map(|r| NewRecord {
            record_id: r.record_id,
            content: r.content.clone(),
            author: "demo".into(),
            created_ms: r.created_ms,
            revision_id: None,
        })
        .collect();
    let days = [
        day(2025, 1, 6),
        day(2025, 2, 14),
        day(2025, 2, 15),
        day(2025, 5, 31),
        day(2025, 6, 30),
    ];
    let added: Vec<NewRecord> = demo
        .iter()
        .filter_map(|r| match &r.content {
            Content::Patrol(p) if p.date.year() == 2024 => Some(p.clone()),
            _ => None,
        })
        .zip(days)
        .map(|(mut p, d)| {
            p.date = d;
            NewRecord {
                record_id: RecordId::new(),
                content: Content::Patrol(p),
                author: "test".into(),
                created_ms: 1_765_000_000_000,
                revision_id: None,
            }
        })
        .collect();
    assert_eq!(added.len(), days.len());
    records.extend(added);
    let mut org = Org::default();
    for chunk in records.chunks(2000) {
        service.add_batch(&mut org, chunk.to_vec()).await.unwrap();
    }
    // The edits name the successors of Hà Giang and its units (1/7/2025).
    let actor = Actor {
        name: "demo".into(),
        now_ms: 1_765_000_000_000,
    };
    for (record_id, content) in ha_giang_edits() {
        service
            .edit(&actor, record_id, None, content)
            .await
            .unwrap();
    }
    let contents = service
        .list(ListFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|r| Content::from_json(r.record_type, &r.content).unwrap())
        .collect();
    (service, contents)
}

/// Patrols dated within `p`, counted from the records themselves.
fn patrols_dated(records: &[Content], p: &Period) -> i64 {
    records
        .iter()
        .filter(|c| matches!(c, Content::Patrol(x) if p.contains(x.date)))
        .count() as i64
}

/// Records of activity (anything dated under a unit but the organisation's
/// own records) that a list over `scope` and `p` shows.
async fn listed(service: &Service<SqlStore>, scope: &Code, p: Period) -> Vec<Content> {
    let org = service.org_shared().await.unwrap();
    service
        .list(ListFilter {
            period: Some(p),
            // The same call the CLI's and the web's list filters make.
            units: Some(org.scope(scope, &p)),
            ..ListFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|r| Content::from_json(r.record_type, &r.content).unwrap())
        .filter(|c| !c.record_type().is_structure())
        .collect()
}

fn summary_figures(s: &Summary) -> [i64; 8] {
    [
        s.patrols.count.current,
        s.patrols.border_guard_persons.current,
        s.patrols.other_persons.current,
        s.cases.count.current,
        s.cases.subjects.current,
        s.documents.count.current,
        s.propaganda.sessions.current,
        s.disaster.responses.current,
    ]
}

fn annual_figures(a: &AnnualReview) -> [i64; 8] {
    [
        a.patrols.count,
        a.patrols.border_guard_persons,
        a.patrols.other_persons,
        a.cases.count,
        a.cases.subjects,
        a.documents.count,
        a.propaganda.sessions,
        a.disaster.responses,
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_report_and_list_agrees_on_an_abolished_units_scope_after_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let (service, records) = demo_service(dir.path()).await;
    let hg = code("HG");
    let tq = code("TQ");
    let year = period(day(2025, 1, 1), day(2025, 12, 31));
    let first_half = period(day(2025, 1, 1), day(2025, 6, 30));
    let after_end = period(day(2025, 7, 1), day(2025, 12, 31));
    let before_h1 = patrols_dated(&records, &first_half);
    let after_h2 = patrols_dated(&records, &after_end);
    // The test means something only if both halves have patrols.
    assert!(before_h1 > 0 && after_h2 > 0, "{before_h1} / {after_h2}");

    // After Hà Giang's last day: nothing, in every report and list.
    let hg_after = summary(&service, after_end, Some(&hg)).await.unwrap();
    assert_eq!(summary_figures(&hg_after), [0; 8]);
    assert!(
        hg_after
            .patrols
            .by_lead_unit
            .iter()
            .all(|u| u.count.current == 0)
    );
    let hg_listed_after = listed(&service, &hg, after_end).await;
    assert!(
        hg_listed_after.is_empty(),
        "{} records listed for Hà Giang after 30/6/2025",
        hg_listed_after.len()
    );
    let briefing_figures = key_figures(&service, &hg, after_end).await.unwrap();
    assert!(
        briefing_figures.iter().all(|f| f.value.value().is_zero()),
        "{briefing_figures:?}"
    );

    // The whole year for Hà Giang is its first half, in the annual review,
    // the summary and the list alike, and matches the records.
    let hg_annual = annual_review(&service, 2025, Cutoff::Calendar, Some(&hg))
        .await
        .unwrap();
    let hg_h1 = summary(&service, first_half, Some(&hg)).await.unwrap();
    assert_eq!(annual_figures(&hg_annual), summary_figures(&hg_h1));
    assert_eq!(hg_annual.patrols.count, before_h1);
    let hg_listed_year = listed(&service, &hg, year).await;
    let listed_patrols = hg_listed_year
        .iter()
        .filter(|c| matches!(c, Content::Patrol(_)))
        .count() as i64;
    assert_eq!(listed_patrols, hg_annual.patrols.count);
    assert!(
        hg_listed_year
            .iter()
            .all(|c| c.date().is_some_and(|d| d <= day(2025, 6, 30))),
        "every record listed for Hà Giang in 2025 is dated by 30/6/2025"
    );
    // A Decree 09 year ends on the same day for Hà Giang.
    let hg_decree = annual_review(&service, 2025, Cutoff::Decree09, Some(&hg))
        .await
        .unwrap();
    let decree_h1 = period(day(2024, 12, 15), day(2025, 6, 30));
    assert_eq!(hg_decree.patrols.count, patrols_dated(&records, &decree_h1));

    // Tuyên Quang's 2025 covers Hà Giang's first half (the merge) and its own
    // second half, and so every patrol of the year.
    let tq_annual = annual_review(&service, 2025, Cutoff::Calendar, Some(&tq))
        .await
        .unwrap();
    let tq_h1 = summary(&service, first_half, Some(&tq)).await.unwrap();
    let tq_h2 = summary(&service, after_end, Some(&tq)).await.unwrap();
    assert_eq!(summary_figures(&tq_h1), summary_figures(&hg_h1));
    assert_eq!(tq_h2.patrols.count.current, after_h2);
    assert_eq!(
        tq_annual.patrols.count,
        tq_h1.patrols.count.current + tq_h2.patrols.count.current
    );
    assert_eq!(tq_annual.patrols.count, patrols_dated(&records, &year));
    let tq_listed = listed(&service, &tq, year).await;
    let tq_listed_patrols = tq_listed
        .iter()
        .filter(|c| matches!(c, Content::Patrol(_)))
        .count() as i64;
    assert_eq!(tq_listed_patrols, tq_annual.patrols.count);
}
