//! The record use cases as a person or token may use them: every read is
//! limited to what their grant allows, every write is checked first, and
//! every write (allowed or refused) and every read of personal data goes
//! into the audit log.

use crate::accounts::Principal;
use crate::{Result, Service, ServiceError};
use bienphong_domain::access::Access;
use bienphong_domain::text::matches_search;
use bienphong_domain::{Content, RecordId, RecordType, Revision, RevisionId};
use bienphong_store::{
    AccountStore, AuditEntry, CurrentRecord, ImportAudit, ListFilter, ListKey, Store, StoreError,
};

/// A page of records a principal may see.
#[derive(Clone, Debug)]
pub struct Page {
    pub records: Vec<CurrentRecord>,
    /// Where the next page starts, when there is one.
    pub next: Option<u32>,
}

impl<S: Store + AccountStore> Service<S> {
    #[expect(
        clippy::too_many_arguments,
        reason = "a use case takes the whole request: who, when, what and how"
    )]
    pub(crate) async fn audit_record(
        &self,
        who: &Principal,
        now_ms: i64,
        action: &str,
        allowed: bool,
        record_type: RecordType,
        record_id: Option<RecordId>,
        content: Option<&Content>,
        detail: String,
    ) -> Result<()> {
        self.audit_event(
            who,
            now_ms,
            action,
            allowed,
            Some((record_type, record_id)),
            content,
            detail,
        )
        .await
    }

    /// One entry of the audit log: what `who` did or was refused, about a
    /// record (its type and id, its unit from `content`) or none.
    #[expect(
        clippy::too_many_arguments,
        reason = "a use case takes the whole request: who, when, what and how"
    )]
    pub async fn audit_event(
        &self,
        who: &Principal,
        now_ms: i64,
        action: &str,
        allowed: bool,
        record: Option<(RecordType, Option<RecordId>)>,
        content: Option<&Content>,
        detail: String,
    ) -> Result<()> {
        let unit = content
            .and_then(|c| c.units().0)
            .map(|u| u.as_str().to_string());
        self.store()
            .append_audit(&AuditEntry {
                seq: 0,
                at_ms: now_ms,
                actor: who.name.clone(),
                action: action.to_string(),
                outcome: if allowed { "allowed" } else { "refused" }.to_string(),
                record_type: record.map(|(t, _)| t.as_str().to_string()),
                record_id: record.and_then(|(_, id)| id).map(|r| r.to_string()),
                unit,
                detail,
                address: None,
            })
            .await?;
        Ok(())
    }

    /// The audit entry of a write made on this installation without a
    /// sign-in (the CLI), as a web write gets one: the actor is the account
    /// the author vouches for (`os:<account>`), and a name typed beside it is
    /// recorded as claimed.
    pub async fn audit_local_write(
        &self,
        actor: &crate::Actor,
        action: &str,
        rev: &Revision,
    ) -> Result<()> {
        let content = if rev.deleted {
            self.store()
                .history(rev.record_id)
                .await?
                .iter()
                .rev()
                .find(|r| !r.deleted)
                .and_then(|r| Content::from_json(r.record_type, &r.content).ok())
        } else {
            Content::from_json(rev.record_type, &rev.content).ok()
        };
        self.audit_local(
            actor,
            action,
            Some((rev.record_type, Some(rev.record_id))),
            content.as_ref(),
            rev.id.to_string(),
        )
        .await
    }

    /// The audit entry of a read of personal data made on this
    /// installation without a sign-in (the CLI's `show`, `history` and
    /// `list` with `--restricted`), as the web audits its restricted reads:
    /// action `restricted.read`, the record read (or, for a list, none and
    /// `detail` saying how many were listed), by the account as
    /// [`Service::audit_local_write`] names it.
    pub async fn audit_local_read(
        &self,
        actor: &crate::Actor,
        record_type: RecordType,
        record_id: Option<RecordId>,
        detail: String,
    ) -> Result<()> {
        self.audit_local(
            actor,
            "restricted.read",
            Some((record_type, record_id)),
            None,
            detail,
        )
        .await
    }

    /// One audit entry by a local actor: the account the author vouches
    /// for (`os:<account>`), a typed name beside it kept as claimed in
    /// `detail`.
    async fn audit_local(
        &self,
        actor: &crate::Actor,
        action: &str,
        record: Option<(RecordType, Option<RecordId>)>,
        content: Option<&Content>,
        detail: String,
    ) -> Result<()> {
        let (account, claimed) = local_account(actor);
        let unit = content
            .and_then(|c| c.units().0)
            .map(|u| u.as_str().to_string());
        let detail = match (claimed, detail.is_empty()) {
            (Some(name), false) => format!("{detail} (claimed: {name})"),
            (Some(name), true) => format!("(claimed: {name})"),
            (None, _) => detail,
        };
        self.store()
            .append_audit(&AuditEntry {
                seq: 0,
                at_ms: actor.now_ms,
                actor: account,
                action: action.to_string(),
                outcome: "allowed".to_string(),
                record_type: record.map(|(t, _)| t.as_str().to_string()),
                record_id: record.and_then(|(_, id)| id).map(|r| r.to_string()),
                unit,
                detail,
                address: None,
            })
            .await?;
        Ok(())
    }

    /// The content of the record a restricted record belongs to.
    async fn owner_of(&self, content: &Content) -> Result<Option<Content>> {
        let Some(owner) = content.subject_of() else {
            return Ok(None);
        };
        match self.store().get(owner).await? {
            Some(r) => Ok(Some(Content::from_json(r.record_type, &r.content)?)),
            None => Ok(None),
        }
    }

    /// Whether `who` may do `access` to a record with `content` (a file,
    /// where its record is): the one rule, for the sync crate too.
    pub async fn may(&self, who: &Principal, access: Access, content: &Content) -> Result<bool> {
        self.allowed(who, access, content).await
    }

    pub(crate) async fn allowed(
        &self,
        who: &Principal,
        access: Access,
        content: &Content,
    ) -> Result<bool> {
        let org = self.org_shared().await?;
        self.allowed_in(&org, who, access, content).await
    }

    /// [`Self::allowed`] with the organisation already read: a list judges
    /// every row of a page against one organisation, where reading it for
    /// each row asked the store for its state once a row (a post editor's
    /// page cost 50 round trips to the store).
    pub(crate) async fn allowed_in(
        &self,
        org: &bienphong_domain::org::Org,
        who: &Principal,
        access: Access,
        content: &Content,
    ) -> Result<bool> {
        let owner = self.owner_of(content).await?;
        if let (Content::Attachment(_), Some(record)) = (content, owner.as_ref()) {
            // A file is allowed where its record is, judged with the
            // record's own owner (a file of personal data).
            let record_owner = self.owner_of(record).await?;
            return Ok(who.grant.allows(access, org, record, record_owner.as_ref()));
        }
        Ok(who.grant.allows(access, org, content, owner.as_ref()))
    }

    /// One record, if `who` may read it; a refusal looks like absence to
    /// those outside the record's scope.
    pub async fn read_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record_id: RecordId,
    ) -> Result<(CurrentRecord, Content)> {
        let record = self.get(record_id).await?;
        let content = Content::from_json(record.record_type, &record.content)?;
        let ok = self.allowed(who, Access::Read, &content).await?;
        if record.record_type.is_restricted() {
            self.audit_record(
                who,
                now_ms,
                "restricted.read",
                ok,
                record.record_type,
                Some(record_id),
                None,
                String::new(),
            )
            .await?;
        }
        if !ok {
            return Err(StoreError::NotFound(record_id).into());
        }
        Ok((record, content))
    }

    /// The history of a record `who` may read now.
    pub async fn history_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record_id: RecordId,
    ) -> Result<Vec<Revision>> {
        match self.read_as(who, now_ms, record_id).await {
            Ok(_) => {}
            // A deleted record's history stays readable to those who could
            // read its last content.
            Err(ServiceError::Store(StoreError::Deleted(_))) => {
                let revisions = self.history(record_id).await?;
                let last_live = revisions
                    .iter()
                    .rev()
                    .find(|r| !r.deleted)
                    .map(|r| Content::from_json(r.record_type, &r.content))
                    .transpose()?;
                let readable = match last_live {
                    Some(c) => self.allowed(who, Access::Read, &c).await?,
                    None => false,
                };
                if !readable {
                    return Err(StoreError::NotFound(record_id).into());
                }
                return Ok(revisions);
            }
            Err(e) => return Err(e),
        }
        self.history(record_id).await
    }

    /// Records matching `filter` that `who` may read, optionally only those
    /// whose text (or units' names) matches `search` ignoring diacritics
    /// and case. `filter.limit`/`offset` page through what `who` may see.
    pub async fn list_as(
        &self,
        who: &Principal,
        now_ms: i64,
        mut filter: ListFilter,
        search: Option<&str>,
    ) -> Result<Page> {
        let org = self.org_shared().await?;
        let limit = filter.limit.unwrap_or(50).clamp(1, 500) as usize;
        let offset = filter.offset as usize;
        let restricted = filter.record_type.is_some_and(|t| t.is_restricted());
        if restricted && !who.grant.sees_restricted() {
            return Ok(Page {
                records: vec![],
                next: None,
            });
        }
        let structure = filter.record_type.is_some_and(|t| t.is_structure());
        if !who.grant.is_admin() && !structure && !restricted {
            let reach = who.grant.read_scope_ever(&org);
            filter.units = Some(match filter.units.take() {
                Some(mut asked) => {
                    asked.retain_units(|u| reach.contains(u));
                    asked
                }
                None => bienphong_domain::scope::Scope::always(reach),
            });
        }
        let needle = search.map(str::trim).filter(|s| !s.is_empty());
        if who.grant.is_admin() && needle.is_none() {
            // Nothing is decided per record: the store's page is the page.
            let mut f = filter.clone();
            f.limit = u32::try_from(limit + 1).ok();
            f.offset = offset as u32;
            let mut records = self.store().list(f).await?;
            let more = records.len() > limit;
            records.truncate(limit);
            if restricted {
                self.audit_listing(who, now_ms, &filter, &records).await?;
            }
            return Ok(Page {
                records,
                next: more.then(|| u32::try_from(offset + limit).ok()).flatten(),
            });
        }
        // The store pages by its own order; what a principal may see and what
        // matches the search is decided per record, so read in batches.
        let batch = u32::try_from(offset + limit + 1)
            .unwrap_or(u32::MAX)
            .clamp(50, 500);
        // Each batch goes on after the last row of the one before, not
        // from a position: a record added or deleted between two batches
        // shifts no row into a second read or out of every read.
        let mut after = filter.after;
        let mut seen = 0usize;
        let mut records = Vec::new();
        let mut more = false;
        loop {
            let mut f = filter.clone();
            f.limit = Some(batch);
            f.offset = 0;
            f.after = after;
            let rows = self.store().list(f).await?;
            let got = rows.len();
            after = rows.last().map(ListKey::of).or(after);
            for r in rows {
                let content = Content::from_json(r.record_type, &r.content)?;
                if !who.grant.is_admin()
                    && !self.allowed_in(&org, who, Access::Read, &content).await?
                {
                    continue;
                }
                if let Some(n) = needle
                    && !matches_search(&searchable_text(&org, &r.content, &content), n)
                {
                    continue;
                }
                if seen >= offset {
                    if records.len() == limit {
                        more = true;
                        break;
                    }
                    records.push(r);
                }
                seen += 1;
            }
            if more || got < batch as usize {
                break;
            }
        }
        if restricted {
            self.audit_listing(who, now_ms, &filter, &records).await?;
        }
        Ok(Page {
            records,
            next: more.then(|| u32::try_from(offset + limit).ok()).flatten(),
        })
    }

    /// Audits a write refused because the record is outside what `who` may
    /// even see (they are told it does not exist).
    pub(crate) async fn refuse_unseen(
        &self,
        who: &Principal,
        now_ms: i64,
        action: &str,
        record_id: RecordId,
        content: &Content,
    ) -> Result<()> {
        self.audit_record(
            who,
            now_ms,
            action,
            false,
            content.record_type(),
            Some(record_id),
            Some(content),
            "outside the grant".into(),
        )
        .await
    }

    /// Audits a list of personal data with the records it showed.
    async fn audit_listing(
        &self,
        who: &Principal,
        now_ms: i64,
        filter: &ListFilter,
        shown: &[CurrentRecord],
    ) -> Result<()> {
        if shown.is_empty() {
            return Ok(());
        }
        self.audit_record(
            who,
            now_ms,
            "restricted.read",
            true,
            filter.record_type.unwrap_or(RecordType::CaseSubjects),
            None,
            None,
            crate::records_seen(shown.iter().map(|r| r.record_id)),
        )
        .await
    }

    /// Refuses (and audits the refusal) unless `who` may write `content`.
    pub(crate) async fn authorise_write(
        &self,
        who: &Principal,
        now_ms: i64,
        action: &str,
        record_id: Option<RecordId>,
        content: &Content,
    ) -> Result<()> {
        let t = content.record_type();
        // An answer is written by the sign-off use cases only, which check
        // the signer's position (`Service::answer_as`).
        let ok = t != RecordType::Signoff
            && who.grant.may_write_type(t)
            && self.allowed(who, Access::Write, content).await?;
        if !ok {
            self.audit_record(
                who,
                now_ms,
                action,
                false,
                t,
                record_id,
                Some(content),
                "outside the grant".into(),
            )
            .await?;
            return Err(ServiceError::Forbidden(format!(
                "{} {} may not {action} this {t}",
                who.grant.role, who.grant.unit
            )));
        }
        Ok(())
    }

    /// Creates a record as `who`; values possible but unlikely must be
    /// `confirmed`.
    pub async fn add_as(
        &self,
        who: &Principal,
        now_ms: i64,
        content: Content,
        confirmed: bool,
    ) -> Result<Revision> {
        let org = self.org_shared().await?;
        let mut content = content;
        org.name_units(&mut content);
        // Bad input is reported as such, before whether it is allowed.
        crate::check_write(&content, &org, true, now_ms)?;
        self.authorise_write(who, now_ms, "create", None, &content)
            .await?;
        // Asked only of whom may write it: a refusal asks nothing.
        self.check_confirmed(&content, &org, confirmed, None, None)
            .await?;
        let t = content.record_type();
        let audited = content.clone();
        let rev = self
            .add_checked(crate::NewRecord {
                record_id: RecordId::new(),
                content,
                author: who.name.clone(),
                created_ms: now_ms,
                revision_id: None,
            })
            .await?;
        self.audit_record(
            who,
            now_ms,
            "create",
            true,
            t,
            Some(rev.record_id),
            Some(&audited),
            rev.id.to_string(),
        )
        .await?;
        Ok(rev)
    }

    /// Replaces a record's content; both what it was and what it becomes
    /// must be within `who`'s grant, and values possible but unlikely must
    /// be `confirmed`.
    pub async fn edit_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record_id: RecordId,
        expected: Option<RevisionId>,
        content: Content,
        confirmed: bool,
    ) -> Result<Revision> {
        let current = self.get(record_id).await?;
        let before = Content::from_json(current.record_type, &current.content)?;
        if !self.allowed(who, Access::Read, &before).await? {
            self.refuse_unseen(who, now_ms, "update", record_id, &before)
                .await?;
            return Err(StoreError::NotFound(record_id).into());
        }
        self.authorise_write(who, now_ms, "update", Some(record_id), &before)
            .await?;
        let mut content = content;
        self.org_shared().await?.name_units(&mut content);
        self.authorise_write(who, now_ms, "update", Some(record_id), &content)
            .await?;
        let audited = content.clone();
        let rev = self
            .edit_with(
                &crate::Actor {
                    name: who.name.clone(),
                    now_ms,
                },
                record_id,
                expected,
                content,
                confirmed,
            )
            .await?;
        self.audit_record(
            who,
            now_ms,
            "update",
            true,
            audited.record_type(),
            Some(record_id),
            Some(&audited),
            rev.id.to_string(),
        )
        .await?;
        Ok(rev)
    }

    pub async fn delete_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record_type: RecordType,
        record_id: RecordId,
        expected: Option<RevisionId>,
    ) -> Result<Revision> {
        let current = self.get(record_id).await?;
        crate::of_type(record_id, record_type, current.record_type)?;
        let before = Content::from_json(current.record_type, &current.content)?;
        if !self.allowed(who, Access::Read, &before).await? {
            self.refuse_unseen(who, now_ms, "delete", record_id, &before)
                .await?;
            return Err(StoreError::NotFound(record_id).into());
        }
        self.authorise_write(who, now_ms, "delete", Some(record_id), &before)
            .await?;
        let rev = self
            .delete(
                &crate::Actor {
                    name: who.name.clone(),
                    now_ms,
                },
                record_id,
                expected,
            )
            .await?;
        self.audit_record(
            who,
            now_ms,
            "delete",
            true,
            before.record_type(),
            Some(record_id),
            Some(&before),
            rev.id.to_string(),
        )
        .await?;
        Ok(rev)
    }
}

