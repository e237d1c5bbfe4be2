//! Documents exchanged as edXML packets (QCVN 102:2016/BTTTT): an
//! outgoing document or report becomes a packet; an incoming packet
//! becomes a `document` record with its files, in one transaction with
//! the earlier document it replaces, revokes or updates. The packet
//! itself is built, read and signed by `bienphong_edxml`.

use crate::accounts::Principal;
use crate::{Actor, Result, Service, ServiceError, check_write};
use bienphong_domain::catalogue::CatalogueKind;
use bienphong_domain::exchange::{
    self, Direction, Exchange, MessageKind, SignatureCheck, SignatureState, Status, Superseded,
};
use bienphong_domain::org::{Code, Org};
use bienphong_domain::record::{Document, Recipient};
use bienphong_domain::{
    Content, Date, Described, ErrorKind, Problem, RecordId, RecordType, Revision, ValidationError,
    attachment,
};
use bienphong_edxml as edxml;
use bienphong_store::{AccountStore, BlobStore, CurrentRecord, ListFilter, NewBlob, Store, Write};
use thiserror::Error;

/// Why a packet cannot be built or taken in.
#[derive(Debug, Error)]
pub enum EdxmlProblem {
    #[error("the edXML packet cannot be read: {0}")]
    Packet(String),
    #[error("unit {unit} ({name}) has no agency identifier for document exchange")]
    NoAgencyId { unit: String, name: String },
    #[error("no recipient of the packet is a unit of this store: {0}")]
    NoRecipientHere(String),
    #[error("the packet concerns document {0}, which this store does not hold")]
    UnknownDocument(String),
    #[error("document type {0} is not in the catalogue")]
    UnknownType(String),
    #[error("a document without a number cannot be sent")]
    NoNumber,
    #[error("the packet of document {0} has been imported already")]
    Duplicate(String),
    #[error("file {name}: {detail}")]
    File { name: String, detail: String },
    #[error("the document did not come as a packet: it has no status to answer with")]
    NotIncoming,
    #[error("{0} is not a recipient of the document it answers for")]
    NotARecipient(String),
}

impl EdxmlProblem {
    pub fn describe(&self) -> Described {
        use ErrorKind as K;
        match self {
            Self::Packet(d) => {
                Described::new(K::Malformed, "malformed", "edxml-malformed").with("detail", d)
            }
            Self::NoAgencyId { unit, name } => {
                Described::new(K::Invalid, "invalid", "edxml-no-agency-id")
                    .with("unit", unit)
                    .with("name", name)
            }
            Self::NoRecipientHere(ids) => {
                Described::new(K::Invalid, "invalid", "edxml-no-recipient").with("value", ids)
            }
            Self::UnknownDocument(id) => {
                Described::new(K::Invalid, "invalid", "edxml-unknown-document").with("value", id)
            }
            Self::UnknownType(t) => {
                Described::new(K::Invalid, "invalid", "edxml-unknown-type").with("value", t)
            }
            Self::NoNumber => Described::new(K::Invalid, "invalid", "edxml-no-number"),
            Self::Duplicate(id) => {
                Described::new(K::Conflict, "duplicate", "edxml-duplicate").with("value", id)
            }
            Self::File { name, detail } => Described::new(K::Invalid, "invalid", "edxml-file")
                .with("name", name)
                .with("detail", detail),
            Self::NotIncoming => Described::new(K::Invalid, "invalid", "edxml-not-incoming"),
            Self::NotARecipient(id) => {
                Described::new(K::Invalid, "invalid", "edxml-not-a-recipient").with("value", id)
            }
        }
    }
}

/// The header of an outgoing packet that the record does not say.
#[derive(Clone, Debug, Default)]
pub struct Sending {
    /// Place of issue; by default the name of the issuing unit.
    pub place: Option<String>,
    pub signer: edxml::SignerInfo,
    pub priority: u8,
    pub scope: String,
    pub kind: edxml::MessageKind,
    pub reason: String,
    pub concerns: Vec<String>,
}

/// An outgoing document as the packet describes it: a document record's
/// fields, or a report's given by the person sending it.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub unit: Code,
    pub recipients: Vec<Code>,
    pub date: Date,
    pub number: String,
    pub document_type: Code,
    pub title: String,
}

/// A file of an outgoing packet.
#[derive(Clone, Debug)]
pub struct OutgoingFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an import wrote.
#[derive(Clone, Debug)]
pub struct Imported {
    pub record: RecordId,
    pub revision: Revision,
    pub kind: MessageKind,
    /// The earlier document marked replaced, revoked or updated.
    pub earlier: Option<RecordId>,
    pub files: usize,
    pub exchange: Exchange,
}

