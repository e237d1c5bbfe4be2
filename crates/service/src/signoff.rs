//! Joint sign-off and acknowledgement (issue 16, ADR 0014): the positions
//! accounts hold, each answer to a document or briefing report (signed,
//! returned, acknowledged) written as a record of the answering unit, the
//! state of a record's sign-off, and what is overdue on documents sent.

use crate::accounts::Principal;
use crate::{Actor, NewRecord, Result, Service, ServiceError};
use bienphong_domain::access::Role;
use bienphong_domain::record::Content;
use bienphong_domain::signoff::{
    ActionReport, Answer, Decision, Overdue, Position, Signer, SignerState, Signoff,
};
use bienphong_domain::text::Text;
use bienphong_domain::{Date, Described, ErrorKind, RecordId, RecordType, Revision, RevisionId};
use bienphong_store::{AccountStore, CurrentRecord, ListFilter, Store, StoreError};
use std::collections::{BTreeMap, HashMap};

/// Why an answer was refused (besides access and staleness).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignoffProblem {
    #[error("a {0} cannot be signed or acknowledged")]
    NotSignable(RecordType),
    #[error("{0} is not among the signers this record requires")]
    NotRequired(String),
    #[error("the account does not hold the position {0}")]
    NotHolder(String),
    #[error("{0} is not a recipient of this document")]
    NotRecipient(String),
    #[error("the document has no required action {0}")]
    NoSuchAction(u32),
    #[error("sign or return in a position: name it")]
    NoPosition,
}

impl SignoffProblem {
    pub fn describe(&self) -> Described {
        use ErrorKind as K;
        match self {
            Self::NotSignable(t) => {
                Described::new(K::Invalid, "not_signable", "signoff-not-signable")
                    .with("type", t.as_str())
            }
            Self::NotRequired(s) => {
                Described::new(K::Invalid, "not_required", "signoff-not-required").with("signer", s)
            }
            Self::NotHolder(s) => {
                Described::new(K::Forbidden, "forbidden", "signoff-not-holder").with("signer", s)
            }
            Self::NotRecipient(u) => {
                Described::new(K::Invalid, "not_recipient", "signoff-not-recipient").with("unit", u)
            }
            Self::NoSuchAction(i) => Described::new(K::Invalid, "invalid", "signoff-no-action")
                .with("action", (i + 1).to_string()),
            Self::NoPosition => Described::new(K::Invalid, "invalid", "signoff-no-position"),
        }
    }
}

/// An answer as asked for by an edge.
#[derive(Clone, Debug)]
pub struct AnswerRequest {
    pub decision: Decision,
    /// The position signed in (signing, returning).
    pub position: Option<Position>,
    /// The unit answering: the position's unit, or the recipient; by
    /// default the one the asker's position or grant names.
    pub unit: Option<bienphong_domain::org::Code>,
    pub comment: Text,
    /// The revision the answerer saw; a record changed since is refused.
    pub revision: Option<RevisionId>,
    pub actions: Vec<ActionReport>,
}

/// A record's sign-off as it stands.
#[derive(Clone, Debug)]
pub struct SignoffView {
    pub record: CurrentRecord,
    pub content: Content,
    /// Each required signer and its state.
    pub signers: Vec<(Signer, SignerState)>,
    pub fully_signed: bool,
    /// Every answer, oldest first (signatures, returns, acknowledgements).
    pub answers: Vec<Answer>,
    /// Overdue acknowledgements and actions on it today.
    pub overdue: Vec<Overdue>,
}

impl<S: Store + AccountStore> Service<S> {
    /// Every account's positions, by user id.
    pub async fn positions(&self) -> Result<HashMap<String, Vec<Signer>>> {
        let mut out: HashMap<String, Vec<Signer>> = HashMap::new();
        for (user, position, unit) in self.store().positions().await? {
            let held = Signer::parse(&format!("{position}@{unit}"))
                .ok_or_else(|| StoreError::Corrupt(format!("bad position {position}@{unit}")))?;
            out.entry(user).or_default().push(held);
        }
        Ok(out)
    }