/// What a search looks in: the record's text values (not its field names)
/// and the names of the units it names.
fn searchable_text(org: &bienphong_domain::org::Org, json: &str, content: &Content) -> String {
    fn strings(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::String(s) => {
                out.push(' ');
                out.push_str(s);
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
            serde_json::Value::Object(map) => map.values().for_each(|i| strings(i, out)),
            _ => {}
        }
    }
    let (lead, partners) = content.units();
    let mut text = String::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(json) {
        strings(&v, &mut text);
    }
    for code in lead.into_iter().chain(partners) {
        if let Some(u) = org.unit(code) {
            text.push(' ');
            text.push_str(u.name.as_str());
        }
    }
    text
}

impl<S: Store + AccountStore + bienphong_store::ImportStore> Service<S> {
    /// [`Service::write_import`] on this installation without a sign-in
    /// (the CLI's `import`): each record written gets its audit entry, as
    /// a web upload's do (one per record: its action, its id and
    /// `<revision> (import)`), with the records.
    pub async fn write_import_local(
        &self,
        actor: &crate::Actor,
        org: &bienphong_domain::org::Org,
        writes: Vec<crate::BatchWrite>,
        confirmed: Vec<(RecordId, RevisionId)>,
        doubts_confirmed: bool,
    ) -> Result<Vec<RevisionId>> {
        let (account, claimed) = local_account(actor);
        let audit = ImportAudit {
            at_ms: actor.now_ms,
            actor: account,
            detail_suffix: match claimed {
                Some(name) => format!(" (import) (claimed: {name})"),
                None => " (import)".to_string(),
            },
        };
        self.write_import(
            actor,
            org,
            writes,
            confirmed,
            doubts_confirmed,
            Some(&audit),
        )
        .await
    }

