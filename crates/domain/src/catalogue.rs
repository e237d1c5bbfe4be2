//! Catalogues are data: forces, case types, seized items and their units,
//! programmes, document and meeting types, each with Vietnamese and English
//! labels, editable like any record.

use crate::org::Code;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogueKind {
    Force,
    CaseType,
    SeizedItem,
    Programme,
    DocumentType,
    MeetingType,
}

impl CatalogueKind {
    pub const ALL: [CatalogueKind; 6] = [
        Self::Force,
        Self::CaseType,
        Self::SeizedItem,
        Self::Programme,
        Self::DocumentType,
        Self::MeetingType,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Force => "force",
            Self::CaseType => "case_type",
            Self::SeizedItem => "seized_item",
            Self::Programme => "programme",
            Self::DocumentType => "document_type",
            Self::MeetingType => "meeting_type",
        }
    }
}

/// What a catalogue entry means to the reports, beyond its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    None,
    /// A force that is the Border Guard itself (its lượt are counted apart
    /// from "lượt lực lượng khác").
    BorderGuard,
    /// The meeting type of the quarterly briefing every post and commune owes.
    QuarterlyBriefing,
    /// The meeting type of the annual review conference.
    AnnualReview,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub catalogue: CatalogueKind,
    pub code: Code,
    pub vi: Text,
    pub en: Text,
    /// Unit of measure of a seized item (`bánh`, `g`, `chiếc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_vi: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure_en: Option<Text>,
    /// How a report names an amount of the item, `{}` standing for the
    /// number: `{} bánh heroin`, `{}g thuốc phiện`, `{} xe máy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase_vi: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrase_en: Option<Text>,
    #[serde(default, skip_serializing_if = "is_default")]
    pub role: Role,
    /// Position in lists and in report sentences.
    #[serde(default)]
    pub order: i32,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

fn is_default(r: &Role) -> bool {
    *r == Role::None
}

#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    pub entries: HashMap<(CatalogueKind, Code), Entry>,
}

impl Catalogue {
    pub fn get(&self, kind: CatalogueKind, code: &Code) -> Option<&Entry> {
        self.entries.get(&(kind, code.clone()))
    }

    /// Entries of one catalogue in their order, then by code.
    pub fn list(&self, kind: CatalogueKind) -> Vec<&Entry> {
        let mut v: Vec<&Entry> = self
            .entries
            .values()
            .filter(|e| e.catalogue == kind)
            .collect();
        v.sort_by(|a, b| (a.order, &a.code).cmp(&(b.order, &b.code)));
        v
    }

    pub fn with_role(&self, kind: CatalogueKind, role: Role) -> impl Iterator<Item = &Entry> {
        self.entries
            .values()
            .filter(move |e| e.catalogue == kind && e.role == role)
    }
}
