//! Use cases over a [`Store`]: every record is checked against the
//! organisation and catalogues as they were on its date before anything is
//! written; edits and deletes name the revision they follow.

use bienphong_domain::catalogue::Catalogue;
use bienphong_domain::limits::{Doubt, SeizureHistory, check_plausible, check_plausible_with};
use bienphong_domain::org::Org;
use bienphong_domain::record::RecordType;
use bienphong_domain::validate::check;
use bienphong_domain::{Content, RecordId, Revision, RevisionId, ValidationError};
use bienphong_domain::{Described, ErrorKind};
use bienphong_store::{CurrentRecord, ImportStore, ListFilter, Store, StoreError, Write};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use thiserror::Error;

pub mod accounts;
mod attachments;
mod briefing;
pub mod codes;
mod conflicts;
pub mod edxml;
pub mod edxml_status;
pub mod geo;
mod guarded;
mod node;
pub mod personal;
pub mod reorg;
mod scope;
mod signoff;

pub use accounts::{LoginRefusal, NewSession, NewUser, Principal, TokenTerms, TokenView};
pub use attachments::{AttachmentView, Fetched, checked_blob, too_large};
pub use briefing::StoredBriefing;
pub use conflicts::{ConflictView, Resolution, ResolutionProblem};
pub use guarded::Page;
pub use signoff::{AnswerRequest, SignoffProblem, SignoffView, is_sent};

#[derive(Debug, Error)]
pub enum ServiceError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("user names are 1–64 letters a-z, digits, '.', '-' or '_': {0}")]
    BadUsername(String),
    #[error("a password needs at least {0} characters")]
    WeakPassword(usize),
    #[error("unknown unit {0}")]
    UnknownUnit(String),
    #[error("unknown user {0}")]
    UnknownUser(String),
    #[error(transparent)]
    Resolution(#[from] conflicts::ResolutionProblem),
    #[error(transparent)]
    Signoff(#[from] signoff::SignoffProblem),
    /// Values possible but unlikely, not confirmed by the writer: nothing
    /// was written; the same write confirmed is accepted.
    #[error("please confirm: {}", doubts_text(.0))]
    NeedsConfirmation(Vec<Doubt>),
    #[error("a token's expiry must be in the future")]
    TokenExpiryPast,
    #[error("a node's token has no owner whose password could end it")]
    NodeTokenWithoutOwner,
    /// A change set given to a field node: only the server holds every
    /// record its checks need (docs/org-changes.md).
    #[error(
        "a reorganisation is applied on the server, not on a field node: the node holds only its own records, so it cannot check that none is left pointing at a unit that ends; it receives the change set with its next sync"
    )]
    ChangeSetOnNode,
    /// A record has no live file by that hash.
    #[error("the record has no file {0}")]
    AttachmentUnknown(String),
    /// A file this node left on its server (deferred): fetch it first.
    #[error("file {0} has not been fetched from the server yet")]
    NotFetched(String),
    /// An edXML packet that cannot be built or taken in.
    #[error(transparent)]
    Edxml(#[from] edxml::EdxmlProblem),
    #[error("{0}")]
    Internal(String),
}

