//! `bienphong demo`: writes the Hà Giang demo, or a large synthetic store,
//! through the same checks and the same commit path as any other write.

use crate::cli::DemoArgs;
use crate::context::Context;
use crate::error::{CliError, Kind, Result};
use anyhow::Context as _;
use bienphong_demo::DemoRecord;
use bienphong_domain::format;
use bienphong_domain::geo::track::Means;
use bienphong_domain::org::Org;
use bienphong_domain::{RecordId, RevisionId};
use bienphong_i18n::Lang;
use bienphong_service::geo::TrackUpload;
use bienphong_service::{Actor, NewRecord, Service};
use bienphong_store::{BlobStore, OrgChangeStore, Store, TrackStore};
use std::io::Write as _;
use std::time::Instant;

pub const DEMO_AUTHOR: &str = "demo";
const BATCH: usize = 5_000;

/// A revision id that is the same on every run, so the demo's records are
/// reproducible to the byte (the revisions the 2025 reorganisation writes
/// through `apply_change_set` get new ids, as any change set's do; their
/// contents are the same on every run).
fn revision_id_for(r: &DemoRecord) -> RevisionId {
    let bytes = r.record_id.0.as_bytes();
    let mut random = [0u8; 10];
    random.copy_from_slice(&bytes[6..16]);
    random[0] ^= 0x5a;
    RevisionId::from_parts(r.created_ms.max(0) as u64, random)
}

/// The ids of a demo track's link record, the same on every run: drawn
/// from its patrol's id (one track a patrol) and the time it is attached,
/// apart from the patrol's own by a mask of their own.
fn track_link_ids(patrol: RecordId, created_ms: i64) -> (RecordId, RevisionId) {
    let bytes = patrol.0.as_bytes();
    let mut random = [0u8; 10];
    random.copy_from_slice(&bytes[6..16]);
    random[0] ^= 0x7e;
    random[9] ^= 0x47;
    let record = RecordId::from_parts(created_ms.max(0) as u64, random);
    random[1] ^= 0x5a;
    (
        record,
        RevisionId::from_parts(created_ms.max(0) as u64, random),
    )
}

fn new_record(r: DemoRecord) -> NewRecord {
    NewRecord {
        record_id: r.record_id,
        revision_id: Some(revision_id_for(&r)),
        author: DEMO_AUTHOR.to_string(),
        created_ms: r.created_ms,
        content: r.content,
    }
}

/// Writes `records` in batches into an empty store; returns how many were
/// written.
pub async fn write_all<S: Store>(
    service: &Service<S>,
    records: impl IntoIterator<Item = DemoRecord>,
    batch: usize,
    progress: impl FnMut(usize),
) -> Result<usize> {
    write_onto(service, Org::default(), records, batch, progress).await
}

/// Writes `records` in batches over `org` (the organisation in the store).
async fn write_onto<S: Store>(
    service: &Service<S>,
    mut org: Org,
    records: impl IntoIterator<Item = DemoRecord>,
    batch: usize,
    mut progress: impl FnMut(usize),
) -> Result<usize> {
    let mut pending = Vec::with_capacity(batch);
    let mut written = 0;
    for r in records {
        pending.push(new_record(r));
        if pending.len() == batch {
            written += pending.len();
            service
                .add_batch(&mut org, std::mem::take(&mut pending))
                .await?;
            progress(written);
        }
    }
    written += pending.len();
    service.add_batch(&mut org, pending).await?;
    progress(written);
    Ok(written)
}

