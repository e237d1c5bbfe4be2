//! Joint sign-off and acknowledgement of documents and reports (issue 16):
//! the positions people hold in their unit, the signers a document or a
//! briefing report requires, and each answer a unit gives to it — signed,
//! returned with a comment, or acknowledged by a recipient with what it did
//! against the required actions. An answer is a record of the answering
//! unit's own (a node writes it offline, and it syncs); it names the exact
//! revision it answers, so a change after a signature voids it. No I/O:
//! the state of a document's sign-off is computed here from its answers.

use crate::Date;
use crate::id::{RecordId, RevisionId};
use crate::org::{Code, Org, UnitKind};
use crate::record::{Action, ActionStatus, Content};
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// A position a person holds in a unit, beside their role in the system:
/// who may sign for the unit. The same position at a post, a district or a
/// province is the equivalent office there (the post's commander, the
/// district Party committee's secretary…): the unit's kind says which.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// Đồn trưởng (a post), Chỉ huy trưởng (a command).
    Commander,
    /// Chính trị viên (a post), Chính ủy (a command).
    PoliticalCommissar,
    /// Bí thư of the unit's Party committee (commune, district, province).
    PartySecretary,
    /// Chủ tịch of the unit's People's Committee.
    PeoplesCommitteeChairman,
}

impl Position {
    pub const ALL: [Position; 4] = [
        Self::Commander,
        Self::PoliticalCommissar,
        Self::PartySecretary,
        Self::PeoplesCommitteeChairman,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Commander => "commander",
            Self::PoliticalCommissar => "political_commissar",
            Self::PartySecretary => "party_secretary",
            Self::PeoplesCommitteeChairman => "peoples_committee_chairman",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The signer's title as a document of `unit_kind` prints it above the
    /// signature (Decree 30: caps, bold), in Vietnamese and English.
    pub fn title(&self, unit_kind: Option<UnitKind>) -> (&'static str, &'static str) {
        let post = matches!(
            unit_kind,
            Some(UnitKind::BorderPost) | Some(UnitKind::Station)
        );
        match self {
            Self::Commander if post => ("ĐỒN TRƯỞNG", "POST COMMANDER"),
            Self::Commander => ("CHỈ HUY TRƯỞNG", "COMMANDER"),
            Self::PoliticalCommissar if post => ("CHÍNH TRỊ VIÊN", "POLITICAL COMMISSAR"),
            Self::PoliticalCommissar => ("CHÍNH ỦY", "POLITICAL COMMISSAR"),
            Self::PartySecretary => ("BÍ THƯ", "PARTY SECRETARY"),
            Self::PeoplesCommitteeChairman => ("CHỦ TỊCH", "CHAIRMAN"),
        }
    }

    /// The chain the position belongs to, for laying out a joint document:
    /// the military chain signs on one side, the civil and Party chain on
    /// the other.
    pub fn is_military(&self) -> bool {
        matches!(self, Self::Commander | Self::PoliticalCommissar)
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A position held in a unit: what an account holds, and what a document
/// requires to sign it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signer {
    pub position: Position,
    pub unit: Code,
}

impl Signer {
    /// Reads `position@UNIT`, the form the CLI takes.
    pub fn parse(s: &str) -> Option<Self> {
        let (position, unit) = s.split_once('@')?;
        Some(Self {
            position: Position::parse(position.trim())?,
            unit: Code::parse(unit.trim()).ok()?,
        })
    }
}

impl std::fmt::Display for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.position, self.unit)
    }
}

/// What a unit answers to a document or report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Signed by the holder of a required position.
    Signed,
    /// Returned to its drafters with a comment.
    Returned,
    /// Received by a recipient unit (with, for directives and plans, what
    /// it did against the required actions).
    Acknowledged,
}

impl Decision {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Signed => "signed",
            Self::Returned => "returned",
            Self::Acknowledged => "acknowledged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Signed, Self::Returned, Self::Acknowledged]
            .into_iter()
            .find(|d| d.as_str() == s)
    }
}

/// What a recipient did against one of a document's required actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionReport {
    /// The action's place in the document's list, from 0.
    pub action: u32,
    pub status: ActionStatus,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub note: Text,
}

/// One answer of a unit to a document or a briefing report: a record of
/// the answering unit, so that its own node may write it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signoff {
    /// The document or briefing report answered.
    pub record: RecordId,
    /// The exact revision answered: a signature holds for it only.
    pub revision: RevisionId,
    pub date: Date,
    /// The answering unit: the signer's unit, or the recipient.
    pub unit: Code,
    /// The position signed in; none for an acknowledgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// The account that answers, as the writer names it; the store says
    /// whether it can vouch for it (`verified`).
    pub signer: Text,
    /// The signer's name as printed under the signature.
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub signer_name: Text,
    pub decision: Decision,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub comment: Text,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ActionReport>,
}

