//! The organisation as it is over time: units, the links between them and
//! the border markers posts answer for. All of it is data with validity
//! intervals, so a reorganisation is recorded without rewriting history.

use crate::Date;
use crate::error::{Problem, ValidationError};
use crate::period::Period;
use crate::scope::Scope;
use crate::text::Text;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// A unit's own short code (`HG`, `BP-LUNGCU`, `XA-LUNGCU`): stable for the
/// unit's whole life, unique in the store. Official administrative codes
/// are kept beside it in [`Unit::admin_codes`], each with its validity.
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

/// A code in the state's list of administrative units (`02`, `08`, a
/// commune's five digits) and the days it was in force: codes change when
/// units merge, so one unit may have had several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminCode {
    pub code: Code,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<Date>,
}

impl AdminCode {
    pub fn in_force_during(&self, p: &Period) -> bool {
        p.overlaps(self.valid_from, self.valid_to)
    }

    /// Whether two codes' validities share a day.
    pub fn overlaps(&self, other: &AdminCode) -> bool {
        let before = |to: Option<Date>, from: Option<Date>| matches!((to, from), (Some(t), Some(f)) if t < f);
        !before(self.valid_to, other.valid_from) && !before(other.valid_to, self.valid_from)
    }
}

/// A unit: a province, a Border Guard command or post, a district, commune,
/// village. Party committees and People's Committees are bodies of a unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "UnitStored")]
pub struct Unit {
    pub code: Code,
    pub kind: UnitKind,
    pub name: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<Text>,
    /// The unit's codes in the state's list of administrative units, each
    /// with its validity, where it has one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_codes: Vec<AdminCode>,
    /// The identifier for electronic document exchange (mã định danh), which
    /// posts, commands and Party committees have without an administrative code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<Date>,
    /// The units that took over from this one when it ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<Code>,
    /// Where a post or station stands (WGS84), when supplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::geo::GeoPoint>,
    /// A commune's (or other unit's) area: polygons, each an outer ring
    /// then its holes, rings closed (WGS84), when supplied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub area: Vec<crate::geo::shapes::Polygon>,
    /// The stretch of the national border the unit answers for, as lines
    /// (WGS84), when supplied.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub border: Vec<Vec<crate::geo::GeoPoint>>,
    /// False where the name or existence is not confirmed by a source.
    #[serde(default = "yes")]
    pub verified: bool,
    #[serde(default, skip_serializing_if = "Text::is_empty")]
    pub note: Text,
}

fn yes() -> bool {
    true
}

/// A unit as stored: what [`Unit`] writes, or the earlier shape with one
/// `official_code` without validity, which stores and sync peers written
/// before administrative codes had validities still hold.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitStored {
    code: Code,
    kind: UnitKind,
    name: Text,
    #[serde(default)]
    name_en: Option<Text>,
    #[serde(default)]
    official_code: Option<Code>,
    #[serde(default)]
    admin_codes: Vec<AdminCode>,
    #[serde(default)]
    agency_id: Option<String>,
    #[serde(default)]
    valid_from: Option<Date>,
    #[serde(default)]
    valid_to: Option<Date>,
    #[serde(default)]
    successors: Vec<Code>,
    #[serde(default)]
    location: Option<crate::geo::GeoPoint>,
    #[serde(default)]
    area: Vec<crate::geo::shapes::Polygon>,
    #[serde(default)]
    border: Vec<Vec<crate::geo::GeoPoint>>,
    #[serde(default = "yes")]
    verified: bool,
    #[serde(default)]
    note: Text,
}

impl From<UnitStored> for Unit {
    fn from(s: UnitStored) -> Self {
        let mut admin_codes = s.admin_codes;
        if let Some(code) = s.official_code
            && !admin_codes.iter().any(|a| a.code == code)
        {
            admin_codes.push(AdminCode {
                code,
                valid_from: None,
                valid_to: None,
            });
        }
        Unit {
            code: s.code,
            kind: s.kind,
            name: s.name,
            name_en: s.name_en,
            admin_codes,
            agency_id: s.agency_id.filter(|a| !a.trim().is_empty()),
            valid_from: s.valid_from,
            valid_to: s.valid_to,
            successors: s.successors,
            location: s.location,
            area: s.area,
            border: s.border,
            verified: s.verified,
            note: s.note,
        }
    }
}