    /// Every account, by name.
    pub async fn accounts(&self) -> Result<Vec<bienphong_store::User>> {
        Ok(self.store().users().await?)
    }

    /// The positions `username` holds.
    pub async fn positions_of(&self, username: &str) -> Result<Vec<Signer>> {
        let user = self.user(username).await?;
        Ok(self.positions().await?.remove(&user.id).unwrap_or_default())
    }

    /// Sets the positions `username` holds (replacing those held), each in
    /// a unit of the organisation; audited as `user.positions`.
    pub async fn set_positions(
        &self,
        by: &str,
        now_ms: i64,
        username: &str,
        held: Vec<Signer>,
    ) -> Result<()> {
        let user = self.user(username).await?;
        let org = self.org_shared().await?;
        for s in &held {
            if org.unit(&s.unit).is_none() {
                return Err(ServiceError::UnknownUnit(s.unit.to_string()));
            }
        }
        let mut held = held;
        held.sort();
        held.dedup();
        let rows: Vec<(String, String)> = held
            .iter()
            .map(|s| (s.position.as_str().to_string(), s.unit.as_str().to_string()))
            .collect();
        self.store().set_positions(&user.id, &rows).await?;
        let listed: Vec<String> = held.iter().map(Signer::to_string).collect();
        self.audit(
            by,
            now_ms,
            "user.positions",
            "allowed",
            format!("{}: {}", user.username, listed.join(", ")),
        )
        .await
    }

    /// Every answer to `record_id`, oldest first, each with whether this
    /// store can vouch for its signer: the revision was written here by the
    /// signer's own account, or pushed with credentials the server issued
    /// to that account (ADR 0011), and the account holds the position.
    pub async fn answers(&self, record_id: RecordId) -> Result<Vec<Answer>> {
        let mut answers = self.raw_answers(record_id).await?;
        if answers.is_empty() {
            return Ok(answers);
        }
        let users = self.store().users().await?;
        let by_name: HashMap<&str, &bienphong_store::User> =
            users.iter().map(|u| (u.username.as_str(), u)).collect();
        let positions = self.positions().await?;
        let tokens = self.store().tokens().await?;
        let mut receipts = HashMap::new();
        for a in &answers {
            receipts.extend(self.store().receipts(a.record_id).await?);
        }
        for a in &mut answers {
            let signoff = &a.signoff;
            let user = by_name.get(signoff.signer.as_str()).copied();
            let holds = user.is_some_and(|u| match signoff.position {
                Some(p) => positions.get(&u.id).is_some_and(|held| {
                    held.iter()
                        .any(|h| h.position == p && h.unit == signoff.unit)
                }),
                None => true,
            });
            let by_signer = |account: &str| -> bool {
                let Some(u) = user else { return false };
                if account == u.username {
                    return true;
                }
                // A token acts as its account with its id
                // (`crate::accounts::token_actor`): it vouches for the
                // signer when it is one of the signer's own tokens.
                crate::accounts::token_actor_parts(account).is_some_and(|(owner, id)| {
                    owner == u.username
                        && tokens
                            .iter()
                            .any(|t| t.id == id && t.user_id.as_deref() == Some(&u.id))
                })
            };
            a.verified = holds
                && match receipts.get(&a.revision_id) {
                    Some(receipt) => by_signer(&receipt.account),
                    None => by_signer(&a.author),
                };
        }
        Ok(answers)
    }