fn doubts_text(doubts: &[Doubt]) -> String {
    doubts
        .iter()
        .map(Doubt::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl ServiceError {
    /// The one description of each service error: its kind (the edges
    /// turn it into an HTTP status or an exit code, each in one table),
    /// its API code and its message key with arguments. A write to be
    /// confirmed is described as a whole; each doubt is worded by the edge
    /// beside its field, with the key `doubt-` and its code.
    pub fn describe(&self) -> Described {
        use ErrorKind as K;
        match self {
            Self::Invalid(v) => v.describe(),
            Self::Store(e) => e.describe(),
            Self::Forbidden(detail) => {
                Described::new(K::Forbidden, "forbidden", "api-forbidden").with("detail", detail)
            }
            Self::BadUsername(name) => {
                Described::new(K::Invalid, "invalid", "user-name-invalid").with("value", name)
            }
            Self::WeakPassword(min) => Described::new(K::Invalid, "invalid", "password-too-short")
                .with("min", min.to_string()),
            Self::UnknownUnit(code) => {
                Described::new(K::Invalid, "invalid", "field-unknown-unit").with("value", code)
            }
            Self::UnknownUser(name) => {
                Described::new(K::NotFound, "not_found", "user-unknown").with("name", name)
            }
            Self::Resolution(p) => {
                let (key, args) = p.message();
                let mut d = Described::new(K::Invalid, "invalid", key);
                d.args = args;
                d
            }
            Self::Signoff(p) => p.describe(),
            Self::NeedsConfirmation(doubts) => {
                Described::new(K::Invalid, "needs_confirmation", "needs-confirmation")
                    .with("count", doubts.len().to_string())
            }
            Self::TokenExpiryPast => Described::new(K::Invalid, "invalid", "token-expiry-past"),
            Self::NodeTokenWithoutOwner => {
                Described::new(K::Invalid, "invalid", "token-node-no-owner")
            }
            Self::ChangeSetOnNode => {
                Described::new(K::Forbidden, "forbidden", "org-change-on-node")
            }
            Self::AttachmentUnknown(hash) => {
                Described::new(K::NotFound, "not_found", "attachment-unknown").with("value", hash)
            }
            Self::NotFetched(hash) => {
                Described::new(K::Conflict, "not_fetched", "attachment-not-fetched")
                    .with("value", hash)
            }
            Self::Edxml(p) => p.describe(),
            Self::Internal(detail) => {
                Described::new(K::Internal, "internal", "error-internal").with("detail", detail)
            }
        }
    }
}

pub type Result<T> = std::result::Result<T, ServiceError>;

/// A record named as one type that is of another is refused as such.
fn of_type(record: RecordId, expected: RecordType, actual: RecordType) -> Result<()> {
    if expected == actual {
        Ok(())
    } else {
        Err(StoreError::WrongType {
            record,
            expected,
            actual,
        }
        .into())
    }
}

/// The instant the process was told to take as now, if it was
/// ([`fix_clock`]).
static FIXED_NOW: std::sync::OnceLock<i64> = std::sync::OnceLock::new();

/// Fixes the process's clock at `ms` (milliseconds since the Unix epoch):
/// from then on [`now_ms`] and [`today`] answer that instant. The binary
/// injects it from `BIENPHONG_NOW`, so that the CLI and the server asked
/// the same thing with the same "now" give the same bytes. The first
/// instant fixed stays; false if another was fixed before.
pub fn fix_clock(ms: i64) -> bool {
    *FIXED_NOW.get_or_init(|| ms) == ms
}

/// The time now, in milliseconds since the Unix epoch: the instant fixed
/// by [`fix_clock`], else the system clock.
#[expect(
    clippy::disallowed_methods,
    reason = "the one clock read below the binary: every edge and use case asks here (clippy.toml forbids the rest)"
)]
pub fn now_ms() -> i64 {
    match FIXED_NOW.get() {
        Some(ms) => *ms,
        None => jiff::Timestamp::now().as_millisecond(),
    }
}

/// Today at the border (Asia/Ho_Chi_Minh): the day records are written
/// under and reports are dated, for the CLI and the server alike.
pub fn today() -> bienphong_domain::Date {
    let now = jiff::Timestamp::from_millisecond(now_ms()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    now.in_tz(bienphong_domain::TIME_ZONE)
        .unwrap_or_else(|_| now.to_zoned_datetime(jiff::tz::TimeZone::UTC))
        .date()
}

/// The checks of every write: the record against the organisation and the
/// hard limits, and, for a record of what happened, its date against the
/// writer's today (`now_ms`, read from the clock by the edge).
pub fn check_write(
    content: &Content,
    org: &Org,
    is_new_unit: bool,
    now_ms: i64,
) -> std::result::Result<(), bienphong_domain::ValidationError> {
    check(content, org, is_new_unit)?;
    bienphong_domain::limits::check_not_future(content, bienphong_domain::limits::day_of(now_ms))
}

/// The detail of an audit entry for a read of several records of personal
/// data: how many, and which (their ids), so that the audit says whose data
/// was seen and not only how much. One wording for the web, the API, the
/// CLI and sync pulls.
pub fn records_seen(ids: impl IntoIterator<Item = RecordId>) -> String {
    let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    format!("{} records listed: {}", ids.len(), ids.join(", "))
}

/// Refuses a write whose values are possible but unlikely, unless the
/// writer `confirmed` them. Asked after the hard checks ([`check_write`]):
/// what is impossible is refused whatever the confirmation.
pub fn check_confirmed(content: &Content, org: &Org, confirmed: bool) -> Result<()> {
    if confirmed {
        return Ok(());
    }
    let doubts = check_plausible(content, &org.catalogue);
    if doubts.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::NeedsConfirmation(doubts))
    }
}