/// An answer as the store holds it: its record, the revision that wrote it
/// and when, and whether the store can vouch for its signer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub record_id: RecordId,
    pub revision_id: RevisionId,
    pub created_ms: i64,
    /// The revision's author, as its writer named it.
    pub author: String,
    pub signoff: Signoff,
    /// The store knows the signer wrote it (or pushed it with their own
    /// credentials) and held the position: ADR 0011's verified author.
    pub verified: bool,
}

/// The state of one required signer.
#[derive(Clone, Debug, PartialEq)]
pub enum SignerState {
    /// Nobody has answered for this position yet (or it was returned and
    /// the document changed since).
    Pending,
    /// Signed the document as it stands.
    Signed(Answer),
    /// Returned, with a comment, as the document stands.
    Returned(Answer),
    /// Signed, but the document changed after: the signature is void.
    Void(Answer),
}

impl SignerState {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Signed(_) => "signed",
            Self::Returned(_) => "returned",
            Self::Void(_) => "void",
        }
    }

    pub fn answer(&self) -> Option<&Answer> {
        match self {
            Self::Pending => None,
            Self::Signed(a) | Self::Returned(a) | Self::Void(a) => Some(a),
        }
    }
}

/// The signers a record requires, if it can be signed at all.
pub fn required_signers(content: &Content) -> Option<&[Signer]> {
    match content {
        Content::Document(d) => Some(&d.signers),
        Content::BriefingReport(r) => Some(&r.signers),
        _ => None,
    }
}

/// What a signature covers: the content without what comes after signing
/// (the number from the register, a briefing report's submission), so that
/// numbering or submitting a signed text does not void its signatures while
/// any other change does.
pub fn signed_text(content: &Content) -> String {
    match content {
        Content::Document(d) => {
            let mut d = d.clone();
            d.number = Text::default();
            for r in &mut d.recipients {
                r.acknowledged_on = None;
            }
            Content::Document(d).to_json()
        }
        Content::BriefingReport(r) => {
            let mut r = r.clone();
            r.status = Default::default();
            r.submitted_on = None;
            r.figures.clear();
            Content::BriefingReport(r).to_json()
        }
        other => other.to_json(),
    }
}

/// Each required signer's state: the latest answer for its position and
/// unit decides. `signed_text_of` gives what a revision of the record
/// covered ([`signed_text`]), `None` for one this store does not hold;
/// `current` is what the record covers now.
pub fn states(
    required: &[Signer],
    answers: &[Answer],
    current: &str,
    signed_text_of: impl Fn(RevisionId) -> Option<String>,
) -> Vec<(Signer, SignerState)> {
    required
        .iter()
        .map(|s| {
            let latest = answers
                .iter()
                .filter(|a| {
                    a.signoff.position == Some(s.position)
                        && a.signoff.unit == s.unit
                        && a.signoff.decision != Decision::Acknowledged
                })
                .max_by_key(|a| (a.created_ms, a.revision_id));
            let state = match latest {
                None => SignerState::Pending,
                Some(a) => {
                    let same = signed_text_of(a.signoff.revision).as_deref() == Some(current);
                    match (a.signoff.decision, same) {
                        (Decision::Signed, true) => SignerState::Signed(a.clone()),
                        (Decision::Signed, false) => SignerState::Void(a.clone()),
                        (_, true) => SignerState::Returned(a.clone()),
                        (_, false) => SignerState::Pending,
                    }
                }
            };
            (s.clone(), state)
        })
        .collect()
}

/// Whether every required signer has signed the record as it stands.
pub fn fully_signed(states: &[(Signer, SignerState)]) -> bool {
    !states.is_empty()
        && states
            .iter()
            .all(|(_, s)| matches!(s, SignerState::Signed(_)))
}

/// Days a recipient has to acknowledge a document it was sent, when the
/// document does not say.
pub const ACKNOWLEDGE_DAYS: i8 = 5;

/// Something owed on a document and late: a recipient's acknowledgement
/// or a required action's report.
#[derive(Clone, Debug, PartialEq)]
pub struct Overdue {
    pub document: RecordId,
    pub unit: Code,
    pub due: Date,
    /// The required action (its place in the list), none for the
    /// acknowledgement itself.
    pub action: Option<(u32, Text)>,
}

/// The document's day a recipient must acknowledge it by.
pub fn acknowledge_due(d: &crate::record::Document) -> Date {
    d.acknowledge_by.unwrap_or_else(|| {
        d.date
            .checked_add(jiff::Span::new().days(ACKNOWLEDGE_DAYS))
            .unwrap_or(d.date)
    })
}

