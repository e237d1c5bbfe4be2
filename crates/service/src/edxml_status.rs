//! Status packets (QCVN 102 `Status`): the answer this store hands back
//! for a document packet it took in (its registering unit says where the
//! document stands), and the answers it receives for documents it sent,
//! kept per recipient on the outgoing document (`Exchange::deliveries`).

use crate::accounts::Principal;
use crate::edxml::{EdxmlProblem, agency_of, exchange_id, exchange_of};
use crate::{Actor, Result, Service, ServiceError};
use bienphong_domain::exchange::{Delivery, Direction, Status};
use bienphong_domain::{Content, RecordId, RecordType, Revision};
use bienphong_edxml as edxml;
use bienphong_store::{AccountStore, BlobStore, Store, Write};

/// A status code read as the state kept on the record.
pub fn status_of(k: edxml::StatusKind) -> Status {
    use edxml::StatusKind as K;
    match k {
        K::Received => Status::Received,
        K::Rejected => Status::Rejected,
        K::Accepted => Status::Accepted,
        K::Assigned | K::Processing => Status::Processing,
        K::Done => Status::Done,
    }
}

/// The state kept on the record as the code a status packet carries; a
/// failure to handle the document is said as a refusal, the one code the
/// standard's list has for it.
pub fn kind_of(s: Status) -> edxml::StatusKind {
    use edxml::StatusKind as K;
    match s {
        Status::Received => K::Received,
        Status::Accepted => K::Accepted,
        Status::Rejected | Status::Failed => K::Rejected,
        Status::Processing => K::Processing,
        Status::Done => K::Done,
    }
}

/// `yyyy/MM/dd HH:mm:ss` at the border, as the SDKs write times.
fn time_text(ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.in_tz(bienphong_domain::TIME_ZONE)
        .unwrap_or_else(|_| t.to_zoned_datetime(jiff::tz::TimeZone::UTC))
        .strftime("%Y/%m/%d %H:%M:%S")
        .to_string()
}

/// What a status packet changed.
#[derive(Clone, Debug)]
pub struct StatusReceived {
    /// The outgoing document it answered for.
    pub record: RecordId,
    pub revision: Revision,
    /// The recipient (its agency identifier) and what it said.
    pub organ: String,
    pub status: Status,
}

/// A status packet checked and ready to be written.
struct StatusPlan {
    write: Write,
    organ: String,
    status: Status,
}

impl<S: Store + BlobStore> Service<S> {
    /// Where the handling of the incoming document `record` stands: what
    /// its recipients' acknowledgements say
    /// ([`bienphong_domain::signoff::exchange_status`]).
    pub async fn incoming_status(&self, record: RecordId) -> Result<Status> {
        let d = self.document(record).await?;
        self.incoming_status_of(record, &d).await
    }

    async fn incoming_status_of(
        &self,
        record: RecordId,
        d: &bienphong_domain::record::Document,
    ) -> Result<Status> {
        if d.exchange
            .as_deref()
            .is_none_or(|x| x.direction != Direction::Incoming)
        {
            return Err(EdxmlProblem::NotIncoming.into());
        }
        let answers = self.raw_answers(record).await?;
        bienphong_domain::signoff::exchange_status(d, &answers)
            .ok_or_else(|| EdxmlProblem::NotIncoming.into())
    }

    /// The status packet of the incoming document `record`: its
    /// registering unit tells the sender where the document stands — as
    /// its recipients' acknowledgements have moved it on.
    pub async fn status_packet(&self, record: RecordId, now_ms: i64) -> Result<String> {
        let d = self.document(record).await?;
        let status = self.incoming_status_of(record, &d).await?;
        let Some(x) = d.exchange.as_deref() else {
            return Err(EdxmlProblem::NotIncoming.into());
        };
        let org = self.org_shared().await?;
        Ok(edxml::write_status(&edxml::StatusPacket {
            from: agency_of(&org, &d.unit)?,
            sender: x.sender.clone(),
            code: d.number.to_string(),
            date: Some(d.date),
            document_id: x.document_id.clone(),
            status: kind_of(status),
            description: String::new(),
            timestamp: time_text(now_ms),
        }))
    }

