//! The records people keep: the organisation itself (units, links, markers,
//! catalogue entries) and the coordinated work (patrols, cases, meetings,
//! documents, programme support, propaganda, disaster and rescue).

use crate::Date;
use crate::catalogue::Entry;
use crate::error::{Problem, ValidationError};
use crate::id::RecordId;
use crate::org::{Code, Link, Marker, Unit};
use crate::period::{Cutoff, Period};
use crate::quantity::{Money, Quantity};
use crate::text::Text;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    Unit,
    Link,
    Marker,
    Catalogue,
    Patrol,
    Case,
    CaseSubjects,
    Meeting,
    Document,
    Programme,
    Beneficiary,
    Propaganda,
    Disaster,
    BriefingReport,
    /// A file attached to another record (`attachment.rs`).
    Attachment,
    /// A unit's answer to a document or report: signed, returned or
    /// acknowledged (`crate::signoff`).
    Signoff,
}

impl RecordType {
    pub const ALL: [RecordType; 16] = [
        Self::Unit,
        Self::Link,
        Self::Marker,
        Self::Catalogue,
        Self::Patrol,
        Self::Case,
        Self::CaseSubjects,
        Self::Meeting,
        Self::Document,
        Self::Programme,
        Self::Beneficiary,
        Self::Propaganda,
        Self::Disaster,
        Self::BriefingReport,
        Self::Attachment,
        Self::Signoff,
    ];

    /// The kinds of coordinated work, as the CLI and reports name them.
    pub const ACTIVITIES: [RecordType; 7] = [
        Self::Patrol,
        Self::Case,
        Self::Meeting,
        Self::Document,
        Self::Programme,
        Self::Propaganda,
        Self::Disaster,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Unit => "unit",
            Self::Link => "link",
            Self::Marker => "marker",
            Self::Catalogue => "catalogue",
            Self::Patrol => "patrol",
            Self::Case => "case",
            Self::CaseSubjects => "case_subjects",
            Self::Meeting => "meeting",
            Self::Document => "document",
            Self::Programme => "programme",
            Self::Beneficiary => "beneficiary",
            Self::Propaganda => "propaganda",
            Self::Disaster => "disaster",
            Self::BriefingReport => "briefing_report",
            Self::Attachment => "attachment",
            Self::Signoff => "signoff",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Personal data: kept in revisions of their own so that a node can be
    /// denied them without breaking the revision set of the record.
    pub fn is_restricted(&self) -> bool {
        matches!(self, Self::CaseSubjects | Self::Beneficiary)
    }

    /// Records that describe the organisation rather than work done.
    pub fn is_structure(&self) -> bool {
        matches!(
            self,
            Self::Unit | Self::Link | Self::Marker | Self::Catalogue
        )
    }
}

impl std::fmt::Display for RecordType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatrolKind {
    /// With local forces: militia, police, self-management teams, villagers.
    Joint,
    /// With the neighbouring country's border force.
    Bilateral,
    /// The post's own force only.
    PostOnly,
}

impl PatrolKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Joint => "joint",
            Self::Bilateral => "bilateral",
            Self::PostOnly => "post_only",
        }
    }
}

/// People of one force on a patrol or a response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForceCount {
    pub force: Code,
    pub persons: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patrol {
    pub date: Date,
    /// The post (or station) that led the patrol.
    pub lead_unit: Code,
    /// Communes and other units that took part.
    #[serde(default)]
    pub partner_units: Vec<Code>,
    pub kind: PatrolKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_hours: Option<Quantity>,
    /// Border markers covered, by number.
    #[serde(default)]
    pub markers: Vec<Code>,
    /// A force with 0 persons is the same as no entry: it is left out when
    /// read, whichever edge it came from.
    #[serde(deserialize_with = "forces_present")]
    pub participants: Vec<ForceCount>,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub notes: Text,
}

