//! Files attached to records: attached, listed, downloaded and removed
//! where their record is, by whoever may read or change that record. The
//! link is an `attachment` record (history, sync); the bytes are kept once
//! per content (`BlobStore`). Removing a file appends a tombstone to its
//! link; the bytes stay, since the link's history names them.

use crate::accounts::Principal;
use crate::{Actor, Result, Service, ServiceError};
use bienphong_domain::attachment::{self, Attachment};
use bienphong_domain::{Content, Problem, RecordId, RecordType, Revision, ValidationError};
use bienphong_store::{AccountStore, BlobStore, ListFilter, NewBlob, Store, StoreError, Write};

/// One file of a record as its page and the API list it.
#[derive(Clone, Debug)]
pub struct AttachmentView {
    /// The link's own record id.
    pub link_id: RecordId,
    pub attachment: Attachment,
    /// Who attached it (the link's revision author) and when.
    pub author: String,
    pub created_ms: i64,
    /// Whether this store holds the bytes: a node on a thin link may
    /// leave large files on the server until someone asks for them.
    pub present: bool,
}

/// A file asked for by name, with its bytes when this store holds them.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub attachment: Attachment,
    pub bytes: Option<Vec<u8>>,
}

/// A file's bytes checked against the limit and read for their type.
fn accept(name: &str, bytes: &[u8], max_bytes: u64) -> Result<(String, &'static str)> {
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    let name = attachment::file_name(name);
    if name.is_empty() {
        return Err(ValidationError::new("name", Problem::Empty).into());
    }
    let content_type = attachment::accepted_type(bytes)?;
    Ok((name.to_string(), content_type))
}

/// The refusal of a file above `max_bytes` (also for the edges, which
/// refuse it before reading it whole).
pub fn too_large(max_bytes: u64) -> ServiceError {
    ValidationError::new(
        "file",
        Problem::FileTooLarge(attachment::size_text(max_bytes)),
    )
    .into()
}

impl<S: Store + BlobStore> Service<S> {
    /// The live files of `record`, oldest first.
    pub async fn attachments_of(&self, record: RecordId) -> Result<Vec<AttachmentView>> {
        let links = self
            .store()
            .list(ListFilter {
                record_type: Some(RecordType::Attachment),
                subject_of: Some(record),
                ..Default::default()
            })
            .await?;
        let mut out = Vec::with_capacity(links.len());
        for l in links {
            let Content::Attachment(a) = Content::from_json(l.record_type, &l.content)? else {
                continue;
            };
            let history = self.store().history(l.record_id).await?;
            let (author, created_ms) = history
                .iter()
                .find(|r| r.id == l.revision_id)
                .map(|r| (r.author.clone(), r.created_ms))
                .unwrap_or_default();
            out.push(AttachmentView {
                link_id: l.record_id,
                attachment: a,
                author,
                created_ms,
                present: false,
            });
        }
        let hashes: Vec<String> = out.iter().map(|v| v.attachment.hash.clone()).collect();
        let present = self.store().present_blobs(&hashes).await?;
        for v in &mut out {
            v.present = present.contains(&v.attachment.hash);
        }
        out.sort_by_key(|v| (v.created_ms, v.link_id));
        Ok(out)
    }

    /// The live file `hash` of `record`.
    async fn attachment_named(&self, record: RecordId, hash: &str) -> Result<AttachmentView> {
        self.attachments_of(record)
            .await?
            .into_iter()
            .find(|v| v.attachment.hash == hash)
            .ok_or_else(|| ServiceError::AttachmentUnknown(hash.to_string()))
    }

    /// The link a new file would get, or the one `record` has already for
    /// the same bytes (attaching a file twice adds nothing).
    pub(crate) async fn link_for(
        &self,
        record: RecordId,
        name: &str,
        bytes: &[u8],
        max_bytes: u64,
    ) -> Result<(Attachment, Option<AttachmentView>)> {
        let (name, content_type) = accept(name, bytes, max_bytes)?;
        let owner = self.get(record).await?;
        if owner.record_type == RecordType::Attachment {
            return Err(
                ValidationError::new("record", Problem::UnknownRecord(record.to_string())).into(),
            );
        }
        let a = Attachment {
            record,
            name: name.as_str().into(),
            hash: bienphong_store::sha256_hex(bytes),
            content_type: content_type.to_string(),
            size: bytes.len() as u64,
        };
        attachment::check(&a)?;
        let existing = self
            .attachments_of(record)
            .await?
            .into_iter()
            .find(|v| v.attachment.hash == a.hash);
        Ok((a, existing))
    }

    /// Writes a new link and its bytes in one transaction.
    async fn write_link(
        &self,
        author: &str,
        now_ms: i64,
        a: Attachment,
        bytes: Vec<u8>,
    ) -> Result<Revision> {
        let blob = NewBlob {
            content_type: a.content_type.clone(),
            bytes,
        };
        let writes = vec![Write {
            record_id: RecordId::new(),
            record_type: RecordType::Attachment,
            content: Some(Content::Attachment(a)),
            parent: None,
            resolves: Vec::new(),
            author: author.to_string(),
            created_ms: now_ms,
            revision_id: None,
        }];
        self.node_rule(&writes).await?;
        crate::only_revision(
            self.store()
                .commit_with_blobs(writes, vec![blob], now_ms)
                .await?,
        )
    }

    /// Attaches a file to `record` from this installation (the CLI).
    /// Returns the link's revision, `None` when the record had the same
    /// bytes already.
    pub async fn attach(
        &self,
        actor: &Actor,
        record: RecordId,
        name: &str,
        bytes: Vec<u8>,
        max_bytes: u64,
    ) -> Result<(Attachment, Option<Revision>)> {
        let (a, existing) = self.link_for(record, name, &bytes, max_bytes).await?;
        if let Some(v) = existing {
            return Ok((v.attachment, None));
        }
        let rev = self
            .write_link(&actor.name, actor.now_ms, a.clone(), bytes)
            .await?;
        Ok((a, Some(rev)))
    }

