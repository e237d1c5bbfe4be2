//! The organisation as it is over time: units, the links between them and
//! the border markers posts answer for. All of it is data with validity
//! intervals, so a reorganisation is recorded without rewriting history.

use crate::Date;
use crate::error::Problem;
use crate::period::Period;
use crate::scope::Scope;
use crate::text::Text;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// A unit's own short code (`HG`, `BP-LUNGCU`, `XA-LUNGCU`): stable for the
/// unit's whole life, unique in the store. Official administrative codes
/// are kept beside it in [`Unit::official_code`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Code(String);

impl Code {
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let t = s.trim();
        let ok = !t.is_empty()
            && t.len() <= 64
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'));
        if ok {
            Ok(Self(t.to_ascii_uppercase()))
        } else {
            Err(Problem::InvalidCode(s.to_string()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Code::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for Code {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Problem> {
        Code::parse(s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Province,
    BorderGuardCommand,
    BorderPost,
    Station,
    District,
    Commune,
    Village,
}

impl UnitKind {
    pub const ALL: [UnitKind; 7] = [
        Self::Province,
        Self::BorderGuardCommand,
        Self::BorderPost,
        Self::Station,
        Self::District,
        Self::Commune,
        Self::Village,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::BorderGuardCommand => "border_guard_command",
            Self::BorderPost => "border_post",
            Self::Station => "station",
            Self::District => "district",
            Self::Commune => "commune",
            Self::Village => "village",
        }
    }
    /// Units of the Border Guard, who lead patrols.
    pub fn is_military(&self) -> bool {
        matches!(
            self,
            Self::BorderGuardCommand | Self::BorderPost | Self::Station
        )
    }
}

/// A unit: a province, a Border Guard command or post, a district, commune,
/// village. Party committees and People's Committees are bodies of a unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub code: Code,
    pub kind: UnitKind,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<Text>,
    /// The code in the state's list of administrative units, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<Date>,
    /// The units that took over from this one when it ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<Code>,
    /// False where the name or existence is not confirmed by a source.
    #[serde(default = "yes")]
    pub verified: bool,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub note: Text,
}

fn yes() -> bool {
    true
}

impl Unit {
    pub fn valid_on(&self, d: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= d) && self.valid_to.is_none_or(|t| d <= t)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Command chain: provincial command → post → station.
    MilitaryParent,
    /// Administrative chain: province → district → commune → village.
    CivilParent,
    /// Coordination: post ↔ commune it is responsible for, provincial Border
    /// Guard ↔ district, district ↔ its communes.
    Coordination,
}

/// A link from `from` (the parent, or the coordinating side) to `to`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub kind: LinkKind,
    pub from: Code,
    pub to: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<Date>,
    #[serde(default = "yes")]
    pub verified: bool,
}

impl Link {
    pub fn valid_during(&self, p: &Period) -> bool {
        p.overlaps(self.valid_from, self.valid_to)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerKind {
    Main,
    Auxiliary,
}

/// A border marker (`172`, `519/2`) and the post that answers for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    pub number: Code,
    pub post: Code,
    pub kind: MarkerKind,
    #[serde(default = "yes")]
    pub verified: bool,
}

/// The organisation as one in-memory picture, for checking records against
/// it and for working out the scope of a report.
#[derive(Clone, Debug, Default)]
pub struct Org {
    pub units: HashMap<Code, Unit>,
    pub links: Vec<Link>,
    pub markers: HashMap<(Code, Code), Marker>,
    pub catalogue: crate::catalogue::Catalogue,
}

impl Org {
    pub fn unit(&self, code: &Code) -> Option<&Unit> {
        self.units.get(code)
    }

    /// `root` and every unit below it through parent links valid during `p`,
    /// in either chain.
    pub fn descendants(&self, root: &Code, p: &Period) -> BTreeSet<Code> {
        let mut out = BTreeSet::from([root.clone()]);
        let mut frontier = vec![root.clone()];
        while let Some(u) = frontier.pop() {
            for l in &self.links {
                let parent_link =
                    matches!(l.kind, LinkKind::MilitaryParent | LinkKind::CivilParent);
                if parent_link && l.from == u && l.valid_during(p) && out.insert(l.to.clone()) {
                    frontier.push(l.to.clone());
                }
            }
        }
        out
    }

    /// The units a report or list on `root` covers within `p`, each with
    /// its days (see [`Scope::of`], the one place for that rule).
    pub fn scope(&self, root: &Code, p: &Period) -> Scope {
        Scope::of(self, root, p)
    }

    /// Units of `kinds` in `scope` on some day of `p` that existed then.
    pub fn units_of_kind_during<'a>(
        &'a self,
        scope: &'a Scope,
        kinds: &'a [UnitKind],
        p: &'a Period,
    ) -> impl Iterator<Item = &'a Unit> + 'a {
        scope
            .units()
            .filter(move |c| scope.contains_during(c, p))
            .filter_map(|c| self.units.get(c))
            .filter(move |u| kinds.contains(&u.kind) && p.overlaps(u.valid_from, u.valid_to))
    }
}