pub(crate) fn agency_of(org: &Org, code: &Code) -> Result<edxml::Organ> {
    let unit = org
        .unit(code)
        .ok_or_else(|| ServiceError::UnknownUnit(code.to_string()))?;
    let id = unit
        .agency_id
        .clone()
        .filter(|a| !a.trim().is_empty())
        .ok_or_else(|| EdxmlProblem::NoAgencyId {
            unit: code.to_string(),
            name: unit.name.to_string(),
        })?;
    Ok(edxml::Organ {
        id,
        name: unit.name.to_string(),
    })
}

fn kind_of(k: edxml::MessageKind) -> MessageKind {
    match k {
        edxml::MessageKind::New => MessageKind::New,
        edxml::MessageKind::Revocation => MessageKind::Revocation,
        edxml::MessageKind::Update => MessageKind::Update,
        edxml::MessageKind::Replacement => MessageKind::Replacement,
    }
}

fn check_of(s: &edxml::SignatureState, file: &str) -> SignatureCheck {
    let (state, reason) = match s {
        edxml::SignatureState::Unsigned => (SignatureState::Unsigned, ""),
        edxml::SignatureState::Valid { trust, .. } => match trust {
            edxml::Trust::NotChecked => (SignatureState::Valid, ""),
            edxml::Trust::Trusted => (SignatureState::Trusted, ""),
            edxml::Trust::Untrusted { reason } => (SignatureState::Untrusted, reason.as_str()),
        },
        edxml::SignatureState::Invalid { reason, .. } => (SignatureState::Invalid, reason.as_str()),
    };
    SignatureCheck {
        state,
        subject: s.subject().unwrap_or("").into(),
        reason: reason.into(),
        file: file.into(),
    }
}

/// The identifier a document has across the exchange: the one its packet
/// gave, or the one a packet of it would give.
pub(crate) fn exchange_id(org: &Org, d: &Document) -> Option<String> {
    if let Some(x) = &d.exchange {
        return Some(x.document_id.clone());
    }
    let agency = org.unit(&d.unit)?.agency_id.clone()?;
    (!d.number.is_empty()).then(|| exchange::document_id(&agency, d.date, d.number.as_str()))
}

/// The exchange a document has, or the one of an outgoing document sent
/// as a packet of this store would have.
pub(crate) fn exchange_of(org: &Org, d: &Document) -> Exchange {
    d.exchange.clone().map(|b| *b).unwrap_or_else(|| Exchange {
        direction: Direction::Outgoing,
        document_id: exchange_id(org, d).unwrap_or_default(),
        sender: String::new(),
        sender_name: Default::default(),
        kind: MessageKind::New,
        status: Status::Done,
        priority: 0,
        scope: Default::default(),
        place: Default::default(),
        signer: Default::default(),
        concerns: Vec::new(),
        reason: Default::default(),
        signature: SignatureCheck::default(),
        timestamp: None,
        file_signatures: Vec::new(),
        superseded: None,
        deliveries: Vec::new(),
    })
}

impl<S: Store> Service<S> {
    /// An edit of a document keeps how it was exchanged: that is written
    /// by packets (their import, a later replacement or revocation), not
    /// by the form or file an edit comes from, which do not carry it. One
    /// that tries to change it is refused.
    pub(crate) async fn keep_exchange(
        &self,
        record_id: RecordId,
        content: Content,
    ) -> Result<Content> {
        let Content::Document(mut d) = content else {
            return Ok(content);
        };
        let current = self.get(record_id).await?;
        let before = match Content::from_json(current.record_type, &current.content)? {
            Content::Document(b) => b.exchange,
            _ => None,
        };
        if d.exchange.is_some() && d.exchange != before {
            return Err(ValidationError::new("exchange", Problem::SetByExchange).into());
        }
        d.exchange = before;
        Ok(Content::Document(d))
    }
}

/// A new record from an edge (a form, a file, the API, a sheet) may not
/// say it came as a packet: only [`Service::import_edxml`] writes that.
pub(crate) fn no_exchange_given(content: &Content) -> Result<()> {
    match content {
        Content::Document(d) if d.exchange.is_some() => {
            Err(ValidationError::new("exchange", Problem::SetByExchange).into())
        }
        _ => Ok(()),
    }
}