/// The Hà Giang demo: the records up to 30 June 2025, the reorganisation of
/// 1 July 2025 applied as one change set (as `org apply` does: one event in
/// the organisation's history), the records after it, then the edits that
/// give it some history.
pub async fn write_ha_giang<S: Store + OrgChangeStore + BlobStore + TrackStore>(
    service: &Service<S>,
) -> Result<usize> {
    let demo = bienphong_demo::ha_giang_stages();
    let tracks = {
        let mut records = demo.before.clone();
        records.extend(demo.after.iter().cloned());
        bienphong_demo::geo::tracks(&records)
    };
    let mut written = write_all(service, demo.before, BATCH, |_| {}).await?;
    let actor = Actor {
        name: DEMO_AUTHOR.to_string(),
        now_ms: demo.reorganised_ms,
    };
    let outcome = service
        .apply_change_set(&actor, &demo.reorganisation, false)
        .await?;
    if let Some(problem) = outcome.problems.into_iter().next() {
        return Err(bienphong_service::ServiceError::Invalid(problem).into());
    }
    written += outcome.plan.new_units.len() + outcome.plan.new_links.len();
    let org = service.org().await?;
    written += write_onto(service, org, demo.after, BATCH, |_| {}).await?;
    for (record_id, content) in bienphong_demo::ha_giang_edits() {
        let actor = Actor {
            name: DEMO_AUTHOR.to_string(),
            now_ms: content_time(&content),
        };
        service.edit(&actor, record_id, None, content).await?;
    }
    // Some patrols' GPS tracks, attached as a user would.
    for t in tracks {
        let actor = Actor {
            name: DEMO_AUTHOR.to_string(),
            now_ms: t.created_ms,
        };
        let upload = TrackUpload {
            name: t.name,
            bytes: t.gpx.into_bytes(),
            means: Means::Foot,
            confirmed: false,
            max_bytes: bienphong_domain::attachment::DEFAULT_MAX_BYTES,
            ids: Some(track_link_ids(t.patrol, t.created_ms)),
        };
        service.attach_track(&actor, t.patrol, upload).await?;
    }
    Ok(written)
}

