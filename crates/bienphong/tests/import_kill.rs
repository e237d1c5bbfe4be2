//! An import of 200.000 rows killed with SIGKILL while it writes: its
//! batches were written inside one transaction, so nothing of it is
//! visible, the store passes its check, and the same file imports whole.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

mod common;

use bienphong_store::{AccountStore, AuditFilter, ImportStore, SqlStore, Store};
use common::{bin, demo, process, stdout};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const ROWS: u64 = 200_000;

/// What an import adds to: records, revisions, import bases, audit entries
/// of created records.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    records: u64,
    revisions: u64,
    bases: usize,
    created_audited: usize,
}

fn counts(data: &Path) -> Counts {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = SqlStore::open_sqlite(&data.join("bienphong.sqlite"))
            .await
            .unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), "ok");
        let mut bases = 0;
        let mut after = None;
        loop {
            let page = store.import_bases_after(after, 50_000).await.unwrap();
            bases += page.len();
            match page.last() {
                Some((id, _)) => after = Some(*id),
                None => break,
            }
        }
        // The newest thousand entries are enough to see whether the import
        // left any: it would have left two hundred thousand.
        let created_audited = store
            .audit(&AuditFilter {
                action: Some("create".into()),
                limit: 1000,
                ..AuditFilter::default()
            })
            .await
            .unwrap()
            .len();
        let c = Counts {
            records: store.record_count().await.unwrap(),
            revisions: store.revision_count().await.unwrap(),
            bases,
            created_audited,
        };
        store.close().await;
        c
    })
}

fn wal_size(data: &Path) -> u64 {
    std::fs::metadata(data.join("bienphong.sqlite-wal")).map_or(0, |m| m.len())
}

#[test]
fn an_import_killed_while_writing_leaves_nothing_half_visible() {
    let started = Instant::now();
    let data = demo();
    let file = data.path().join("patrols.xlsx");
    stdout(
        bin(data.path())
            .args(["bench", "sheet-file", "--rows", &ROWS.to_string(), "-o"])
            .arg(&file),
    );
    let before = counts(data.path());
    let wal_before = wal_size(data.path());

    let mut child = process(data.path())
        .arg("import")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Reading and checking write nothing; the write-ahead log grows only
    // once the batches are written, and past the page cache (64 MB) they
    // spill into it long before the commit.
    let deadline = Instant::now() + Duration::from_secs(600);
    let grown = 16 * 1024 * 1024;
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it could be killed while writing"
        );
        assert!(
            Instant::now() < deadline,
            "the import never started writing"
        );
        if wal_size(data.path()) > wal_before + grown {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let killed_at = started.elapsed();

    assert_eq!(counts(data.path()), before);
    let check = stdout(bin(data.path()).args(["--lang", "en", "store", "check"]));
    assert!(check.contains("intact"), "{check}");

    stdout(bin(data.path()).arg("import").arg(&file));
    let after = counts(data.path());
    assert_eq!(after.records, before.records + ROWS);
    assert_eq!(after.revisions, before.revisions + ROWS);
    assert_eq!(after.bases, before.bases + ROWS as usize);
    assert_eq!(after.created_audited, 1000);
    eprintln!(
        "killed after {:.1} s (WAL {} MB), whole test {:.1} s",
        killed_at.as_secs_f64(),
        wal_size(data.path()) / 1024 / 1024,
        started.elapsed().as_secs_f64()
    );
}