impl Unit {
    pub fn valid_on(&self, d: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= d) && self.valid_to.is_none_or(|t| d <= t)
    }

    /// The administrative code in force on `d`, if any.
    pub fn admin_code_on(&self, d: Date) -> Option<&Code> {
        let day = Period { from: d, to: d };
        self.admin_codes
            .iter()
            .find(|a| a.in_force_during(&day))
            .map(|a| &a.code)
    }

    /// The administrative code a report on `p` shows: the one in force on
    /// its last day, else (a unit that ended within it) the one in force
    /// latest within it; none when no code was in force during it.
    pub fn admin_code_during(&self, p: &Period) -> Option<&Code> {
        self.admin_code_on(p.to).or_else(|| {
            self.admin_codes
                .iter()
                .filter(|a| a.in_force_during(p))
                .max_by_key(|a| a.valid_to.unwrap_or(Date::MAX))
                .map(|a| &a.code)
        })
    }

    /// The administrative code in force last (one still in force, else the
    /// one that ended latest): what a report or an export shows beside the
    /// unit's name.
    pub fn latest_admin_code(&self) -> Option<&Code> {
        self.admin_codes
            .iter()
            .max_by(|a, b| match (a.valid_to, b.valid_to) {
                (None, None) => a.valid_from.cmp(&b.valid_from),
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (Some(x), Some(y)) => x.cmp(&y),
            })
            .map(|a| &a.code)
    }

    /// The administrative codes as one line: `02 (–30/06/2025)`, `08`.
    pub fn admin_codes_text(&self) -> String {
        self.admin_codes
            .iter()
            .map(|a| match (a.valid_from, a.valid_to) {
                (None, None) => a.code.to_string(),
                (f, t) => format!(
                    "{} ({}–{})",
                    a.code,
                    f.map(crate::format::date).unwrap_or_default(),
                    t.map(crate::format::date).unwrap_or_default()
                ),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What is wrong with the administrative codes of `units` taken together:
/// one unit's codes overlapping in time, or one code held by two units on
/// the same day. Every problem, each named by the unit and code.
pub fn admin_code_problems<'a>(units: impl IntoIterator<Item = &'a Unit>) -> Vec<ValidationError> {
    let mut out = Vec::new();
    let mut holders: HashMap<&Code, Vec<(&Code, &AdminCode)>> = HashMap::new();
    // An agency identifier names one unit: a packet addressed to it must
    // reach that unit and no other.
    let mut agencies: HashMap<&str, &Code> = HashMap::new();
    let mut units: Vec<&Unit> = units.into_iter().collect();
    units.sort_by(|a, b| a.code.cmp(&b.code));
    for u in &units {
        if let Some(agency) = u.agency_id.as_deref()
            && let Some(other) = agencies.insert(agency, &u.code)
        {
            out.push(ValidationError::new(
                format!("{}.agency_id", u.code),
                Problem::CodeTaken {
                    code: agency.to_string(),
                    unit: other.to_string(),
                },
            ));
        }
    }
    for u in units {
        for (i, a) in u.admin_codes.iter().enumerate() {
            if let (Some(f), Some(t)) = (a.valid_from, a.valid_to)
                && t < f
            {
                out.push(ValidationError::new(
                    format!("{}.admin_codes[{i}].valid_to", u.code),
                    Problem::DateBefore(crate::format::date(f)),
                ));
            }
            for b in &u.admin_codes[..i] {
                if a.overlaps(b) {
                    out.push(ValidationError::new(
                        format!("{}.admin_codes[{i}]", u.code),
                        Problem::CodesOverlap {
                            code: a.code.to_string(),
                            other: b.code.to_string(),
                        },
                    ));
                }
            }
            holders.entry(&a.code).or_default().push((&u.code, a));
        }
    }
    let mut codes: Vec<_> = holders.into_iter().collect();
    codes.sort_by(|x, y| x.0.cmp(y.0));
    for (code, held) in codes {
        for (i, (unit, a)) in held.iter().enumerate() {
            if let Some((other, _)) = held[..i].iter().find(|(o, b)| o != unit && a.overlaps(b)) {
                out.push(ValidationError::new(
                    format!("{unit}.admin_codes"),
                    Problem::CodeTaken {
                        code: code.to_string(),
                        unit: other.to_string(),
                    },
                ));
            }
        }
    }
    out
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
    /// The commune it stands in, when known: where a record naming it took
    /// place, so a report mapped across a split commune places the record
    /// in the part that holds the marker (docs/org-changes.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<Code>,
    /// Where it stands (WGS84), when supplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::geo::GeoPoint>,
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

    /// The unit holding administrative code `code` on some day of `during`
    /// (on any day if `None`; where two units held it at different times,
    /// the later holder).
    pub fn unit_by_admin_code(&self, code: &Code, during: Option<&Period>) -> Option<&Unit> {
        self.units
            .values()
            .filter_map(|u| {
                u.admin_codes
                    .iter()
                    .filter(|a| &a.code == code && during.is_none_or(|p| a.in_force_during(p)))
                    .map(|a| a.valid_from)
                    .max()
                    .map(|from| (from, u))
            })
            .max_by(|x, y| x.0.cmp(&y.0).then_with(|| y.1.code.cmp(&x.1.code)))
            .map(|(_, u)| u)
    }

    /// The unit a person names, the one reader of a unit typed by a user
    /// (the CLI's `--unit` and `--scope`, the web's `unit` and `scope`):
    /// the unit's own code; else an administrative code in force during
    /// `during` (ever, if `None`); else an agency identifier. Text that
    /// names no unit is read as a code, which the caller finds unknown.
    pub fn named_unit(&self, text: &str, during: Option<&Period>) -> Result<Code, Problem> {
        let code = Code::parse(text)?;
        if self.units.contains_key(&code) {
            return Ok(code);
        }
        if let Some(u) = self.unit_by_admin_code(&code, during) {
            return Ok(u.code.clone());
        }
        let typed = text.trim();
        let mut by_agency = self.units.values().filter(|u| {
            u.agency_id
                .as_deref()
                .is_some_and(|a| a.trim().eq_ignore_ascii_case(typed))
        });
        match (by_agency.next(), by_agency.next()) {
            (Some(u), None) => Ok(u.code.clone()),
            _ => Ok(code),
        }
    }

    /// Resolves every unit a record names (`Content::units_mut`) as
    /// [`Org::named_unit`] does on the record's date: an administrative
    /// code in force then or an agency identifier becomes the unit's own
    /// code, which is what is stored (ADR 0002). A name that is no unit is
    /// left for the record's check to refuse.
    pub fn name_units(&self, content: &mut crate::record::Content) {
        let during = content.date().map(|d| Period { from: d, to: d });
        for code in content.units_mut() {
            if let Ok(named) = self.named_unit(code.as_str(), during.as_ref()) {
                *code = named;
            }
        }
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