    /// Removes the file `hash` from `record`: a tombstone of its link.
    pub async fn detach(&self, actor: &Actor, record: RecordId, hash: &str) -> Result<Revision> {
        let v = self.attachment_named(record, hash).await?;
        self.delete(actor, v.link_id, None).await
    }

    /// The file `hash` of `record`, with its bytes if this store holds them.
    pub async fn fetch_attachment(&self, record: RecordId, hash: &str) -> Result<Fetched> {
        let v = self.attachment_named(record, hash).await?;
        let bytes = self.store().blob(hash).await?.map(|(_, bytes)| bytes);
        Ok(Fetched {
            attachment: v.attachment,
            bytes,
        })
    }

    /// Keeps bytes that came from elsewhere (a sync), if they are what
    /// a link of this store names: a file no link names is not taken.
    pub async fn keep_synced_blob(&self, hash: &str, bytes: Vec<u8>, now_ms: i64) -> Result<bool> {
        if !self
            .store()
            .present_blobs(&[hash.to_string()])
            .await?
            .is_empty()
        {
            return Ok(false);
        }
        let blob = checked_blob(hash, bytes)?;
        self.store().put_blob(&blob, now_ms).await?;
        Ok(true)
    }
}

/// Bytes that came from elsewhere (a sync, a bundle), checked: they are
/// what `hash` says, and of a type that may be attached.
pub fn checked_blob(hash: &str, bytes: Vec<u8>) -> Result<NewBlob> {
    let actual = bienphong_store::sha256_hex(&bytes);
    if actual != hash {
        return Err(ServiceError::Invalid(ValidationError::new(
            "hash",
            Problem::InvalidHash(actual),
        )));
    }
    let content_type = attachment::detect(&bytes);
    if !attachment::is_allowed(content_type) {
        return Err(ValidationError::new(
            "file",
            Problem::FileTypeRefused(content_type.to_string()),
        )
        .into());
    }
    Ok(NewBlob {
        content_type: content_type.to_string(),
        bytes,
    })
}

impl<S: Store + AccountStore + BlobStore> Service<S> {
    /// The files of a record `who` may read (a record they may not read
    /// is absent to them); listing the files of personal data is audited.
    pub async fn attachments_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record: RecordId,
    ) -> Result<Vec<AttachmentView>> {
        let (r, _) = self.read_as(who, now_ms, record).await?;
        let files = self.attachments_of(record).await?;
        if r.record_type.is_restricted() && !files.is_empty() {
            self.audit_record(
                who,
                now_ms,
                "restricted.read",
                true,
                RecordType::Attachment,
                Some(record),
                None,
                format!("{} files listed", files.len()),
            )
            .await?;
        }
        Ok(files)
    }

    /// Attaches a file as `who`, who must be allowed to change the record.
    pub async fn attach_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record: RecordId,
        name: &str,
        bytes: Vec<u8>,
        max_bytes: u64,
    ) -> Result<(Attachment, Option<Revision>)> {
        self.read_as(who, now_ms, record).await?;
        let (a, existing) = self.link_for(record, name, &bytes, max_bytes).await?;
        let content = Content::Attachment(a.clone());
        self.authorise_write(who, now_ms, "attach", Some(record), &content)
            .await?;
        if let Some(v) = existing {
            return Ok((v.attachment, None));
        }
        let rev = self.write_link(&who.name, now_ms, a.clone(), bytes).await?;
        self.audit_record(
            who,
            now_ms,
            "attach",
            true,
            RecordType::Attachment,
            Some(rev.record_id),
            None,
            format!("{} {} on {record}", a.hash, a.name),
        )
        .await?;
        Ok((a, Some(rev)))
    }

    /// The file `hash` of a record `who` may read; reading the file of
    /// personal data is audited.
    pub async fn fetch_attachment_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record: RecordId,
        hash: &str,
    ) -> Result<Fetched> {
        let (r, _) = self.read_as(who, now_ms, record).await?;
        let fetched = self.fetch_attachment(record, hash).await?;
        if r.record_type.is_restricted() {
            self.audit_record(
                who,
                now_ms,
                "restricted.read",
                true,
                RecordType::Attachment,
                Some(record),
                None,
                format!("file {hash}"),
            )
            .await?;
        }
        Ok(fetched)
    }

    /// Removes a file as `who`, who must be allowed to change the record.
    pub async fn detach_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record: RecordId,
        hash: &str,
    ) -> Result<Revision> {
        self.read_as(who, now_ms, record).await?;
        let v = self.attachment_named(record, hash).await?;
        let content = Content::Attachment(v.attachment.clone());
        self.authorise_write(who, now_ms, "detach", Some(record), &content)
            .await?;
        let head = self
            .store()
            .head(v.link_id)
            .await?
            .ok_or(StoreError::NotFound(v.link_id))?;
        let rev = self
            .commit_one(Write {
                record_id: v.link_id,
                record_type: RecordType::Attachment,
                content: None,
                parent: Some(head.revision_id),
                resolves: Vec::new(),
                author: who.name.clone(),
                created_ms: now_ms,
                revision_id: None,
            })
            .await?;
        self.audit_record(
            who,
            now_ms,
            "detach",
            true,
            RecordType::Attachment,
            Some(v.link_id),
            None,
            format!("{hash} on {record}"),
        )
        .await?;
        Ok(rev)
    }
}