/// What is overdue on one document as of `today`: each recipient that has
/// not acknowledged it by its due day, and each required action with a
/// due day before `today` whose owner has not reported it done (or
/// cancelled). `answers` are the document's acknowledgements; a recipient's
/// latest one decides. A document still to be signed is not yet sent:
/// nothing on it is owed.
pub fn overdue(
    document: RecordId,
    d: &crate::record::Document,
    answers: &[Answer],
    sent: bool,
    today: Date,
) -> Vec<Overdue> {
    if !sent {
        return Vec::new();
    }
    let latest = |unit: &Code| {
        answers
            .iter()
            .filter(|a| a.signoff.decision == Decision::Acknowledged && &a.signoff.unit == unit)
            .max_by_key(|a| (a.created_ms, a.revision_id))
    };
    let mut out = Vec::new();
    let due = acknowledge_due(d);
    for r in &d.recipients {
        if r.acknowledged_on.is_none() && latest(&r.unit).is_none() && due < today {
            out.push(Overdue {
                document,
                unit: r.unit.clone(),
                due,
                action: None,
            });
        }
    }
    for (i, a) in d.actions.iter().enumerate() {
        let Some(due) = a.due else { continue };
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        let reported = latest(&a.owner_unit).and_then(|ans| {
            ans.signoff
                .actions
                .iter()
                .find(|r| r.action == index)
                .map(|r| r.status)
        });
        let closed = matches!(a.status, ActionStatus::Done | ActionStatus::Cancelled)
            || matches!(
                reported,
                Some(ActionStatus::Done) | Some(ActionStatus::Cancelled)
            );
        if !closed && due < today {
            out.push(Overdue {
                document,
                unit: a.owner_unit.clone(),
                due,
                action: Some((index, a.text.clone())),
            });
        }
    }
    out
}

/// The required actions of a document, for the check of an
/// acknowledgement's reports.
pub fn action_count(content: &Content) -> usize {
    match content {
        Content::Document(d) => d.actions.len(),
        _ => 0,
    }
}

/// Whether `unit` is among the units a record is addressed to.
pub fn is_recipient(content: &Content, unit: &Code) -> bool {
    match content {
        Content::Document(d) => d.recipients.iter().any(|r| &r.unit == unit),
        _ => false,
    }
}

/// The kind of a signer's unit, for its title.
pub fn unit_kind(org: &Org, unit: &Code) -> Option<UnitKind> {
    org.units.get(unit).map(|u| u.kind)
}

/// Actions of a document, as its recipients report on them.
pub fn actions(content: &Content) -> &[Action] {
    match content {
        Content::Document(d) => &d.actions,
        _ => &[],
    }
}

