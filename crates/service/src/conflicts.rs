//! Records changed on two nodes since their common revision, and their
//! resolution by a person: one revision that names every head as a parent,
//! with the content of the version chosen, or of a field-by-field merge.

use crate::accounts::Principal;
use crate::{Actor, Result, Service, ServiceError};
use bienphong_domain::access::Access;
use bienphong_domain::briefing::keeps_submitted;
use bienphong_domain::revision::{heads, merge_fields, shown_head};
use bienphong_domain::validate::check;
use bienphong_domain::{
    Content, Problem, RecordId, RecordType, Revision, RevisionId, ValidationError,
};
use bienphong_store::{AccountStore, Conflict, Store, StoreError, Write};
use thiserror::Error;

/// What a person chose: one version as it is, or that version with some
/// fields taken from others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolution {
    pub take: RevisionId,
    /// Field (top-level key of the record's content) and the version to
    /// take it from.
    pub fields: Vec<(String, RevisionId)>,
}

/// Why a resolution cannot be made as asked.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ResolutionProblem {
    #[error("revision {revision} is not one of the versions of record {record} in conflict")]
    NotAVersion {
        record: RecordId,
        revision: RevisionId,
    },
    #[error("revision {0} deletes the record: it has no fields to take")]
    FieldsOfDeleted(RevisionId),
    #[error("a deletion cannot be merged with fields of another version")]
    DeletionWithFields,
}

impl ResolutionProblem {
    /// The translation key of the problem's message and its arguments.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        match self {
            Self::NotAVersion { record, revision } => (
                "resolution-not-a-version",
                vec![
                    ("id", record.to_string()),
                    ("revision", revision.to_string()),
                ],
            ),
            Self::FieldsOfDeleted(revision) => (
                "resolution-fields-of-deleted",
                vec![("revision", revision.to_string())],
            ),
            Self::DeletionWithFields => ("resolution-deletion-with-fields", Vec::new()),
        }
    }
}

/// A record in conflict with its competing versions (its heads, in id
/// order) and the fields in which they differ.
#[derive(Clone, Debug)]
pub struct ConflictView {
    pub record_id: RecordId,
    pub record_type: RecordType,
    pub versions: Vec<Revision>,
    pub differing: Vec<String>,
    /// The last live content before or in the versions (for the record's
    /// type, unit and date when every version deletes it).
    pub content: Option<Content>,
}

impl ConflictView {
    /// The record and its versions as the CLI and the API print them.
    pub fn to_json(&self) -> serde_json::Value {
        let fields = |json: &str| serde_json::from_str(json).unwrap_or(serde_json::Value::Null);
        serde_json::json!({
            "record_id": self.record_id.to_string(),
            "type": self.record_type.as_str(),
            "differing_fields": self.differing,
            "versions": self.versions.iter().map(|r| serde_json::json!({
                "revision": r.id.to_string(),
                "node": r.node_id.to_string(),
                "author": r.author,
                "created_ms": r.created_ms,
                "deleted": r.deleted,
                "content": (!r.deleted).then(|| fields(&r.content)),
            })).collect::<Vec<_>>(),
        })
    }
}

impl<S: Store> Service<S> {
    pub async fn conflicts(&self) -> Result<Vec<Conflict>> {
        Ok(self.store.conflicts().await?)
    }

    /// The versions of a record in conflict, read from its history (parent
    /// links decide, as everywhere).
    pub async fn conflict_view(&self, record_id: RecordId) -> Result<ConflictView> {
        let history = self.history(record_id).await?;
        let record_type = history
            .first()
            .map(|r| r.record_type)
            .ok_or(StoreError::NotFound(record_id))?;
        let head_ids = heads(history.iter().map(|r| (r.id, r.parents.as_slice())));
        if head_ids.len() < 2 {
            return Err(StoreError::NotInConflict(record_id).into());
        }
        let content = bienphong_domain::revision::describing_content(&history)
            .and_then(|r| Content::from_json(r.record_type, &r.content).ok());
        let mut versions: Vec<Revision> = history
            .into_iter()
            .filter(|r| head_ids.contains(&r.id))
            .collect();
        versions.sort_by_key(|r| r.id);
        let live: Vec<&str> = versions
            .iter()
            .filter(|r| !r.deleted)
            .map(|r| r.content.as_str())
            .collect();
        let differing = bienphong_domain::revision::differing_fields(&live);
        Ok(ConflictView {
            record_id,
            record_type,
            versions,
            differing,
            content,
        })
    }

    /// Ends a conflict with the version chosen (or merged): checked like an
    /// edit, written as one revision whose parents are every version.
    pub async fn resolve(
        &self,
        actor: &Actor,
        record_id: RecordId,
        resolution: &Resolution,
    ) -> Result<Revision> {
        let view = self.conflict_view(record_id).await?;
        let content = resolved_content(&view, resolution)?;
        self.write_resolution(actor, &view, content).await
    }