    /// The sign-off of a record `who` may read.
    pub async fn signoff_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record_id: RecordId,
    ) -> Result<SignoffView> {
        let (record, content) = self.read_as(who, now_ms, record_id).await?;
        self.signoff_view(record, content).await
    }

    /// The sign-off of a record, for the CLI (no sign-in).
    pub async fn signoff_of(&self, record_id: RecordId) -> Result<SignoffView> {
        let record = self.get(record_id).await?;
        let content = Content::from_json(record.record_type, &record.content)?;
        self.signoff_view(record, content).await
    }

    async fn signoff_view(&self, record: CurrentRecord, content: Content) -> Result<SignoffView> {
        let answers = self.answers(record.record_id).await?;
        let (signers, fully_signed, overdue) = self.standing(&record, &content, &answers).await?;
        Ok(SignoffView {
            record,
            content,
            signers,
            fully_signed,
            answers,
            overdue,
        })
    }

    /// Signs, returns or acknowledges a record as `who`: signing and
    /// returning need the position held (by the account, whatever its
    /// role), acknowledging a recipient unit `who` writes for. The answer
    /// is a record of the answering unit naming the revision answered;
    /// every step, allowed or refused, is audited.
    pub async fn answer_as(
        &self,
        who: &Principal,
        now_ms: i64,
        record_id: RecordId,
        req: AnswerRequest,
    ) -> Result<Revision> {
        let (record, content) = self.read_as(who, now_ms, record_id).await?;
        let action = format!("signoff.{}", action_name(req.decision));
        let user = match &who.user_id {
            Some(id) => self.store().user_by_id(id).await?,
            None => None,
        };
        let held = match &user {
            Some(u) => self.positions().await?.remove(&u.id).unwrap_or_default(),
            None => Vec::new(),
        };
        let unit = match req.decision {
            Decision::Acknowledged => {
                let unit = req.unit.clone().unwrap_or_else(|| who.grant.unit.clone());
                let org = self.org_shared().await?;
                let day = crate::today();
                let writes_for = who.grant.is_admin()
                    || (who.grant.role == Role::Editor
                        && who.grant.write_scope(&org, day).contains(&unit))
                    || held.iter().any(|h| h.unit == unit);
                if !writes_for {
                    self.refuse_answer(who, now_ms, &action, &record, &content, &unit.to_string())
                        .await?;
                    return Err(ServiceError::Forbidden(format!(
                        "{} {} may not acknowledge for {unit}",
                        who.grant.role, who.grant.unit
                    )));
                }
                unit
            }
            Decision::Signed | Decision::Returned => {
                let position = req.position.ok_or(SignoffProblem::NoPosition)?;
                let unit = req.unit.clone().or_else(|| {
                    held.iter()
                        .find(|h| h.position == position)
                        .map(|h| h.unit.clone())
                });
                match unit {
                    Some(unit)
                        if held.contains(&Signer {
                            position,
                            unit: unit.clone(),
                        }) =>
                    {
                        unit
                    }
                    other => {
                        let named = match other {
                            Some(u) => format!("{position}@{u}"),
                            None => position.to_string(),
                        };
                        self.refuse_answer(who, now_ms, &action, &record, &content, &named)
                            .await?;
                        return Err(SignoffProblem::NotHolder(named).into());
                    }
                }
            }
        };
        let (signer, signer_name) = match &user {
            Some(u) => (u.username.clone(), u.display_name.clone()),
            None => (who.name.clone(), String::new()),
        };
        let rev = self
            .write_answer(
                &Actor {
                    name: who.name.clone(),
                    now_ms,
                },
                &record,
                &content,
                req,
                unit,
                Text::new(&signer),
                Text::new(&signer_name),
            )
            .await?;
        self.audit_record(
            who,
            now_ms,
            &action,
            true,
            record.record_type,
            Some(record.record_id),
            Some(&content),
            format!("{} → {}", record.revision_id, rev.record_id),
        )
        .await?;
        Ok(rev)
    }

    /// [`Service::answer_as`] on this installation without a sign-in (the
    /// CLI, a node offline): the signer is named, not checked — the
    /// server shows it as claimed unless the signer's own credentials
    /// bring it (ADR 0011); a node's grant still holds (`node_rule`).
    pub async fn answer_local(
        &self,
        actor: &Actor,
        record_id: RecordId,
        req: AnswerRequest,
        signer: &str,
        signer_name: &str,
    ) -> Result<Revision> {
        let record = self.get(record_id).await?;
        let content = Content::from_json(record.record_type, &record.content)?;
        let unit = match (&req.unit, req.decision) {
            (Some(u), _) => u.clone(),
            (None, _) => return Err(SignoffProblem::NoPosition.into()),
        };
        let rev = self
            .write_answer(
                actor,
                &record,
                &content,
                req,
                unit,
                Text::new(signer),
                Text::new(signer_name),
            )
            .await?;
        self.audit_local_write(actor, "create", &rev).await?;
        Ok(rev)
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one answer: who, what, and each part of it"
    )]
    async fn write_answer(
        &self,
        actor: &Actor,
        record: &CurrentRecord,
        content: &Content,
        req: AnswerRequest,
        unit: bienphong_domain::org::Code,
        signer: Text,
        signer_name: Text,
    ) -> Result<Revision> {
        let Some(required) = bienphong_domain::signoff::required_signers(content) else {
            return Err(SignoffProblem::NotSignable(record.record_type).into());
        };
        if let Some(seen) = req.revision
            && seen != record.revision_id
        {
            return Err(StoreError::Stale {
                record: record.record_id,
                expected: seen,
                actual: record.revision_id,
            }
            .into());
        }
        match req.decision {
            Decision::Acknowledged => {
                if !bienphong_domain::signoff::is_recipient(content, &unit) {
                    return Err(SignoffProblem::NotRecipient(unit.to_string()).into());
                }
                let count = bienphong_domain::signoff::action_count(content);
                if let Some(a) = req.actions.iter().find(|a| a.action as usize >= count) {
                    return Err(SignoffProblem::NoSuchAction(a.action).into());
                }
            }
            Decision::Signed | Decision::Returned => {
                let position = req.position.ok_or(SignoffProblem::NoPosition)?;
                let signer = Signer {
                    position,
                    unit: unit.clone(),
                };
                if !required.contains(&signer) {
                    return Err(SignoffProblem::NotRequired(signer.to_string()).into());
                }
            }
        }
        let answer = Content::Signoff(Signoff {
            record: record.record_id,
            revision: record.revision_id,
            date: bienphong_domain::limits::day_of(actor.now_ms),
            unit,
            position: match req.decision {
                Decision::Acknowledged => None,
                _ => req.position,
            },
            signer,
            signer_name,
            decision: req.decision,
            comment: req.comment,
            actions: req.actions,
        });
        let org = self.org_shared().await?;
        crate::check_write(&answer, &org, true, actor.now_ms)?;
        self.add_checked(NewRecord {
            record_id: RecordId::new(),
            content: answer,
            author: actor.name.clone(),
            created_ms: actor.now_ms,
            revision_id: None,
        })
        .await
    }

    async fn refuse_answer(
        &self,
        who: &Principal,
        now_ms: i64,
        action: &str,
        record: &CurrentRecord,
        content: &Content,
        detail: &str,
    ) -> Result<()> {
        self.audit_record(
            who,
            now_ms,
            action,
            false,
            record.record_type,
            Some(record.record_id),
            Some(content),
            detail.to_string(),
        )
        .await
    }

    /// What is overdue today on the documents `who` may read: recipients'
    /// acknowledgements and required actions, each with its document.
    pub async fn overdue_as(
        &self,
        who: &Principal,
        now_ms: i64,
    ) -> Result<Vec<(Overdue, Content)>> {
        let mut out = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .list_as(
                    who,
                    now_ms,
                    ListFilter {
                        record_type: Some(RecordType::Document),
                        limit: Some(500),
                        after,
                        ..ListFilter::default()
                    },
                    None,
                )
                .await?;
            after = page.records.last().map(bienphong_store::ListKey::of);
            for r in &page.records {
                out.extend(self.overdue_on(r).await?);
            }
            if page.next.is_none() {
                break;
            }
        }
        Ok(out)
    }
}