impl<S: Store + BlobStore> Service<S> {
    /// The packet of an outgoing document: its header from `o` and
    /// `sending`, `files` carried in it.
    pub async fn outgoing_packet(
        &self,
        o: &Outgoing,
        sending: &Sending,
        files: Vec<OutgoingFile>,
    ) -> Result<edxml::Packet> {
        let org = self.org_shared().await?;
        if o.number.trim().is_empty() {
            return Err(EdxmlProblem::NoNumber.into());
        }
        let from = agency_of(&org, &o.unit)?;
        let to = o
            .recipients
            .iter()
            .map(|r| agency_of(&org, r))
            .collect::<Result<Vec<_>>>()?;
        let entry = org
            .catalogue
            .get(CatalogueKind::DocumentType, &o.document_type)
            .ok_or_else(|| EdxmlProblem::UnknownType(o.document_type.to_string()))?;
        let (code_number, code_notation) = edxml::Packet::split_number(&o.number);
        let mut attachments = Vec::with_capacity(files.len());
        for (i, f) in files.into_iter().enumerate() {
            let content_type = attachment::accepted_type(&f.bytes)?;
            attachments.push(edxml::Attachment {
                content_id: (i + 1).to_string(),
                name: f.name,
                content_type: content_type.to_string(),
                description: String::new(),
                bytes: f.bytes,
            });
        }
        Ok(edxml::Packet {
            document_id: exchange::document_id(&from.id, o.date, &o.number),
            place: sending.place.clone().unwrap_or_else(|| from.name.clone()),
            from,
            to: to.clone(),
            code_number,
            code_notation,
            date: Some(o.date),
            type_code: 1,
            type_detail: o.document_type.to_string(),
            type_name: entry.vi.to_string(),
            subject: o.title.clone(),
            signer: sending.signer.clone(),
            priority: sending.priority.min(4),
            scope: sending.scope.clone(),
            steering_type: 0,
            to_places: to.iter().map(|t| t.name.clone()).collect(),
            kind: sending.kind,
            reason: sending.reason.clone(),
            concerns: sending.concerns.clone(),
            attachments,
        })
    }

    /// The packet of the document record `record`, with its files
    /// (and `extra` ones: its rendered DOCX, a detached signature).
    pub async fn document_packet(
        &self,
        record: RecordId,
        sending: &Sending,
        extra: Vec<OutgoingFile>,
    ) -> Result<edxml::Packet> {
        let d = self.document(record).await?;
        let mut files = Vec::new();
        for v in self.attachments_of(record).await? {
            let fetched = self.fetch_attachment(record, &v.attachment.hash).await?;
            let bytes = fetched
                .bytes
                .ok_or_else(|| ServiceError::NotFetched(v.attachment.hash.clone()))?;
            files.push(OutgoingFile {
                name: v.attachment.name.to_string(),
                bytes,
            });
        }
        files.extend(extra);
        let o = Outgoing {
            unit: d.unit.clone(),
            recipients: d.recipients.iter().map(|r| r.unit.clone()).collect(),
            date: d.date,
            number: d.number.to_string(),
            document_type: d.document_type.clone(),
            title: d.title.to_string(),
        };
        self.outgoing_packet(&o, sending, files).await
    }

    /// The document of record `record` (not found for another type).
    pub(crate) async fn document(&self, record: RecordId) -> Result<Document> {
        let current = self.get(record).await?;
        crate::of_type(record, RecordType::Document, current.record_type)?;
        match Content::from_json(current.record_type, &current.content)? {
            Content::Document(d) => Ok(d),
            _ => Err(ServiceError::Internal(
                "a document record without a document".into(),
            )),
        }
    }

    pub(crate) async fn documents(&self) -> Result<Vec<(CurrentRecord, Document)>> {
        let records = self
            .store()
            .list(ListFilter {
                record_type: Some(RecordType::Document),
                ..Default::default()
            })
            .await?;
        let mut out = Vec::with_capacity(records.len());
        for r in records {
            if let Content::Document(d) = Content::from_json(r.record_type, &r.content)? {
                out.push((r, d));
            }
        }
        Ok(out)
    }

    /// Takes in the packet `bytes`: a new `document` record with its files
    /// and recipients, and, for a replacement, revocation or update, a
    /// revision of the earlier document saying so; all in one transaction
    /// or nothing. A packet badly signed is taken in with its signature
    /// state; one that cannot be read is refused.
    pub async fn import_edxml(
        &self,
        actor: &Actor,
        bytes: &[u8],
        max_file: u64,
    ) -> Result<Imported> {
        let plan = self.plan_import(actor, bytes, max_file).await?;
        self.commit_import(plan, actor.now_ms).await
    }