    /// [`Service::write_import`] as `who`: every record created, changed
    /// (as it was and as it becomes) or restored must be within `who`'s
    /// grant, or nothing is written. Each write is audited.
    pub async fn write_import_as(
        &self,
        who: &Principal,
        now_ms: i64,
        org: &bienphong_domain::org::Org,
        writes: Vec<crate::BatchWrite>,
        confirmed: Vec<(RecordId, RevisionId)>,
        doubts_confirmed: bool,
    ) -> Result<Vec<RevisionId>> {
        for w in &writes {
            match w {
                crate::BatchWrite::Create { content, .. } => {
                    self.authorise_write(who, now_ms, "create", None, content)
                        .await?;
                }
                crate::BatchWrite::Update {
                    record_id, content, ..
                } => {
                    let current = self.get(*record_id).await?;
                    let before = Content::from_json(current.record_type, &current.content)?;
                    if !self.allowed(who, Access::Read, &before).await? {
                        self.refuse_unseen(who, now_ms, "update", *record_id, &before)
                            .await?;
                        return Err(StoreError::NotFound(*record_id).into());
                    }
                    self.authorise_write(who, now_ms, "update", Some(*record_id), &before)
                        .await?;
                    self.authorise_write(who, now_ms, "update", Some(*record_id), content)
                        .await?;
                }
                crate::BatchWrite::Restore {
                    record_id, content, ..
                } => {
                    self.authorise_write(who, now_ms, "restore", Some(*record_id), content)
                        .await?;
                }
            }
        }
        let actor = crate::Actor {
            name: who.name.clone(),
            now_ms,
        };
        let audit = ImportAudit {
            at_ms: now_ms,
            actor: who.name.clone(),
            detail_suffix: " (import)".to_string(),
        };
        self.write_import(
            &actor,
            org,
            writes,
            confirmed,
            doubts_confirmed,
            Some(&audit),
        )
        .await
    }
}

/// The account a local actor's name vouches for (`os:nam`) and the name
/// typed beside it, kept as claimed.
fn local_account(actor: &crate::Actor) -> (String, Option<&str>) {
    let (account, claimed) = bienphong_domain::revision::split_author(&actor.name);
    let account = match claimed {
        Some(_) => actor
            .name
            .split_once(bienphong_domain::revision::CLAIMED)
            .map_or(account, |(a, _)| a),
        None => actor.name.as_str(),
    };
    (account.to_string(), claimed)
}