impl<S: Store> Service<S> {
    /// Every answer to `record_id`, oldest first, none vouched for yet
    /// ([`Service::answers`] says which are).
    pub async fn raw_answers(&self, record_id: RecordId) -> Result<Vec<Answer>> {
        let rows = self
            .store()
            .list(ListFilter {
                record_type: Some(RecordType::Signoff),
                subject_of: Some(record_id),
                limit: Some(10_000),
                ..ListFilter::default()
            })
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let Content::Signoff(signoff) = Content::from_json(row.record_type, &row.content)?
            else {
                continue;
            };
            let history = self.store().history(row.record_id).await?;
            let Some(rev) = history.iter().find(|r| r.id == row.revision_id) else {
                continue;
            };
            out.push(Answer {
                record_id: row.record_id,
                revision_id: rev.id,
                created_ms: rev.created_ms,
                author: rev.author.clone(),
                signoff,
                verified: false,
            });
        }
        out.sort_by_key(|a| (a.created_ms, a.revision_id));
        Ok(out)
    }

    /// Where a record's sign-off stands given its `answers`: each required
    /// signer's state, whether all signed, and what is overdue today.
    async fn standing(
        &self,
        record: &CurrentRecord,
        content: &Content,
        answers: &[Answer],
    ) -> Result<(Vec<(Signer, SignerState)>, bool, Vec<Overdue>)> {
        let Some(required) = bienphong_domain::signoff::required_signers(content) else {
            return Err(SignoffProblem::NotSignable(record.record_type).into());
        };
        let texts: BTreeMap<RevisionId, String> = self
            .store()
            .history(record.record_id)
            .await?
            .into_iter()
            .filter(|r| !r.deleted)
            .filter_map(|r| {
                Content::from_json(r.record_type, &r.content)
                    .ok()
                    .map(|c| (r.id, bienphong_domain::signoff::signed_text(&c)))
            })
            .collect();
        let current = bienphong_domain::signoff::signed_text(content);
        let signers = bienphong_domain::signoff::states(required, answers, &current, |r| {
            texts.get(&r).cloned()
        });
        let fully_signed = bienphong_domain::signoff::fully_signed(&signers);
        let overdue = match content {
            Content::Document(d) => bienphong_domain::signoff::overdue(
                record.record_id,
                d,
                answers,
                is_sent(d, fully_signed),
                crate::today(),
            ),
            _ => Vec::new(),
        };
        Ok((signers, fully_signed, overdue))
    }

    /// What is overdue today on one document.
    async fn overdue_on(&self, r: &CurrentRecord) -> Result<Vec<(Overdue, Content)>> {
        let content = Content::from_json(r.record_type, &r.content)?;
        let Content::Document(d) = &content else {
            return Ok(Vec::new());
        };
        // Nothing can be owed: no recipient left to acknowledge, no action.
        if d.recipients.iter().all(|r| r.acknowledged_on.is_some()) && d.actions.is_empty() {
            return Ok(Vec::new());
        }
        let answers = self.raw_answers(r.record_id).await?;
        let (_, _, overdue) = self.standing(r, &content, &answers).await?;
        Ok(overdue.into_iter().map(|o| (o, content.clone())).collect())
    }

    /// Overdue items on the documents of `units` (their issuers or their
    /// owners), for the briefing report: no sign-in.
    pub async fn overdue_for(
        &self,
        units: &std::collections::BTreeSet<bienphong_domain::org::Code>,
        until: Date,
    ) -> Result<Vec<(Overdue, Content)>> {
        let rows = self
            .store()
            .list(ListFilter {
                record_type: Some(RecordType::Document),
                limit: Some(100_000),
                ..ListFilter::default()
            })
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            for (o, c) in self.overdue_on(r).await? {
                let issuer = c.units().0.is_some_and(|u| units.contains(u));
                if (issuer || units.contains(&o.unit)) && o.due <= until {
                    out.push((o, c));
                }
            }
        }
        Ok(out)
    }
}

/// A document is sent once signed by all it requires (at once if it
/// requires none) and numbered.
pub fn is_sent(d: &bienphong_domain::record::Document, fully_signed: bool) -> bool {
    (d.signers.is_empty() || fully_signed) && !d.number.as_str().trim().is_empty()
}

fn action_name(d: Decision) -> &'static str {
    match d {
        Decision::Signed => "sign",
        Decision::Returned => "return",
        Decision::Acknowledged => "acknowledge",
    }
}