    /// Writes `content` (`None`: a deletion) as the resolution of `view`.
    async fn write_resolution(
        &self,
        actor: &Actor,
        view: &ConflictView,
        content: Option<Content>,
    ) -> Result<Revision> {
        if let Some(c) = &content {
            let org = self.org_shared().await?;
            check(c, &org, false)?;
            self.check_subject(c).await?;
        }
        // Written past `Service::commit`: its briefing rules judge an edit
        // of the shown version, and a resolution may keep a submitted one.
        let json = content.as_ref().map(Content::to_json);
        if !keeps_submitted(&view.versions, json.as_deref()) {
            return Err(ValidationError::new("status", Problem::AlreadySubmitted).into());
        }
        let ids: Vec<RevisionId> = view.versions.iter().map(|r| r.id).collect();
        let parent = shown_head(&ids);
        let write = vec![Write {
            record_id: view.record_id,
            record_type: view.record_type,
            content,
            parent,
            resolves: ids.into_iter().filter(|id| Some(*id) != parent).collect(),
            author: actor.name.clone(),
            created_ms: actor.now_ms,
            revision_id: None,
        }];
        self.node_rule(&write).await?;
        let written = self.store.commit(write).await?;
        crate::only_revision(written)
    }
}

/// The content a resolution writes; `None` when the chosen version deletes
/// the record.
fn resolved_content(view: &ConflictView, resolution: &Resolution) -> Result<Option<Content>> {
    let version = |id: RevisionId| {
        view.versions
            .iter()
            .find(|r| r.id == id)
            .ok_or(ServiceError::Resolution(ResolutionProblem::NotAVersion {
                record: view.record_id,
                revision: id,
            }))
    };
    let base = version(resolution.take)?;
    let mut picks = Vec::with_capacity(resolution.fields.len());
    for (field, from) in &resolution.fields {
        let from = version(*from)?;
        if from.deleted {
            return Err(ServiceError::Resolution(
                ResolutionProblem::FieldsOfDeleted(from.id),
            ));
        }
        if from.id != base.id {
            picks.push((field.as_str(), from.content.as_str()));
        }
    }
    if base.deleted {
        if picks.is_empty() {
            return Ok(None);
        }
        return Err(ServiceError::Resolution(
            ResolutionProblem::DeletionWithFields,
        ));
    }
    let json = merge_fields(&base.content, &picks);
    Ok(Some(Content::from_json(base.record_type, &json)?))
}

impl<S: Store + AccountStore> Service<S> {
    /// The conflicts among records `who` may read.
    pub async fn conflicts_as(&self, who: &Principal) -> Result<Vec<ConflictView>> {
        let mut out = Vec::new();
        for c in self.conflicts().await? {
            let view = match self.conflict_view(c.record_id).await {
                Ok(v) => v,
                // Resolved since the list was read.
                Err(ServiceError::Store(StoreError::NotInConflict(_))) => continue,
                Err(e) => return Err(e),
            };
            if self.may_see_versions(who, &view).await? {
                out.push(view);
            }
        }
        Ok(out)
    }

    /// A record in conflict, if `who` may read every version of it.
    pub async fn conflict_view_as(
        &self,
        who: &Principal,
        record_id: RecordId,
    ) -> Result<ConflictView> {
        let view = self.conflict_view(record_id).await?;
        if !self.may_see_versions(who, &view).await? {
            return Err(StoreError::NotFound(record_id).into());
        }
        Ok(view)
    }

    async fn may_see_versions(&self, who: &Principal, view: &ConflictView) -> Result<bool> {
        let org = self.org_shared().await?;
        for c in version_contents(view) {
            if !self.allowed_in(&org, who, Access::Read, &c).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// [`Service::resolve`] as `who`: every version and the result must be
    /// within what `who` may write. Audited as `resolve`.
    pub async fn resolve_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record_id: RecordId,
        resolution: &Resolution,
    ) -> Result<Revision> {
        let view = self.conflict_view(record_id).await?;
        let org = self.org_shared().await?;
        for c in version_contents(&view) {
            if !self.allowed_in(&org, who, Access::Read, &c).await? {
                self.refuse_unseen(who, now_ms, "resolve", record_id, &c)
                    .await?;
                return Err(StoreError::NotFound(record_id).into());
            }
            self.authorise_write(who, now_ms, "resolve", Some(record_id), &c)
                .await?;
        }
        let content = resolved_content(&view, resolution)?;
        if let Some(c) = &content {
            self.authorise_write(who, now_ms, "resolve", Some(record_id), c)
                .await?;
        }
        let actor = Actor {
            name: who.name.clone(),
            now_ms,
        };
        let rev = self.write_resolution(&actor, &view, content).await?;
        let audited = (!rev.deleted)
            .then(|| Content::from_json(rev.record_type, &rev.content).ok())
            .flatten()
            .or(view.content);
        self.audit_record(
            who,
            now_ms,
            "resolve",
            true,
            rev.record_type,
            Some(record_id),
            audited.as_ref(),
            format!(
                "{} ({})",
                rev.id,
                rev.parents
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .await?;
        Ok(rev)
    }
}

/// Each version's content; a deletion is judged by the last live content.
fn version_contents(view: &ConflictView) -> Vec<Content> {
    let mut out: Vec<Content> = view
        .versions
        .iter()
        .filter(|r| !r.deleted)
        .filter_map(|r| Content::from_json(r.record_type, &r.content).ok())
        .collect();
    if view.versions.iter().any(|r| r.deleted)
        && let Some(c) = &view.content
    {
        out.push(c.clone());
    }
    out
}