/// Who is writing, and when by their clock.
#[derive(Clone, Debug)]
pub struct Actor {
    pub name: String,
    pub now_ms: i64,
}

impl Actor {
    pub fn now(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            now_ms: now_ms(),
        }
    }
}

/// Builds the organisation picture from the store's live structure records.
pub fn org_from_records(records: &[CurrentRecord]) -> std::result::Result<Org, StoreError> {
    let mut org = Org {
        catalogue: Catalogue::default(),
        ..Org::default()
    };
    for r in records {
        let content = Content::from_json(r.record_type, &r.content)
            .map_err(|e| StoreError::Corrupt(format!("{} {}: {e}", r.record_type, r.record_id)))?;
        add_to_org(&mut org, content);
    }
    Ok(org)
}

/// Adds one structure record to `org`; activity records are ignored.
pub fn add_to_org(org: &mut Org, content: Content) {
    match content {
        Content::Unit(u) => {
            org.units.insert(u.code.clone(), u);
        }
        Content::Link(l) => org.links.push(l),
        Content::Marker(m) => {
            org.markers.insert((m.post.clone(), m.number.clone()), m);
        }
        Content::Catalogue(e) => {
            org.catalogue
                .entries
                .insert((e.catalogue, e.code.clone()), e);
        }
        _ => {}
    }
}

/// A record to create in a batch.
#[derive(Clone, Debug)]
pub struct NewRecord {
    pub record_id: RecordId,
    pub content: Content,
    pub author: String,
    pub created_ms: i64,
    pub revision_id: Option<RevisionId>,
}

impl NewRecord {
    fn into_write(self) -> Write {
        Write {
            record_id: self.record_id,
            record_type: self.content.record_type(),
            content: Some(self.content),
            parent: None,
            resolves: Vec::new(),
            author: self.author,
            created_ms: self.created_ms,
            revision_id: self.revision_id,
        }
    }
}

/// One write of a batch ([`Service::write_batch`]).
#[derive(Clone, Debug)]
pub enum BatchWrite {
    Create {
        record_id: RecordId,
        content: Content,
    },
    Update {
        record_id: RecordId,
        /// The revision the new content follows (the record's latest).
        parent: RevisionId,
        content: Content,
    },
    /// Brings a deleted record back with `content`, following its
    /// tombstone.
    Restore {
        record_id: RecordId,
        tombstone: RevisionId,
        content: Content,
    },
}

pub struct Service<S> {
    store: S,
    /// The organisation as of the store's newest revision.
    org_cache: Mutex<Option<(i64, Arc<Org>)>>,
    /// On a field node, the grant of its token: local writes are held to
    /// it (`node.rs`).
    node_grant: Mutex<Option<bienphong_domain::access::Grant>>,
    /// The store is a field node's (`node.rs`): reorganisations are not
    /// applied here.
    on_node: std::sync::atomic::AtomicBool,
    /// The authorities whose signers an incoming packet's signature is
    /// trusted for (docs/adr/0019); none configured: not judged.
    trust: Option<bienphong_edxml::TrustList>,
}

impl<S: Store> Service<S> {
    pub fn new(store: S) -> Self {
        Self {
            store,
            org_cache: Mutex::new(None),
            node_grant: Mutex::new(None),
            on_node: std::sync::atomic::AtomicBool::new(false),
            trust: None,
        }
    }

    /// The service judging incoming signatures against `trust`.
    pub fn with_trust_list(mut self, trust: bienphong_edxml::TrustList) -> Self {
        self.trust = Some(trust);
        self
    }