/// Where the handling of a document received as an edXML packet stands,
/// as its status packet tells the sender: *arrived* until a recipient
/// acknowledges it; then *accepted*; with required actions, *in progress*
/// once one is reported on or closed, *done* when all are done or
/// cancelled. A recipient's latest acknowledgement decides for it, as for
/// what is overdue. A state the document was given otherwise (refused,
/// failed) stays. `None` for a document that did not come as a packet.
pub fn exchange_status(
    d: &crate::record::Document,
    answers: &[Answer],
) -> Option<crate::exchange::Status> {
    use crate::exchange::{Direction, Status};
    let x = d
        .exchange
        .as_deref()
        .filter(|x| x.direction == Direction::Incoming)?;
    if x.status != Status::Received {
        return Some(x.status);
    }
    let latest = |unit: &Code| {
        answers
            .iter()
            .filter(|a| a.signoff.decision == Decision::Acknowledged && &a.signoff.unit == unit)
            .max_by_key(|a| (a.created_ms, a.revision_id))
    };
    let acknowledged = d
        .recipients
        .iter()
        .any(|r| r.acknowledged_on.is_some() || latest(&r.unit).is_some());
    if !acknowledged {
        return Some(Status::Received);
    }
    if d.actions.is_empty() {
        return Some(Status::Accepted);
    }
    let reported = |i: usize, a: &Action| {
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        latest(&a.owner_unit).and_then(|ans| {
            ans.signoff
                .actions
                .iter()
                .find(|r| r.action == index)
                .map(|r| r.status)
        })
    };
    let closed = |s: ActionStatus| matches!(s, ActionStatus::Done | ActionStatus::Cancelled);
    let states: Vec<(ActionStatus, Option<ActionStatus>)> = d
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| (a.status, reported(i, a)))
        .collect();
    if states
        .iter()
        .all(|(own, told)| closed(*own) || told.is_some_and(closed))
    {
        Some(Status::Done)
    } else if states
        .iter()
        .any(|(own, told)| closed(*own) || told.is_some())
    {
        Some(Status::Processing)
    } else {
        Some(Status::Accepted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn answer(
        position: Position,
        unit: &str,
        decision: Decision,
        rev: RevisionId,
        at: i64,
    ) -> Answer {
        Answer {
            record_id: RecordId::new(),
            revision_id: RevisionId::new(),
            created_ms: at,
            author: "x".into(),
            signoff: Signoff {
                record: RecordId::new(),
                revision: rev,
                date: Date::new(2026, 12, 1).unwrap(),
                unit: code(unit),
                position: Some(position),
                signer: Text::new("x"),
                signer_name: Text::default(),
                decision,
                comment: Text::default(),
                actions: vec![],
            },
            verified: true,
        }
    }

    #[test]
    fn a_change_after_signing_voids_and_a_return_on_an_old_text_is_pending_again() {
        let (r1, r2) = (RevisionId::new(), RevisionId::new());
        let text = |r: RevisionId| Some(if r == r1 { "a" } else { "b" }.to_string());
        let required = [
            Signer {
                position: Position::Commander,
                unit: code("BP"),
            },
            Signer {
                position: Position::PartySecretary,
                unit: code("X"),
            },
        ];
        let answers = [
            answer(Position::Commander, "BP", Decision::Signed, r1, 1),
            answer(Position::PartySecretary, "X", Decision::Returned, r1, 2),
        ];
        let now = states(&required, &answers, "a", text);
        assert_eq!(now[0].1.as_str(), "signed");
        assert_eq!(now[1].1.as_str(), "returned");
        assert!(!fully_signed(&now));
        let later = states(&required, &answers, "b", text);
        assert_eq!(later[0].1.as_str(), "void");
        assert_eq!(later[1].1.as_str(), "pending");
        let both = [
            answer(Position::Commander, "BP", Decision::Signed, r2, 3),
            answer(Position::PartySecretary, "X", Decision::Signed, r2, 4),
        ];
        assert!(fully_signed(&states(&required, &both, "b", text)));
    }

    #[test]
    fn signers_read_as_the_cli_writes_them() {
        let s = Signer::parse("party_secretary@XMA").unwrap();
        assert_eq!(s.to_string(), "party_secretary@XMA");
        assert!(Signer::parse("mayor@XMA").is_none());
    }

    #[test]
    fn an_incoming_document_moves_past_arrived_as_its_recipient_answers() {
        use crate::exchange::Status;
        let mut d: crate::record::Document = serde_json::from_value(serde_json::json!({
            "date": "2026-03-10", "document_type": "KH", "number": "15/KH-BCH",
            "issuer": "Bộ Chỉ huy", "unit": "BP", "title": "Kế hoạch",
            "recipients": [{"unit": "BP"}],
            "actions": [{"text": "Rà soát", "owner_unit": "BP"}],
            "exchange": {"direction": "incoming", "document_id": "A,2026,15", "sender": "A"}
        }))
        .unwrap();
        let ack = |at: i64, reports: Vec<ActionReport>| {
            let mut a = answer(
                Position::Commander,
                "BP",
                Decision::Acknowledged,
                RevisionId::new(),
                at,
            );
            a.signoff.position = None;
            a.signoff.actions = reports;
            a
        };
        let report = |status| ActionReport {
            action: 0,
            status,
            note: Text::default(),
        };
        assert_eq!(exchange_status(&d, &[]), Some(Status::Received));
        assert_eq!(
            exchange_status(&d, &[ack(1, vec![])]),
            Some(Status::Accepted)
        );
        let open = ack(2, vec![report(ActionStatus::Open)]);
        assert_eq!(
            exchange_status(&d, &[ack(1, vec![]), open.clone()]),
            Some(Status::Processing)
        );
        let done = ack(3, vec![report(ActionStatus::Done)]);
        assert_eq!(exchange_status(&d, &[open, done]), Some(Status::Done));
        // Another unit's acknowledgement is not the recipient's.
        let mut stranger = ack(4, vec![report(ActionStatus::Done)]);
        stranger.signoff.unit = code("X");
        assert_eq!(exchange_status(&d, &[stranger]), Some(Status::Received));
        // Without actions, acknowledging accepts it; a refusal stays.
        d.actions.clear();
        assert_eq!(
            exchange_status(&d, &[ack(1, vec![])]),
            Some(Status::Accepted)
        );
        if let Some(x) = d.exchange.as_deref_mut() {
            x.status = Status::Rejected;
        }
        assert_eq!(
            exchange_status(&d, &[ack(1, vec![])]),
            Some(Status::Rejected)
        );
        d.exchange = None;
        assert_eq!(exchange_status(&d, &[]), None);
    }
}