fn forces_present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ForceCount>, D::Error> {
    let mut forces = Vec::<ForceCount>::deserialize(d)?;
    forces.retain(|f| f.persons > 0);
    Ok(forces)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seizure {
    pub item: Code,
    pub quantity: Quantity,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub date: Date,
    pub handling_unit: Code,
    #[serde(default)]
    pub partner_units: Vec<Code>,
    pub case_type: Code,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub place: Text,
    /// How many people were involved; who they were is restricted
    /// ([`CaseSubjects`]).
    pub subjects: u32,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub outcome: Text,
    #[serde(default)]
    pub seizures: Vec<Seizure>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Text>,
}

/// Personal details of a case's subjects: restricted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseSubjects {
    pub case: RecordId,
    pub subjects: Vec<Subject>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    #[default]
    Open,
    Done,
    Cancelled,
}

/// Something a meeting agreed to do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub text: Text,
    pub owner_unit: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(default)]
    pub status: ActionStatus,
}

/// The body of a unit that acts in a record: the unit's Party committee,
/// People's Committee or People's Council, or its command. Committees are
/// not units of their own; a record names the unit and, where it matters,
/// which of its bodies acted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    /// Đảng ủy / Huyện ủy / Tỉnh ủy.
    PartyCommittee,
    /// Ủy ban nhân dân.
    PeoplesCommittee,
    /// Hội đồng nhân dân.
    PeoplesCouncil,
    /// The command of a Border Guard unit.
    Command,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub date: Date,
    pub meeting_type: Code,
    pub host_unit: Code,
    /// Which body of the host unit held it (its Party committee…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_body: Option<Body>,
    #[serde(default)]
    pub participant_units: Vec<Code>,
    /// The period the meeting reviews, where it reviews one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_from: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_to: Option<Date>,
    #[serde(default)]
    pub attendance: u32,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub content: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub lessons: Text,
    #[serde(default)]
    pub actions: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    pub unit: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_on: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub date: Date,
    pub document_type: Code,
    /// Number and symbol, e.g. `33-NQ/TW`, `12/BC-BĐBP`; empty while a
    /// draft awaits its signatures.
    #[serde(default)]
    pub number: Text,
    /// The issuing body as the document names it.
    pub issuer: Text,
    /// The unit in the store that issued or registered it.
    pub unit: Code,
    /// Which body of that unit issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_body: Option<Body>,
    pub title: Text,
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    /// The positions that must sign it (in each chain, for a joint
    /// document); while any is missing it is a draft and may go without a
    /// number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signers: Vec<crate::signoff::Signer>,
    /// What its recipients must do (a directive's, a plan's), each with
    /// its owner and due day; recipients report on them when they
    /// acknowledge.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<Action>,
    /// The day recipients must acknowledge it by; by default
    /// `crate::signoff::ACKNOWLEDGE_DAYS` after its date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge_by: Option<Date>,
    /// How it travelled as an edXML packet, when it did (`crate::exchange`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<Box<crate::exchange::Exchange>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BeneficiaryKind {
    Child,
    Household,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disbursement {
    pub date: Date,
    pub amount: Money,
}

/// Support of one beneficiary under a programme. Who the beneficiary is
/// lives in a restricted [`Beneficiary`] record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    pub programme: Code,
    pub sponsor_unit: Code,
    #[serde(default)]
    pub partner_units: Vec<Code>,
    pub beneficiary_kind: BeneficiaryKind,
    pub start: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    pub monthly_amount: Money,
    #[serde(default)]
    pub disbursements: Vec<Disbursement>,
}