    /// What taking in `bytes` would write, checked, before anything is.
    async fn plan_import(&self, actor: &Actor, bytes: &[u8], max_file: u64) -> Result<Plan> {
        let trust = self
            .trust
            .as_ref()
            .map(|t| t.at(actor.now_ms.div_euclid(1000)));
        let received = edxml::read_trusting(bytes, trust.as_ref())
            .map_err(|e| EdxmlProblem::Packet(e.to_string()))?;
        let p = &received.packet;
        let org = self.org_shared().await?;
        let by_agency = |id: &str| {
            org.units
                .values()
                .find(|u| {
                    u.agency_id
                        .as_deref()
                        .is_some_and(|a| a.trim().eq_ignore_ascii_case(id.trim()))
                })
                .map(|u| u.code.clone())
        };
        let recipients: Vec<Recipient> =
            p.to.iter()
                .filter_map(|t| by_agency(&t.id))
                .map(|unit| Recipient {
                    unit,
                    acknowledged_on: None,
                })
                .collect();
        let Some(first) = recipients.first() else {
            let ids: Vec<&str> = p.to.iter().map(|t| t.id.as_str()).collect();
            return Err(EdxmlProblem::NoRecipientHere(ids.join(", ")).into());
        };
        let document_type = org
            .catalogue
            .entries
            .values()
            .filter(|e| e.catalogue == CatalogueKind::DocumentType)
            .find(|e| {
                e.code.as_str().eq_ignore_ascii_case(p.type_detail.trim())
                    || bienphong_domain::text::search_key(e.vi.as_str())
                        == bienphong_domain::text::search_key(&p.type_name)
            })
            .map(|e| e.code.clone())
            .ok_or_else(|| EdxmlProblem::UnknownType(p.type_name.clone()))?;
        let date = p
            .date
            .ok_or_else(|| EdxmlProblem::Packet("no PromulgationDate".into()))?;
        let documents = self.documents().await?;
        let document_id = if p.document_id.trim().is_empty() {
            exchange::document_id(&p.from.id, date, &p.number_and_notation())
        } else {
            p.document_id.trim().to_string()
        };
        if documents.iter().any(|(_, d)| {
            d.exchange
                .as_ref()
                .is_some_and(|x| x.direction == Direction::Incoming && x.document_id == document_id)
        }) {
            return Err(EdxmlProblem::Duplicate(document_id).into());
        }
        let kind = kind_of(p.kind);
        let earlier = match p.concerns.first() {
            Some(id) if kind != MessageKind::New => Some(
                documents
                    .iter()
                    .find(|(_, d)| exchange_id(&org, d).as_deref() == Some(id.as_str()))
                    .cloned()
                    .ok_or_else(|| EdxmlProblem::UnknownDocument(id.clone()))?,
            ),
            _ => None,
        };
        let signer = [
            &p.signer.competence,
            &p.signer.position,
            &p.signer.full_name,
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ");
        let x = Exchange {
            direction: Direction::Incoming,
            document_id: document_id.clone(),
            sender: p.from.id.clone(),
            sender_name: p.from.name.as_str().into(),
            kind,
            status: Status::Received,
            priority: p.priority,
            scope: p.scope.as_str().into(),
            place: p.place.as_str().into(),
            signer: signer.as_str().into(),
            concerns: p.concerns.clone(),
            reason: p.reason.as_str().into(),
            signature: check_of(&received.signature, ""),
            timestamp: received.timestamp.clone(),
            file_signatures: received
                .file_signatures
                .iter()
                .map(|(name, s)| check_of(s, name))
                .collect(),
            superseded: None,
            deliveries: Vec::new(),
        };
        let doc = Document {
            date,
            document_type,
            number: p.number_and_notation().as_str().into(),
            issuer: if p.from.name.is_empty() {
                p.from.id.as_str().into()
            } else {
                p.from.name.as_str().into()
            },
            unit: first.unit.clone(),
            unit_body: None,
            title: p.subject.as_str().into(),
            recipients: recipients.clone(),
            signers: Vec::new(),
            actions: Vec::new(),
            acknowledge_by: None,
            exchange: Some(Box::new(x.clone())),
        };
        // The record is checked as any new document is; its exchange is
        // this use case's own.
        let mut plain = doc.clone();
        plain.exchange = None;
        check_write(&Content::Document(plain), &org, true, actor.now_ms)?;
        let content = Content::Document(doc);
        let record_id = RecordId::new();
        let write = |record_id, content: Content, parent| Write {
            record_id,
            record_type: content.record_type(),
            content: Some(content),
            parent,
            resolves: Vec::new(),
            author: actor.name.clone(),
            created_ms: actor.now_ms,
            revision_id: None,
        };
        let mut writes = vec![write(record_id, content, None)];
        let mut blobs = Vec::new();
        for a in &p.attachments {
            if a.bytes.len() as u64 > max_file {
                return Err(crate::too_large(max_file));
            }
            let content_type =
                attachment::accepted_type(&a.bytes).map_err(|e| EdxmlProblem::File {
                    name: a.name.clone(),
                    detail: e.to_string(),
                })?;
            let link = attachment::Attachment {
                record: record_id,
                name: attachment::file_name(&a.name),
                hash: bienphong_store::sha256_hex(&a.bytes),
                content_type: content_type.to_string(),
                size: a.bytes.len() as u64,
            };
            attachment::check(&link)?;
            if blobs.iter().any(|b: &NewBlob| b.bytes == a.bytes) {
                continue;
            }
            blobs.push(NewBlob {
                content_type: content_type.to_string(),
                bytes: a.bytes.clone(),
            });
            writes.push(write(RecordId::new(), Content::Attachment(link), None));
        }
        let files = blobs.len();
        if let Some((current, mut d)) = earlier.clone() {
            let mut ex = exchange_of(&org, &d);
            ex.superseded = Some(Superseded {
                kind,
                by: document_id.clone(),
                on: date,
                reason: p.reason.as_str().into(),
            });
            d.exchange = Some(Box::new(ex));
            writes.push(write(
                current.record_id,
                Content::Document(d),
                Some(current.revision_id),
            ));
        }
        Ok(Plan {
            record: record_id,
            kind,
            earlier: earlier.map(|(c, _)| c.record_id),
            files,
            exchange: x,
            writes,
            blobs,
        })
    }

    /// Writes what [`Service::plan_import`] planned, in one transaction.
    async fn commit_import(&self, plan: Plan, now_ms: i64) -> Result<Imported> {
        self.node_rule(&plan.writes).await?;
        let revisions = self
            .store()
            .commit_with_blobs(plan.writes, plan.blobs, now_ms)
            .await?;
        let revision = revisions
            .into_iter()
            .find(|r| r.record_id == plan.record)
            .ok_or_else(|| ServiceError::Internal("the import wrote no document".into()))?;
        Ok(Imported {
            record: plan.record,
            revision,
            kind: plan.kind,
            earlier: plan.earlier,
            files: plan.files,
            exchange: plan.exchange,
        })
    }
}

/// An import checked and ready to be written.
struct Plan {
    record: RecordId,
    kind: MessageKind,
    earlier: Option<RecordId>,
    files: usize,
    exchange: Exchange,
    writes: Vec<Write>,
    blobs: Vec<NewBlob>,
}

impl<S: Store + BlobStore + AccountStore> Service<S> {
    /// The unsigned packet of the document record `record`, as `who` may
    /// read it: signing needs the user's own key, which stays on their
    /// machine (`bienphong edxml export --sign`).
    pub async fn document_packet_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record: RecordId,
    ) -> Result<String> {
        self.read_as(who, now_ms, record).await?;
        let packet = self
            .document_packet(record, &Sending::default(), Vec::new())
            .await?;
        edxml::write(&packet).map_err(|e| ServiceError::Internal(e.to_string()))
    }

    /// Takes in a packet as `who`, whose grant must allow writing the new
    /// document at its receiving unit (and the earlier document it marks):
    /// a packet for another unit is refused and audited, nothing written.
    /// A packet that cannot be read is refused before whether it is allowed.
    pub async fn import_edxml_as(
        &self,
        who: &Principal,
        now_ms: i64,
        bytes: &[u8],
        max_file: u64,
    ) -> Result<Imported> {
        let actor = Actor {
            name: who.name.clone(),
            now_ms,
        };
        let plan = self.plan_import(&actor, bytes, max_file).await?;
        for w in &plan.writes {
            if let Some(c @ Content::Document(_)) = &w.content {
                let existing = w.parent.map(|_| w.record_id);
                self.authorise_write(who, now_ms, "edxml.import", existing, c)
                    .await?;
            }
        }
        let document_id = plan.exchange.document_id.clone();
        let audited = plan.writes.first().and_then(|w| w.content.clone());
        let imported = self.commit_import(plan, now_ms).await?;
        self.audit_record(
            who,
            now_ms,
            "edxml.import",
            true,
            RecordType::Document,
            Some(imported.record),
            audited.as_ref(),
            format!("packet {document_id}"),
        )
        .await?;
        Ok(imported)
    }
}