/// Edits are stamped at noon of the record's day, so that the demo's history
/// does not depend on when it was built.
fn content_time(content: &bienphong_domain::Content) -> i64 {
    content
        .date()
        .and_then(|d| d.at(12, 0, 0, 0).in_tz(bienphong_domain::TIME_ZONE).ok())
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

pub async fn run<S: Store + OrgChangeStore + BlobStore + TrackStore>(
    service: &Service<S>,
    location: &str,
    args: DemoArgs,
    lang: Lang,
) -> Result<()> {
    let path = location.to_string();
    let existing = service.store().revision_count().await?;
    let mut out = std::io::stdout().lock();

    match args.provinces {
        None => {
            if existing > 0 {
                if holds_demo(service).await? {
                    let n = service.store().revision_count().await?;
                    writeln!(
                        out,
                        "{}",
                        lang.text(
                            "demo-done",
                            &[
                                ("records", String::from("—")),
                                ("revisions", format::integer(n as i64)),
                                ("path", path),
                            ]
                        )
                    )
                    .context("stdout")?;
                    return Ok(());
                }
                return Err(CliError::Message(
                    "demo-not-empty",
                    vec![("path", path)],
                    Kind::Invalid,
                ));
            }
            let written = write_ha_giang(service).await?;
            let n = service.store().revision_count().await?;
            writeln!(
                out,
                "{}",
                lang.text(
                    "demo-done",
                    &[
                        ("records", format::integer(written as i64)),
                        ("revisions", format::integer(n as i64)),
                        ("path", path),
                    ]
                )
            )
            .context("stdout")?;
        }
        Some(provinces) => {
            if existing > 0 {
                return Err(CliError::Message(
                    "demo-not-empty",
                    vec![("path", path)],
                    Kind::Invalid,
                ));
            }
            let started = Instant::now();
            let records =
                bienphong_demo::synthetic(provinces, args.years, args.records_per_province_year);
            let written = write_all(service, records, 20_000, |n| {
                eprint!("\r{} …", format::integer(n as i64));
            })
            .await?;
            eprintln!();
            writeln!(
                out,
                "{}",
                lang.text(
                    "synthetic-done",
                    &[
                        ("records", format::integer(written as i64)),
                        ("path", path),
                        (
                            "seconds",
                            format::integer(started.elapsed().as_secs() as i64)
                        ),
                    ]
                )
            )
            .context("stdout")?;
        }
    }
    Ok(())
}

/// Writes records one transaction at a time and prints each id once it is
/// committed (the crash-safety test kills it in mid-write).
pub async fn write_loop(
    ctx: &Context,
    unit: &str,
    count: u32,
    out: &mut impl std::io::Write,
) -> Result<()> {
    let service = ctx.service().await?;
    let unit = bienphong_domain::org::Code::parse(unit)
        .map_err(|p| bienphong_domain::ValidationError::new("unit", p))?;
    for i in 0..count {
        let content = bienphong_domain::Content::Propaganda(bienphong_domain::record::Propaganda {
            date: jiff::civil::date(2024, 5, 1),
            unit: unit.clone(),
            partner_units: vec![],
            topic: "Kiểm thử ghi liên tục".into(),
            sessions: 1,
            listeners: i,
        });
        let rev = service.add(&ctx.actor(), content).await?;
        // Printed only after the commit returned: an acknowledged write.
        writeln!(out, "{}", rev.record_id).context("stdout")?;
        out.flush().context("stdout")?;
    }
    Ok(())
}

/// Whether the store already holds the Hà Giang demo (its first record).
async fn holds_demo<S: Store>(service: &Service<S>) -> Result<bool> {
    let first: Option<RecordId> = bienphong_demo::ha_giang().first().map(|r| r.record_id);
    Ok(match first {
        Some(id) => service.store().head(id).await?.is_some(),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bienphong_domain::Revision;
    use bienphong_store::SqlStore;

    async fn fresh() -> (Service<SqlStore>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::open_sqlite(&dir.path().join("s.sqlite"))
            .await
            .unwrap();
        (Service::new(store), dir)
    }

    fn comparable(revisions: Vec<Revision>) -> Vec<Revision> {
        // Node ids differ between two installations; nothing else may.
        let node = bienphong_domain::NodeId(uuid_nil());
        let mut v: Vec<Revision> = revisions
            .into_iter()
            .map(|r| Revision { node_id: node, ..r })
            .collect();
        v.sort_by_key(|r| r.id);
        v
    }

    fn uuid_nil() -> bienphong_domain::id::Uuid {
        bienphong_domain::id::Uuid::nil()
    }

    /// The bulk path (large batches, the organisation checked in memory) and
    /// the normal path (one record per transaction, the organisation read
    /// from the store) give the same revisions and the same derived tables.
    #[tokio::test]
    async fn bulk_and_normal_write_paths_agree() {
        let records: Vec<DemoRecord> = bienphong_demo::synthetic(1, 1, 300).collect();
        assert!(records.len() > 300);

        let (bulk, _a) = fresh().await;
        write_all(&bulk, records.clone(), 5_000, |_| {})
            .await
            .unwrap();

        let (normal, _b) = fresh().await;
        for r in records {
            normal.add_new(new_record(r)).await.unwrap();
        }

        assert_eq!(
            comparable(bulk.store().revisions().await.unwrap()),
            comparable(normal.store().revisions().await.unwrap())
        );
        assert_eq!(
            bulk.store().derived_snapshot().await.unwrap(),
            normal.store().derived_snapshot().await.unwrap()
        );
    }

    /// An invalid record anywhere in a bulk batch writes nothing of it.
    #[tokio::test]
    async fn a_bulk_batch_with_a_bad_record_writes_nothing() {
        let mut records: Vec<DemoRecord> = bienphong_demo::synthetic(1, 1, 50).collect();
        let last = records.len() - 1;
        if let bienphong_domain::Content::Patrol(p) = &mut records[last].content {
            p.lead_unit = bienphong_domain::org::Code::parse("KHONGCO").unwrap();
        } else {
            records[last].content = records
                .iter()
                .find_map(|r| match &r.content {
                    bienphong_domain::Content::Patrol(p) => {
                        let mut p = p.clone();
                        p.lead_unit = bienphong_domain::org::Code::parse("KHONGCO").unwrap();
                        Some(bienphong_domain::Content::Patrol(p))
                    }
                    _ => None,
                })
                .unwrap();
        }
        let (service, _d) = fresh().await;
        assert!(write_all(&service, records, 100_000, |_| {}).await.is_err());
        assert_eq!(service.store().revision_count().await.unwrap(), 0);
    }
}