/// Personal data of a programme's beneficiary: restricted. Children's data
/// needs recorded consent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Beneficiary {
    pub programme_record: RecordId,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ethnicity: Option<Text>,
    /// The legal representative who consented, for a child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<Text>,
    /// The day consent was given (by the representative, for a child):
    /// the record's date ([`crate::personal::check_consent`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent_on: Option<Date>,
    /// The day a child of 7 or older consented too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_consent_on: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Propaganda {
    pub date: Date,
    pub unit: Code,
    #[serde(default)]
    pub partner_units: Vec<Code>,
    pub topic: Text,
    pub sessions: u32,
    pub listeners: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisasterKind {
    /// A standing plan (phương án) for disasters or search and rescue.
    Plan,
    /// A response to an event.
    Response,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disaster {
    pub date: Date,
    pub unit: Code,
    #[serde(default)]
    pub partner_units: Vec<Code>,
    pub kind: DisasterKind,
    pub title: Text,
    /// Forces mobilised, in lượt.
    #[serde(default)]
    pub persons_mobilised: u32,
    #[serde(default)]
    pub people_rescued: u32,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub notes: Text,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BriefingStatus {
    /// Being written; its figures are read live from the records.
    #[default]
    Draft,
    /// Sent to the briefing: its figures are frozen as they stood that day.
    Submitted,
}

impl BriefingStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
        }
    }
}

/// One figure of a briefing report as it stood when the report was
/// submitted, with the label it was shown under then.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrozenFigure {
    pub key: String,
    pub label: Text,
    pub value: Quantity,
}

/// A post's or a border commune's report for a quarterly briefing (giao ban):
/// figures come from the records, the narrative from the unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefingReport {
    pub unit: Code,
    pub year: i16,
    /// 1..=4.
    pub quarter: i8,
    #[serde(default)]
    pub cutoff: Cutoff,
    /// Results (kết quả), shortcomings (tồn tại, hạn chế) and proposals
    /// (đề xuất, kiến nghị), as the unit writes them.
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub results: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub shortcomings: Text,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub proposals: Text,
    #[serde(default)]
    pub status: BriefingStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_on: Option<Date>,
    /// Set only by submitting: the figures as they stood then.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<FrozenFigure>,
    /// The positions that must sign it before it is sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signers: Vec<crate::signoff::Signer>,
}

impl BriefingReport {
    /// The days the report covers.
    pub fn period(&self) -> Option<Period> {
        (1..=4)
            .contains(&self.quarter)
            .then(|| Period::quarter(self.year, self.quarter, self.cutoff))
    }
}

/// The content of one revision.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    Unit(Unit),
    Link(Link),
    Marker(Marker),
    Catalogue(Entry),
    Patrol(Patrol),
    Case(Case),
    CaseSubjects(CaseSubjects),
    Meeting(Meeting),
    Document(Document),
    Programme(Programme),
    Beneficiary(Beneficiary),
    Propaganda(Propaganda),
    Disaster(Disaster),
    BriefingReport(BriefingReport),
    Attachment(crate::attachment::Attachment),
    Signoff(crate::signoff::Signoff),
}

impl Content {
    pub fn record_type(&self) -> RecordType {
        match self {
            Self::Unit(_) => RecordType::Unit,
            Self::Link(_) => RecordType::Link,
            Self::Marker(_) => RecordType::Marker,
            Self::Catalogue(_) => RecordType::Catalogue,
            Self::Patrol(_) => RecordType::Patrol,
            Self::Case(_) => RecordType::Case,
            Self::CaseSubjects(_) => RecordType::CaseSubjects,
            Self::Meeting(_) => RecordType::Meeting,
            Self::Document(_) => RecordType::Document,
            Self::Programme(_) => RecordType::Programme,
            Self::Beneficiary(_) => RecordType::Beneficiary,
            Self::Propaganda(_) => RecordType::Propaganda,
            Self::Disaster(_) => RecordType::Disaster,
            Self::BriefingReport(_) => RecordType::BriefingReport,
            Self::Attachment(_) => RecordType::Attachment,
            Self::Signoff(_) => RecordType::Signoff,
        }
    }

