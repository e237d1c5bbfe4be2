//! A data subject's rights (Personal Data Protection Law 91/2025/QH15,
//! Decree 356/2025): the register of their requests with the day each is
//! due, everything held about one person with its history, and erasure
//! (docs/adr/0020-data-subjects-and-erasure.md). Every read of a person's
//! data is audited with the records seen; an erasure is audited with the
//! records it cleared, never with the data.

use crate::{Result, Service};
use bienphong_domain::personal::{
    REQUEST_KINDS, REQUEST_STATES, cleared, names, request_due, without,
};
use bienphong_domain::{Content, Date, Problem, RecordId, RevisionId, ValidationError};
use bienphong_store::{
    AccountStore, AuditEntry, Erasure, PersonalStore, Store, StoreError, SubjectRequest, Write,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// One revision of a record naming the person, as the export shows it.
#[derive(Clone, Debug, Serialize)]
pub struct HeldRevision {
    pub id: RevisionId,
    pub created_ms: i64,
    pub author: String,
    pub deleted: bool,
    /// The content as stored; `null` for a tombstone.
    pub content: Option<serde_json::Value>,
}

/// A record naming the person: what it holds now and its history.
#[derive(Clone, Debug, Serialize)]
pub struct HeldRecord {
    pub record_id: RecordId,
    pub record_type: bienphong_domain::RecordType,
    /// What it holds now; `None` once deleted.
    pub current: Option<serde_json::Value>,
    pub history: Vec<HeldRevision>,
}

/// Everything the store holds about one person: the records naming them
/// (with history), and their requests.
#[derive(Clone, Debug, Serialize)]
pub struct PersonData {
    pub person: String,
    pub records: Vec<HeldRecord>,
    pub requests: Vec<RequestView>,
}

/// A request as the register and the API show it.
#[derive(Clone, Debug, Serialize)]
pub struct RequestView {
    pub id: String,
    pub person: String,
    pub kind: String,
    pub received_on: String,
    pub due_on: String,
    pub state: String,
    pub note: String,
    pub received_by: String,
    pub received_ms: i64,
    pub handled_by: Option<String>,
    pub handled_ms: Option<i64>,
}

impl From<SubjectRequest> for RequestView {
    fn from(r: SubjectRequest) -> Self {
        Self {
            id: r.id,
            person: r.person,
            kind: r.kind,
            received_on: r.received_on,
            due_on: r.due_on,
            state: r.state,
            note: r.note,
            received_by: r.received_by,
            received_ms: r.received_ms,
            handled_by: r.handled_by,
            handled_ms: r.handled_ms,
        }
    }
}

/// What an erasure did, per record.
#[derive(Clone, Debug, Serialize)]
pub struct Erased {
    pub record_id: RecordId,
    pub record_type: bienphong_domain::RecordType,
    /// The revision that erased it: the tombstone or the edit without them.
    pub revision_id: RevisionId,
    /// Earlier revisions whose content was cleared.
    pub cleared: usize,
}

/// What one erasure call writes, gathered record by record before the one
/// transaction that writes it.
#[derive(Default)]
struct ErasurePlan {
    writes: Vec<Write>,
    clears: Vec<(RevisionId, String)>,
    notes: Vec<Erasure>,
    done: Vec<Erased>,
    restore: Vec<RecordId>,
}

fn json_of(content: &str) -> Option<serde_json::Value> {
    serde_json::from_str(content).ok()
}

impl<S: Store + AccountStore + PersonalStore> Service<S> {
    /// One audit entry of the data-subject use cases, by `actor`.
    async fn audit_personal(
        &self,
        actor: &str,
        now_ms: i64,
        action: &str,
        record: Option<(bienphong_domain::RecordType, RecordId)>,
        detail: String,
    ) -> Result<()> {
        self.store()
            .append_audit(&AuditEntry {
                seq: 0,
                at_ms: now_ms,
                actor: actor.to_string(),
                action: action.to_string(),
                outcome: "allowed".to_string(),
                record_type: record.map(|(t, _)| t.as_str().to_string()),
                record_id: record.map(|(_, id)| id.to_string()),
                unit: None,
                detail,
                address: None,
            })
            .await?;
        Ok(())
    }

    /// The records that name `person` in any of their revisions.
    async fn records_naming(&self, person: &str) -> Result<Vec<RecordId>> {
        let mut found = BTreeSet::new();
        for r in self.store().restricted_revisions().await? {
            if r.deleted || found.contains(&r.record_id) {
                continue;
            }
            if let Ok(c) = Content::from_json(r.record_type, &r.content)
                && names(&c, person)
            {
                found.insert(r.record_id);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// Plans the erasure of record `id`: `clear` gives what each earlier
    /// revision keeps (`None`: it held nothing to erase), `after` what the
    /// record holds from now on given what it holds now (`None`: deleted).
    /// Returns whether the record is deleted by it.
    #[expect(
        clippy::too_many_arguments,
        reason = "one record's erasure: who, when, why, and its two rules"
    )]
    async fn plan_erasure(
        &self,
        plan: &mut ErasurePlan,
        id: RecordId,
        actor: &str,
        now_ms: i64,
        request: Option<&str>,
        clear: impl Fn(&Content) -> Option<Content>,
        after: impl Fn(Option<Content>) -> Option<Content>,
    ) -> Result<bool> {
        let history = self.store().history(id).await?;
        let Some(head) = self.store().head(id).await? else {
            return Ok(false);
        };
        let mut cleared_ids = Vec::new();
        let mut last_live = None;
        for r in &history {
            if r.deleted {
                continue;
            }
            let content = Content::from_json(r.record_type, &r.content)
                .map_err(|e| StoreError::Corrupt(format!("{} {}: {e}", r.record_type, id)))?;
            if let Some(c) = clear(&content) {
                plan.clears.push((r.id, c.to_json()));
                cleared_ids.push(r.id);
            }
            last_live = Some(content);
        }
        let write = |content: Option<Content>, parent: RevisionId| Write {
            record_id: id,
            record_type: head.record_type,
            content,
            parent: Some(parent),
            resolves: Vec::new(),
            author: actor.to_string(),
            created_ms: now_ms,
            revision_id: Some(RevisionId::default()),
        };
        // The erasing revision: the record without the person, or a
        // tombstone. A record deleted before is revived cleared and
        // deleted again, so that a revision carries the erasure.
        let mut erasing = if head.deleted {
            let revived = write(
                last_live
                    .as_ref()
                    .map(|c| clear(c).unwrap_or_else(|| c.clone())),
                head.revision_id,
            );
            let parent = revived.revision_id.unwrap_or_default();
            plan.restore.push(id);
            plan.writes.push(revived);
            write(None, parent)
        } else {
            let now = self
                .store()
                .get(id)
                .await?
                .map(|r| Content::from_json(r.record_type, &r.content))
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("{id}: {e}")))?;
            // A record that no longer names them (an earlier version
            // did) keeps what it holds: the same content, again.
            write(after(now), head.revision_id)
        };
        erasing.revision_id.get_or_insert_with(RevisionId::default);
        let revision_id = erasing.revision_id.unwrap_or_default();
        let deleted = erasing.content.is_none();
        plan.writes.push(erasing);
        plan.done.push(Erased {
            record_id: id,
            record_type: head.record_type,
            revision_id,
            cleared: cleared_ids.len(),
        });
        plan.notes.push(Erasure {
            record_id: id,
            record_type: head.record_type,
            revision_id,
            cleared: cleared_ids,
            request_id: request.map(str::to_string),
            actor: actor.to_string(),
            at_ms: now_ms,
        });
        Ok(deleted)
    }

    /// Registers a data subject's request received on `received`: due two
    /// working days later.
    pub async fn add_subject_request(
        &self,
        actor: &str,
        now_ms: i64,
        person: &str,
        kind: &str,
        received: Date,
    ) -> Result<RequestView> {
        let person = bienphong_domain::text::nfc(person.trim());
        if person.is_empty() {
            return Err(ValidationError::new("person", Problem::Empty).into());
        }
        if !REQUEST_KINDS.contains(&kind) {
            return Err(ValidationError::new(
                "kind",
                Problem::UnknownValue {
                    value: kind.to_string(),
                    expected: REQUEST_KINDS.join(", "),
                },
            )
            .into());
        }
        let request = SubjectRequest {
            id: RevisionId::default().to_string(),
            person,
            kind: kind.to_string(),
            received_on: received.to_string(),
            due_on: request_due(received).to_string(),
            state: "open".to_string(),
            note: String::new(),
            received_by: actor.to_string(),
            received_ms: now_ms,
            handled_by: None,
            handled_ms: None,
        };
        self.store().add_subject_request(&request).await?;
        self.audit_personal(
            actor,
            now_ms,
            "subject_request.add",
            None,
            format!("request {} ({kind})", request.id),
        )
        .await?;
        Ok(request.into())
    }

    /// The register of requests, by due day.
    pub async fn subject_requests(&self) -> Result<Vec<RequestView>> {
        Ok(self
            .store()
            .subject_requests()
            .await?
            .into_iter()
            .map(RequestView::from)
            .collect())
    }

    /// Records how request `id` was handled: its new state and a note.
    pub async fn handle_subject_request(
        &self,
        actor: &str,
        now_ms: i64,
        id: &str,
        state: &str,
        note: &str,
    ) -> Result<()> {
        if !REQUEST_STATES.contains(&state) {
            return Err(ValidationError::new(
                "state",
                Problem::UnknownValue {
                    value: state.to_string(),
                    expected: REQUEST_STATES.join(", "),
                },
            )
            .into());
        }
        let note = bienphong_domain::text::nfc(note.trim());
        if !self
            .store()
            .handle_subject_request(id, state, &note, actor, now_ms)
            .await?
        {
            return Err(ValidationError::new("id", Problem::UnknownRecord(id.to_string())).into());
        }
        self.audit_personal(
            actor,
            now_ms,
            "subject_request.handle",
            None,
            format!("request {id}: {state}"),
        )
        .await
    }

    /// Everything held about `person`: the records naming them with their
    /// history, and their requests. Audited as a read of personal data
    /// with the records seen.
    pub async fn person_data(&self, actor: &str, now_ms: i64, person: &str) -> Result<PersonData> {
        let person = bienphong_domain::text::nfc(person.trim());
        if person.is_empty() {
            return Err(ValidationError::new("person", Problem::Empty).into());
        }
        let ids = self.records_naming(&person).await?;
        let mut records = Vec::with_capacity(ids.len());
        for id in &ids {
            let history = self.store().history(*id).await?;
            let Some(first) = history.first() else {
                continue;
            };
            let current = self
                .store()
                .get(*id)
                .await?
                .and_then(|r| json_of(&r.content));
            records.push(HeldRecord {
                record_id: *id,
                record_type: first.record_type,
                current,
                history: history
                    .iter()
                    .map(|r| HeldRevision {
                        id: r.id,
                        created_ms: r.created_ms,
                        author: r.author.clone(),
                        deleted: r.deleted,
                        content: (!r.deleted).then(|| json_of(&r.content)).flatten(),
                    })
                    .collect(),
            });
        }
        let requests = self
            .store()
            .subject_requests()
            .await?
            .into_iter()
            .filter(|r| bienphong_domain::personal::same_name(&r.person, &person))
            .map(RequestView::from)
            .collect();
        if !ids.is_empty() {
            self.audit_personal(
                actor,
                now_ms,
                "restricted.read",
                None,
                format!(
                    "data subject export: {}",
                    crate::records_seen(ids.iter().copied())
                ),
            )
            .await?;
        }
        Ok(PersonData {
            person,
            records,
            requests,
        })
    }

    /// Erases `person` from every record naming them: the record from now
    /// on (a beneficiary deleted, a case without them) and the content of
    /// its earlier revisions (cleared), in one transaction, noted without
    /// content and audited by record. With `request`, that request is
    /// answered. Travels to nodes with the erasing revision.
    pub async fn erase_person(
        &self,
        actor: &str,
        now_ms: i64,
        person: &str,
        request: Option<&str>,
    ) -> Result<Vec<Erased>> {
        let person = bienphong_domain::text::nfc(person.trim());
        if person.is_empty() {
            return Err(ValidationError::new("person", Problem::Empty).into());
        }
        if let Some(id) = request
            && !self
                .store()
                .subject_requests()
                .await?
                .iter()
                .any(|r| r.id == id)
        {
            return Err(
                ValidationError::new("request", Problem::UnknownRecord(id.to_string())).into(),
            );
        }
        let ids = self.records_naming(&person).await?;
        let mut plan = ErasurePlan::default();
        for id in ids {
            let deleted = self
                .plan_erasure(
                    &mut plan,
                    id,
                    actor,
                    now_ms,
                    request,
                    |c| cleared(c, &person),
                    |c| match c {
                        Some(c) if names(&c, &person) => without(&c, &person),
                        other => other,
                    },
                )
                .await?;
            // The files of a record that was theirs alone (a beneficiary, a
            // case's only subject) go with it; a case that keeps other
            // subjects keeps its files, which may be about them.
            if deleted {
                for link in self.store().links_to(id).await? {
                    self.plan_erasure(
                        &mut plan,
                        link,
                        actor,
                        now_ms,
                        request,
                        |c| Some(bienphong_domain::personal::unnamed_file(c)),
                        |_| None,
                    )
                    .await?;
                }
            }
        }
        let ErasurePlan {
            writes,
            clears,
            notes,
            done,
            restore,
        } = plan;
        if done.is_empty() {
            return Ok(done);
        }
        self.store().erase(writes, clears, notes, restore).await?;
        for e in &done {
            self.audit_personal(
                actor,
                now_ms,
                "personal.erase",
                Some((e.record_type, e.record_id)),
                format!(
                    "erased by revision {}; {} earlier revisions cleared{}",
                    e.revision_id,
                    e.cleared,
                    request
                        .map(|r| format!("; request {r}"))
                        .unwrap_or_default()
                ),
            )
            .await?;
        }
        if let Some(id) = request {
            self.store()
                .handle_subject_request(
                    id,
                    "answered",
                    &format!("erased from {} records", done.len()),
                    actor,
                    now_ms,
                )
                .await?;
        }
        Ok(done)
    }
}