    /// The organisation, shared: read again from the store only when a
    /// revision has been written since (by this process or another).
    pub async fn org_shared(&self) -> Result<Arc<Org>> {
        let seq = self.store.last_seq().await?;
        if let Ok(cache) = self.org_cache.lock()
            && let Some((at, org)) = cache.as_ref()
            && *at == seq
        {
            return Ok(org.clone());
        }
        let org = Arc::new(org_from_records(&self.store.structure().await?)?);
        if let Ok(mut cache) = self.org_cache.lock() {
            *cache = Some((seq, org.clone()));
        }
        Ok(org)
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn into_store(self) -> S {
        self.store
    }

    pub async fn org(&self) -> Result<Org> {
        Ok((*self.org_shared().await?).clone())
    }

    /// Creates a record after checking it; returns its first revision. A
    /// value possible but unlikely is refused as not confirmed.
    pub async fn add(&self, actor: &Actor, content: Content) -> Result<Revision> {
        self.add_with(actor, content, false).await
    }

    /// [`Service::add`], the writer having `confirmed` (or not) the values
    /// possible but unlikely.
    pub async fn add_with(
        &self,
        actor: &Actor,
        content: Content,
        confirmed: bool,
    ) -> Result<Revision> {
        let org = self.org_shared().await?;
        let mut content = content;
        org.name_units(&mut content);
        let r = NewRecord {
            record_id: RecordId::new(),
            content,
            author: actor.name.clone(),
            created_ms: actor.now_ms,
            revision_id: None,
        };
        check_write(&r.content, &org, true, r.created_ms)?;
        self.check_confirmed(&r.content, &org, confirmed, None, None)
            .await?;
        self.add_checked(r).await
    }

    /// Creates one record in its own transaction: the normal write path,
    /// unconfirmed.
    pub async fn add_new(&self, r: NewRecord) -> Result<Revision> {
        let org = self.org_shared().await?;
        check_write(&r.content, &org, true, r.created_ms)?;
        self.check_confirmed(&r.content, &org, false, None, None)
            .await?;
        self.add_checked(r).await
    }

    /// Writes a record already checked against the organisation.
    pub(crate) async fn add_checked(&self, r: NewRecord) -> Result<Revision> {
        edxml::no_exchange_given(&r.content)?;
        self.check_subject(&r.content).await?;
        self.commit_one(r.into_write()).await
    }

    /// Replaces a record's content. `expected` is the revision the editor
    /// saw; without it the latest is assumed. A value possible but
    /// unlikely is refused as not confirmed.
    pub async fn edit(
        &self,
        actor: &Actor,
        record_id: RecordId,
        expected: Option<RevisionId>,
        content: Content,
    ) -> Result<Revision> {
        self.edit_with(actor, record_id, expected, content, false)
            .await
    }

    /// [`Service::edit`], the writer having `confirmed` (or not) the
    /// values possible but unlikely.
    pub async fn edit_with(
        &self,
        actor: &Actor,
        record_id: RecordId,
        expected: Option<RevisionId>,
        content: Content,
        confirmed: bool,
    ) -> Result<Revision> {
        let head = self.live_head(record_id).await?;
        if head.record_type != content.record_type() {
            return Err(StoreError::WrongType {
                record: record_id,
                expected: content.record_type(),
                actual: head.record_type,
            }
            .into());
        }
        let org = self.org_shared().await?;
        let mut content = content;
        org.name_units(&mut content);
        let content = self.keep_exchange(record_id, content).await?;
        check_write(&content, &org, false, actor.now_ms)?;
        self.check_subject(&content).await?;
        if let Some(current) = self.unchanged(record_id, &content).await? {
            return Ok(current);
        }
        // Saving unchanged content asks nothing: it writes nothing; a value
        // the revision it follows already held is not asked about again.
        let parent = expected.unwrap_or(head.revision_id);
        self.check_confirmed(&content, &org, confirmed, Some(record_id), Some(parent))
            .await?;
        self.write_one(
            actor,
            record_id,
            content.record_type(),
            Some(content),
            Some(parent),
        )
        .await
    }

    /// Deletes a record of type `record_type` (a record of another type is
    /// refused, nothing written): every edge names the collection it
    /// deletes from, and this is where that is checked.
    pub async fn delete_of(
        &self,
        actor: &Actor,
        record_type: RecordType,
        record_id: RecordId,
        expected: Option<RevisionId>,
    ) -> Result<Revision> {
        let head = self.live_head(record_id).await?;
        of_type(record_id, record_type, head.record_type)?;
        self.delete(actor, record_id, expected).await
    }

    /// Deletes a record by appending a tombstone; its history stays.
    pub async fn delete(
        &self,
        actor: &Actor,
        record_id: RecordId,
        expected: Option<RevisionId>,
    ) -> Result<Revision> {
        let head = self.live_head(record_id).await?;
        let parent = expected.unwrap_or(head.revision_id);
        self.write_one(actor, record_id, head.record_type, None, Some(parent))
            .await
    }

    /// Writes many new records in one transaction, checking each against
    /// `org` as it grows (a structure record is visible to those after it).
    /// The same checks as [`Service::add`], unconfirmed; used for the demo.
    pub async fn add_batch(&self, org: &mut Org, records: Vec<NewRecord>) -> Result<Vec<Revision>> {
        let mut writes = Vec::with_capacity(records.len());
        let mut in_batch: HashSet<RecordId> = HashSet::new();
        for r in records {
            check_write(&r.content, org, true, r.created_ms)?;
            check_confirmed(&r.content, org, false)?;
            if let Some(subject) = r.content.subject_of()
                && !in_batch.contains(&subject)
            {
                self.check_subject(&r.content).await?;
            }
            in_batch.insert(r.record_id);
            if r.content.record_type().is_structure() {
                add_to_org(org, r.content.clone());
            }
            writes.push(r.into_write());
        }
        self.commit(writes).await
    }

    pub async fn get(&self, record_id: RecordId) -> Result<CurrentRecord> {
        match self.store.get(record_id).await? {
            Some(r) => Ok(r),
            None => match self.store.head(record_id).await? {
                Some(h) if h.deleted => Err(StoreError::Deleted(record_id).into()),
                _ => Err(StoreError::NotFound(record_id).into()),
            },
        }
    }

    /// A record's revisions, parents before children
    /// (`domain::revision::in_parent_order`): the same on every store.
    pub async fn history(&self, record_id: RecordId) -> Result<Vec<Revision>> {
        let revisions = self.store.history(record_id).await?;
        if revisions.is_empty() {
            return Err(StoreError::NotFound(record_id).into());
        }
        Ok(bienphong_domain::revision::in_parent_order(revisions))
    }

    /// Who each of a record's `revisions` is by, as this store knows it: a
    /// revision a server received by push is by the account that delivered
    /// it, and the author the node wrote is a claim beside it.
    pub async fn attributions(
        &self,
        revisions: &[Revision],
    ) -> Result<Vec<bienphong_domain::revision::Attribution>> {
        let receipts = match revisions.first() {
            Some(r) => self.store.receipts(r.record_id).await?,
            None => Default::default(),
        };
        Ok(revisions
            .iter()
            .map(|r| {
                let delivered = receipts.get(&r.id).map(|d| d.account.as_str());
                bienphong_domain::revision::attribution(&r.author, delivered)
            })
            .collect())
    }

    pub async fn list(&self, filter: ListFilter) -> Result<Vec<CurrentRecord>> {
        Ok(self.store.list(filter).await?)
    }

    /// The values of `content` possible but unlikely, to be confirmed by
    /// the writer: [`check_plausible_with`] over the unit's earlier
    /// seizures (of its other live cases) and the content of the revision
    /// the write follows (`follows`, of `record_id`; for a tombstone, the
    /// content before it), whose values were confirmed when written.
    pub async fn doubts(
        &self,
        content: &Content,
        org: &Org,
        record_id: Option<RecordId>,
        follows: Option<RevisionId>,
    ) -> Result<Vec<Doubt>> {
        let history = match content {
            Content::Case(c) if !c.seizures.is_empty() => {
                let earlier = self
                    .store
                    .unit_seizures(&c.handling_unit, record_id)
                    .await?;
                SeizureHistory::of(earlier.iter().map(|(item, q)| (item.as_str(), q.value())))
            }
            _ => SeizureHistory::default(),
        };
        let previous = match (record_id, follows) {
            (Some(id), Some(parent)) => self.content_at(id, parent).await?,
            _ => None,
        };
        Ok(check_plausible_with(
            content,
            &org.catalogue,
            &history,
            previous.as_ref(),
        ))
    }

    /// Refuses a write whose values are possible but unlikely
    /// ([`Service::doubts`]) unless the writer `confirmed` them.
    pub(crate) async fn check_confirmed(
        &self,
        content: &Content,
        org: &Org,
        confirmed: bool,
        record_id: Option<RecordId>,
        follows: Option<RevisionId>,
    ) -> Result<()> {
        if confirmed {
            return Ok(());
        }
        let doubts = self.doubts(content, org, record_id, follows).await?;
        if doubts.is_empty() {
            Ok(())
        } else {
            Err(ServiceError::NeedsConfirmation(doubts))
        }
    }

    /// The content of `record_id` at `revision`; for a tombstone, the
    /// content of the last live revision before it.
    async fn content_at(
        &self,
        record_id: RecordId,
        revision: RevisionId,
    ) -> Result<Option<Content>> {
        let history = self.store.history(record_id).await?;
        let Some(at) = history.iter().position(|r| r.id == revision) else {
            return Ok(None);
        };
        Ok(history
            .iter()
            .take(at + 1)
            .rev()
            .find(|r| !r.deleted)
            .and_then(|r| Content::from_json(r.record_type, &r.content).ok()))
    }

    /// The record's current revision when `content` is what it already
    /// holds: saving a form untouched is no change and writes nothing.
    async fn unchanged(&self, record_id: RecordId, content: &Content) -> Result<Option<Revision>> {
        let Some(current) = self.store.get(record_id).await? else {
            return Ok(None);
        };
        if current.content != content.to_json() {
            return Ok(None);
        }
        let history = self.store.history(record_id).await?;
        Ok(history.into_iter().find(|r| r.id == current.revision_id))
    }

    /// The latest revision of a record that exists and is not deleted.
    async fn live_head(&self, record_id: RecordId) -> Result<bienphong_store::Head> {
        let head = self
            .store
            .head(record_id)
            .await?
            .ok_or(StoreError::NotFound(record_id))?;
        if head.deleted {
            return Err(StoreError::Deleted(record_id).into());
        }
        Ok(head)
    }

    /// Restricted details must belong to a live record of the right type.
    async fn check_subject(&self, content: &Content) -> Result<()> {
        let Some(subject) = content.subject_of() else {
            return Ok(());
        };
        if let Content::Attachment(_) = content {
            // A file belongs to any live record but another file.
            return match self.store.get(subject).await? {
                Some(r) if r.record_type != RecordType::Attachment => Ok(()),
                _ => Err(ValidationError::new(
                    "record",
                    bienphong_domain::Problem::UnknownRecord(subject.to_string()),
                )
                .into()),
            };
        }
        let (expected, field): (&[RecordType], &str) = match content {
            Content::CaseSubjects(_) => (&[RecordType::Case], "case"),
            Content::Signoff(_) => (
                &[RecordType::Document, RecordType::BriefingReport],
                "record",
            ),
            _ => (&[RecordType::Programme], "programme_record"),
        };
        match self.store.get(subject).await? {
            Some(r) if expected.contains(&r.record_type) => Ok(()),
            _ => Err(ValidationError::new(
                field,
                bienphong_domain::Problem::UnknownRecord(subject.to_string()),
            )
            .into()),
        }
    }

    async fn write_one(
        &self,
        actor: &Actor,
        record_id: RecordId,
        record_type: RecordType,
        content: Option<Content>,
        parent: Option<RevisionId>,
    ) -> Result<Revision> {
        self.commit_one(Write {
            record_id,
            record_type,
            content,
            parent,
            resolves: Vec::new(),
            author: actor.name.clone(),
            created_ms: actor.now_ms,
            revision_id: None,
        })
        .await
    }

    /// Every write of the ordinary paths goes through here, so that the rules
    /// that need the store (briefing reports: one per unit and quarter,
    /// frozen once submitted) hold on all of them.
    async fn commit(&self, writes: Vec<Write>) -> Result<Vec<Revision>> {
        self.node_rule(&writes).await?;
        for w in &writes {
            // A file's link is written with its bytes (`attachments.rs`),
            // never typed: one naming bytes this store lacks is refused.
            if w.record_type == RecordType::Attachment && w.content.is_some() {
                return Err(ValidationError::new(
                    "type",
                    bienphong_domain::Problem::UnknownValue {
                        value: RecordType::Attachment.to_string(),
                        expected: "bienphong attach, POST /api/v1/<collection>/{id}/attachments"
                            .to_string(),
                    },
                )
                .into());
            }
            if w.record_type == RecordType::BriefingReport {
                self.check_briefing_write(w.parent.map(|_| w.record_id), w.content.as_ref())
                    .await?;
            }
        }
        Ok(self.store.commit(writes).await?)
    }

    async fn commit_one(&self, write: Write) -> Result<Revision> {
        only_revision(self.commit(vec![write]).await?)
    }
}

/// The revision of a one-write commit.
fn only_revision(mut revisions: Vec<Revision>) -> Result<Revision> {
    revisions
        .pop()
        .ok_or_else(|| StoreError::Corrupt("commit returned no revision".into()).into())
}

impl<S: Store + ImportStore> Service<S> {
    /// Creates, changes and restores many records in one transaction: all
    /// of them or none. Each content is checked against `org` as
    /// [`Service::add`] and [`Service::edit`] check it; an update names the
    /// revision it follows and is refused if the record changed since. Each
    /// written revision becomes its record's import base, as does each of
    /// `confirmed` (records found equal to their rows), in the same
    /// transaction. Values possible but unlikely are refused, all of
    /// them in one answer, unless `doubts_confirmed`. Each written record
    /// gets its audit entry as `audit` says, in the same transaction.
    /// Used by imports; returns the written revisions' ids.
    pub async fn write_import(
        &self,
        actor: &Actor,
        org: &Org,
        writes: Vec<BatchWrite>,
        confirmed: Vec<(RecordId, RevisionId)>,
        doubts_confirmed: bool,
        audit: Option<&bienphong_store::ImportAudit>,
    ) -> Result<Vec<RevisionId>> {
        let mut out = Vec::with_capacity(writes.len());
        let mut restore = HashSet::new();
        let mut doubts = Vec::new();
        for w in writes {
            let (record_id, content, parent) = match w {
                BatchWrite::Create { record_id, content } => (record_id, content, None),
                BatchWrite::Update {
                    record_id,
                    parent,
                    content,
                } => (record_id, content, Some(parent)),
                BatchWrite::Restore {
                    record_id,
                    tombstone,
                    content,
                } => {
                    restore.insert(record_id);
                    (record_id, content, Some(tombstone))
                }
            };
            let content = match parent {
                None => {
                    edxml::no_exchange_given(&content)?;
                    content
                }
                Some(_) => self.keep_exchange(record_id, content).await?,
            };
            check_write(&content, org, parent.is_none(), actor.now_ms)?;
            if !doubts_confirmed {
                doubts.extend(self.doubts(&content, org, Some(record_id), parent).await?);
            }
            if content.subject_of().is_some() {
                self.check_subject(&content).await?;
            }
            if content.record_type() == RecordType::BriefingReport {
                self.check_briefing_write(parent.map(|_| record_id), Some(&content))
                    .await?;
            }
            out.push(Write {
                record_id,
                record_type: content.record_type(),
                content: Some(content),
                parent,
                resolves: Vec::new(),
                author: actor.name.clone(),
                created_ms: actor.now_ms,
                revision_id: None,
            });
        }
        // Every doubt of the batch in one answer, after the hard checks.
        if !doubts.is_empty() {
            return Err(ServiceError::NeedsConfirmation(doubts));
        }
        self.node_rule(&out).await?;
        Ok(self
            .store
            .commit_import(out, restore, confirmed, audit)
            .await?)
    }
}