    /// Reads a record of `record_type` from JSON, naming the field at fault.
    pub fn from_json(record_type: RecordType, json: &str) -> Result<Self, ValidationError> {
        fn parse<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, ValidationError> {
            let de = &mut serde_json::Deserializer::from_str(json);
            serde_path_to_error::deserialize(de).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = strip_position(&inner.to_string());
                // "?" stands for a place the parser never reached a key in.
                let field = if path == "." || path == "?" {
                    "json".to_string()
                } else {
                    path
                };
                ValidationError::new(field, Problem::MalformedJson(message))
            })
        }
        Ok(match record_type {
            RecordType::Unit => Self::Unit(parse(json)?),
            RecordType::Link => Self::Link(parse(json)?),
            RecordType::Marker => Self::Marker(parse(json)?),
            RecordType::Catalogue => Self::Catalogue(parse(json)?),
            RecordType::Patrol => Self::Patrol(parse(json)?),
            RecordType::Case => Self::Case(parse(json)?),
            RecordType::CaseSubjects => Self::CaseSubjects(parse(json)?),
            RecordType::Meeting => Self::Meeting(parse(json)?),
            RecordType::Document => Self::Document(parse(json)?),
            RecordType::Programme => Self::Programme(parse(json)?),
            RecordType::Beneficiary => Self::Beneficiary(parse(json)?),
            RecordType::Propaganda => Self::Propaganda(parse(json)?),
            RecordType::Disaster => Self::Disaster(parse(json)?),
            RecordType::BriefingReport => Self::BriefingReport(parse(json)?),
            RecordType::Attachment => Self::Attachment(parse(json)?),
            RecordType::Signoff => Self::Signoff(parse(json)?),
        })
    }

    /// The canonical JSON the store keeps (fields in declaration order).
    pub fn to_json(&self) -> String {
        let value = match self {
            Self::Unit(r) => serde_json::to_string(r),
            Self::Link(r) => serde_json::to_string(r),
            Self::Marker(r) => serde_json::to_string(r),
            Self::Catalogue(r) => serde_json::to_string(r),
            Self::Patrol(r) => serde_json::to_string(r),
            Self::Case(r) => serde_json::to_string(r),
            Self::CaseSubjects(r) => serde_json::to_string(r),
            Self::Meeting(r) => serde_json::to_string(r),
            Self::Document(r) => serde_json::to_string(r),
            Self::Programme(r) => serde_json::to_string(r),
            Self::Beneficiary(r) => serde_json::to_string(r),
            Self::Propaganda(r) => serde_json::to_string(r),
            Self::Disaster(r) => serde_json::to_string(r),
            Self::BriefingReport(r) => serde_json::to_string(r),
            Self::Attachment(r) => serde_json::to_string(r),
            Self::Signoff(r) => serde_json::to_string(r),
        };
        // Plain structs with string keys always serialise.
        value.unwrap_or_default()
    }

    /// The canonical JSON as a value: what [`Content::to_json`] writes,
    /// without printing it to text and reading it back.
    pub fn to_value(&self) -> serde_json::Value {
        let value = match self {
            Self::Unit(r) => serde_json::to_value(r),
            Self::Link(r) => serde_json::to_value(r),
            Self::Marker(r) => serde_json::to_value(r),
            Self::Catalogue(r) => serde_json::to_value(r),
            Self::Patrol(r) => serde_json::to_value(r),
            Self::Case(r) => serde_json::to_value(r),
            Self::CaseSubjects(r) => serde_json::to_value(r),
            Self::Meeting(r) => serde_json::to_value(r),
            Self::Document(r) => serde_json::to_value(r),
            Self::Programme(r) => serde_json::to_value(r),
            Self::Beneficiary(r) => serde_json::to_value(r),
            Self::Propaganda(r) => serde_json::to_value(r),
            Self::Disaster(r) => serde_json::to_value(r),
            Self::BriefingReport(r) => serde_json::to_value(r),
            Self::Attachment(r) => serde_json::to_value(r),
            Self::Signoff(r) => serde_json::to_value(r),
        };
        // As in `to_json`: plain structs with string keys always serialise.
        value.unwrap_or_default()
    }

    /// The day the record is reported under.
    pub fn date(&self) -> Option<Date> {
        match self {
            Self::Patrol(r) => Some(r.date),
            Self::Case(r) => Some(r.date),
            Self::Meeting(r) => Some(r.date),
            Self::Document(r) => Some(r.date),
            Self::Programme(r) => Some(r.start),
            Self::Propaganda(r) => Some(r.date),
            Self::Disaster(r) => Some(r.date),
            Self::BriefingReport(r) => r.period().map(|p| p.to),
            Self::Signoff(r) => Some(r.date),
            Self::Unit(u) => u.valid_from,
            Self::Link(l) => l.valid_from,
            Self::Marker(_)
            | Self::Catalogue(_)
            | Self::CaseSubjects(_)
            | Self::Beneficiary(_)
            | Self::Attachment(_) => None,
        }
    }

    /// The unit a record belongs to first (the leading post, the handling or
    /// hosting unit), then every other unit that took part.
    pub fn units(&self) -> (Option<&Code>, Vec<&Code>) {
        match self {
            Self::Patrol(r) => (Some(&r.lead_unit), r.partner_units.iter().collect()),
            Self::Case(r) => (Some(&r.handling_unit), r.partner_units.iter().collect()),
            Self::Meeting(r) => (Some(&r.host_unit), r.participant_units.iter().collect()),
            Self::Document(r) => (
                Some(&r.unit),
                r.recipients.iter().map(|x| &x.unit).collect(),
            ),
            Self::Programme(r) => (Some(&r.sponsor_unit), r.partner_units.iter().collect()),
            Self::Propaganda(r) => (Some(&r.unit), r.partner_units.iter().collect()),
            Self::Disaster(r) => (Some(&r.unit), r.partner_units.iter().collect()),
            Self::BriefingReport(r) => (Some(&r.unit), vec![]),
            Self::Signoff(r) => (Some(&r.unit), vec![]),
            Self::Unit(u) => (Some(&u.code), vec![]),
            Self::Link(l) => (Some(&l.from), vec![&l.to]),
            Self::Marker(m) => (Some(&m.post), vec![]),
            Self::Catalogue(_)
            | Self::CaseSubjects(_)
            | Self::Beneficiary(_)
            | Self::Attachment(_) => (None, vec![]),
        }
    }

    /// Every field that names a unit in a record about the work (activity
    /// records, links, markers): what a code given in another form is
    /// resolved in ([`crate::org::Org::name_units`]). A unit record's own
    /// code and successors are its identity, not references, and stay.
    pub fn units_mut(&mut self) -> Vec<&mut Code> {
        let mut out: Vec<&mut Code> = Vec::new();
        match self {
            Self::Patrol(r) => {
                out.push(&mut r.lead_unit);
                out.extend(r.partner_units.iter_mut());
            }
            Self::Case(r) => {
                out.push(&mut r.handling_unit);
                out.extend(r.partner_units.iter_mut());
            }
            Self::Meeting(r) => {
                out.push(&mut r.host_unit);
                out.extend(r.participant_units.iter_mut());
                out.extend(r.actions.iter_mut().map(|a| &mut a.owner_unit));
            }
            Self::Document(r) => {
                out.push(&mut r.unit);
                out.extend(r.recipients.iter_mut().map(|x| &mut x.unit));
            }
            Self::Programme(r) => {
                out.push(&mut r.sponsor_unit);
                out.extend(r.partner_units.iter_mut());
            }
            Self::Propaganda(r) => {
                out.push(&mut r.unit);
                out.extend(r.partner_units.iter_mut());
            }
            Self::Disaster(r) => {
                out.push(&mut r.unit);
                out.extend(r.partner_units.iter_mut());
            }
            Self::BriefingReport(r) => out.push(&mut r.unit),
            Self::Signoff(r) => out.push(&mut r.unit),
            Self::Link(l) => {
                out.push(&mut l.from);
                out.push(&mut l.to);
            }
            Self::Marker(m) => {
                out.push(&mut m.post);
                out.extend(m.commune.iter_mut());
            }
            Self::Unit(_)
            | Self::Catalogue(_)
            | Self::CaseSubjects(_)
            | Self::Beneficiary(_)
            | Self::Attachment(_) => {}
        }
        out
    }

    /// The catalogue entry or kind a record is filed under, for filtering
    /// without reading its content: case type, meeting type, programme…
    pub fn category(&self) -> Option<&str> {
        match self {
            Self::Patrol(r) => Some(r.kind.as_str()),
            Self::Case(r) => Some(r.case_type.as_str()),
            Self::Meeting(r) => Some(r.meeting_type.as_str()),
            Self::Document(r) => Some(r.document_type.as_str()),
            Self::Programme(r) => Some(r.programme.as_str()),
            Self::Disaster(r) => Some(match r.kind {
                DisasterKind::Plan => "plan",
                DisasterKind::Response => "response",
            }),
            Self::BriefingReport(r) => Some(r.status.as_str()),
            Self::Signoff(r) => Some(r.decision.as_str()),
            Self::Unit(u) => Some(u.kind.as_str()),
            Self::Catalogue(e) => Some(e.catalogue.as_str()),
            _ => None,
        }
    }

    /// The last day a record is in force, for records that span time.
    pub fn until(&self) -> Option<Date> {
        match self {
            Self::Programme(r) => r.end,
            Self::Unit(u) => u.valid_to,
            Self::Link(l) => l.valid_to,
            _ => None,
        }
    }

    /// The record a restricted record or an attachment belongs to.
    pub fn subject_of(&self) -> Option<RecordId> {
        match self {
            Self::CaseSubjects(r) => Some(r.case),
            Self::Beneficiary(r) => Some(r.programme_record),
            Self::Attachment(a) => Some(a.record),
            // Not restricted: the answered record, so that a record's
            // answers are listed by it (`ListFilter::subject_of`).
            Self::Signoff(r) => Some(r.record),
            _ => None,
        }
    }
}