    /// The revision a status packet makes of the outgoing document it
    /// answers for: that recipient's latest state.
    async fn plan_status(&self, actor: &Actor, bytes: &[u8]) -> Result<StatusPlan> {
        let s = edxml::read_status(bytes).map_err(|e| EdxmlProblem::Packet(e.to_string()))?;
        let org = self.org_shared().await?;
        let (current, mut d) = self
            .documents()
            .await?
            .into_iter()
            .find(|(_, d)| {
                d.exchange
                    .as_ref()
                    .is_none_or(|x| x.direction == Direction::Outgoing)
                    && exchange_id(&org, d).as_deref() == Some(s.document_id.trim())
            })
            .ok_or_else(|| EdxmlProblem::UnknownDocument(s.document_id.clone()))?;
        // Only a recipient of the document may say where it stands there.
        let recipient = d.recipients.iter().any(|r| {
            org.unit(&r.unit)
                .and_then(|u| u.agency_id.as_deref())
                .is_some_and(|a| a.trim().eq_ignore_ascii_case(s.from.id.trim()))
        });
        if !recipient {
            return Err(EdxmlProblem::NotARecipient(s.from.id.clone()).into());
        }
        let mut x = exchange_of(&org, &d);
        let status = status_of(s.status);
        let delivery = Delivery {
            organ: s.from.id.clone(),
            organ_name: s.from.name.as_str().into(),
            status,
            at: s.timestamp.clone(),
            description: s.description.as_str().into(),
        };
        match x.deliveries.iter_mut().find(|r| r.organ == delivery.organ) {
            Some(r) => *r = delivery,
            None => x.deliveries.push(delivery),
        }
        d.exchange = Some(Box::new(x));
        let write = Write {
            record_id: current.record_id,
            record_type: RecordType::Document,
            content: Some(Content::Document(d)),
            parent: Some(current.revision_id),
            resolves: Vec::new(),
            author: actor.name.clone(),
            created_ms: actor.now_ms,
            revision_id: None,
        };
        Ok(StatusPlan {
            write,
            organ: s.from.id,
            status,
        })
    }

    async fn commit_status(&self, plan: StatusPlan, now_ms: i64) -> Result<StatusReceived> {
        let record = plan.write.record_id;
        let writes = vec![plan.write];
        self.node_rule(&writes).await?;
        let revision = self
            .store()
            .commit_with_blobs(writes, Vec::new(), now_ms)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ServiceError::Internal("the status wrote nothing".into()))?;
        Ok(StatusReceived {
            record,
            revision,
            organ: plan.organ,
            status: plan.status,
        })
    }

    /// Takes in a status packet: the outgoing document it answers for
    /// gets a revision with that recipient's state; a packet that cannot
    /// be read, or answers for a document this store did not send, writes
    /// nothing.
    pub async fn receive_status(&self, actor: &Actor, bytes: &[u8]) -> Result<StatusReceived> {
        let plan = self.plan_status(actor, bytes).await?;
        self.commit_status(plan, actor.now_ms).await
    }
}

impl<S: Store + BlobStore + AccountStore> Service<S> {
    /// [`Service::status_packet`] for who may read the document.
    pub async fn status_packet_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record: RecordId,
    ) -> Result<String> {
        self.read_as(who, now_ms, record).await?;
        self.status_packet(record, now_ms).await
    }

    /// [`Service::receive_status`] for who may write the outgoing
    /// document answered for.
    pub async fn receive_status_as(
        &self,
        who: &Principal,
        now_ms: i64,
        bytes: &[u8],
    ) -> Result<StatusReceived> {
        let actor = Actor {
            name: who.name.clone(),
            now_ms,
        };
        let plan = self.plan_status(&actor, bytes).await?;
        if let Some(c) = &plan.write.content {
            self.authorise_write(who, now_ms, "edxml.status", Some(plan.write.record_id), c)
                .await?;
        }
        let received = self.commit_status(plan, now_ms).await?;
        self.audit_record(
            who,
            now_ms,
            "edxml.status",
            true,
            RecordType::Document,
            Some(received.record),
            None,
            format!("{} {}", received.organ, received.status.as_str()),
        )
        .await?;
        Ok(received)
    }
}