/// serde_json appends "at line 1 column 17"; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever text arrives as a record, reading it never panics: it is a
        /// record or a field-named error.
        #[test]
        fn reading_any_text_never_panics(text in "\\PC{0,200}", t in 0usize..RecordType::ALL.len()) {
            let _ = Content::from_json(RecordType::ALL[t], &text);
        }

        #[test]
        fn reading_json_shaped_input_never_panics(
            persons in proptest::num::i64::ANY,
            quantity in "[-0-9.,e]{0,12}",
            date in "[0-9/-]{0,12}",
        ) {
            let patrol = format!(
                r#"{{"date":"{date}","lead_unit":"BP","kind":"joint","participants":[{{"force":"BDBP","persons":{persons}}}]}}"#
            );
            let _ = Content::from_json(RecordType::Patrol, &patrol);
            let case = format!(
                r#"{{"date":"2023-01-01","handling_unit":"BP","case_type":"X","subjects":1,"seizures":[{{"item":"A","quantity":"{quantity}"}}]}}"#
            );
            let _ = Content::from_json(RecordType::Case, &case);
        }
    }

    #[test]
    fn errors_name_the_field() {
        let e = Content::from_json(
            RecordType::Patrol,
            r#"{"date":"2023-01-01","lead_unit":"BP","kind":"joint","participants":[{"force":"BDBP","persons":-1}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "participants[0].persons");
        let e = Content::from_json(
            RecordType::Patrol,
            r#"{"date":"2023-01-01","lead_unit":"BP","kind":"walk","participants":[]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "kind");
        let e = Content::from_json(
            RecordType::Patrol,
            r#"{"date":"2023-01-01","lead_unit":"BP","kind":"joint","participants":[],"colour":1}"#,
        )
        .unwrap_err();
        assert!(
            matches!(e.problem, Problem::MalformedJson(ref m) if m.contains("colour")),
            "{e}"
        );
    }
}
