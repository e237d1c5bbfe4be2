//! Who may read and write which records. A person acts for one unit; what
//! that unit may see and change follows the organisation as it stood on the
//! record's date: the units below it, the units it coordinates with, and the
//! joint records it took part in.

use crate::Date;
use crate::org::{Code, LinkKind, Org};
use crate::period::Period;
use crate::record::{Content, RecordType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a person does in the system.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages accounts, the organisation and catalogues; reads everything.
    Admin,
    /// Provincial staff and leaders: read everything in their unit's scope
    /// and approve submitted reports; change no records.
    Provincial,
    /// Keeps a post's or a commune's records.
    Editor,
    /// Reads a unit's records.
    Reader,
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Admin, Self::Provincial, Self::Editor, Self::Reader];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Provincial => "provincial",
            Self::Editor => "editor",
            Self::Reader => "reader",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What one account (or API token) acts as.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub role: Role,
    /// The unit the person works for.
    pub unit: Code,
    /// Whether personal data (case subjects, beneficiaries) may be read and
    /// written; administrators always may.
    pub restricted: bool,
}

/// What was asked of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Grant {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn sees_restricted(&self) -> bool {
        self.is_admin() || self.restricted
    }

    /// The units whose records this grant may read as of `day`: its unit,
    /// the units below it, and those they coordinate with.
    pub fn read_scope(&self, org: &Org, day: Date) -> BTreeSet<Code> {
        let period = Period { from: day, to: day };
        let mut scope = org.descendants(&self.unit, &period);
        let coordinated: Vec<Code> = org
            .links
            .iter()
            .filter(|l| {
                l.kind == LinkKind::Coordination
                    && l.valid_during(&period)
                    && scope.contains(&l.from)
            })
            .map(|l| l.to.clone())
            .collect();
        scope.extend(coordinated);
        scope
    }

    /// The units whose records this grant may change as of `day`: its unit
    /// and the units below it; never those it merely coordinates with.
    pub fn write_scope(&self, org: &Org, day: Date) -> BTreeSet<Code> {
        org.descendants(&self.unit, &Period { from: day, to: day })
    }

    /// Every unit this grant may read at some time, for narrowing a list
    /// query before each record is checked on its own date.
    pub fn read_scope_ever(&self, org: &Org) -> BTreeSet<Code> {
        let always = Period {
            from: Date::MIN,
            to: Date::MAX,
        };
        let mut scope = org.descendants(&self.unit, &always);
        let coordinated: Vec<Code> = org
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Coordination && scope.contains(&l.from))
            .map(|l| l.to.clone())
            .collect();
        scope.extend(coordinated);
        scope
    }

    /// Whether this grant may do `access` to a record with `content`. For a
    /// restricted record `owner` is the content of the record it belongs to
    /// (the case, the programme support); its units decide.
    pub fn allows(
        &self,
        access: Access,
        org: &Org,
        content: &Content,
        owner: Option<&Content>,
    ) -> bool {
        let record_type = content.record_type();
        if self.is_admin() {
            return true;
        }
        if record_type == RecordType::Attachment {
            // A file is read and written where its record is. The owner of
            // a restricted record is not known here: callers that look it
            // up judge the record itself (`allows` on it with its owner);
            // here a file of a restricted record is refused.
            return owner.is_some_and(|o| {
                !o.record_type().is_restricted() && self.allows(access, org, o, None)
            });
        }
        if record_type.is_structure() {
            return access == Access::Read;
        }
        if record_type.is_restricted() {
            return self.sees_restricted()
                && owner.is_some_and(|o| self.allows(access, org, o, None));
        }
        let day = content.date().unwrap_or(Date::MIN);
        let (lead, partners) = content.units();
        match access {
            Access::Read => {
                let scope = self.read_scope(org, day);
                lead.into_iter().chain(partners).any(|u| scope.contains(u))
            }
            Access::Write => {
                self.role == Role::Editor
                    && lead.is_some_and(|u| self.write_scope(org, day).contains(u))
            }
        }
    }

    /// Whether this grant may create or change records of `record_type` at
    /// all (before looking at any record).
    pub fn may_write_type(&self, record_type: RecordType) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Editor => {
                !record_type.is_structure() && (!record_type.is_restricted() || self.restricted)
            }
            Role::Provincial | Role::Reader => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{Link, Unit, UnitKind};
    use crate::record::{ForceCount, Patrol, PatrolKind};
    use crate::text::Text;

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn unit(c: &str, kind: UnitKind) -> Unit {
        Unit {
            code: code(c),
            kind,
            name: Text::new(c),
            name_en: None,
            admin_codes: Vec::new(),
            agency_id: None,
            valid_from: None,
            valid_to: None,
            successors: vec![],
            location: None,
            area: Vec::new(),
            border: Vec::new(),
            verified: true,
            note: Text::default(),
        }
    }

    fn link(kind: LinkKind, from: &str, to: &str, valid_to: Option<Date>) -> Link {
        Link {
            kind,
            from: code(from),
            to: code(to),
            valid_from: None,
            valid_to,
            verified: true,
        }
    }

    fn org() -> Org {
        let mut org = Org::default();
        for (c, k) in [
            ("P", UnitKind::Province),
            ("BCH", UnitKind::BorderGuardCommand),
            ("BP1", UnitKind::BorderPost),
            ("BP2", UnitKind::BorderPost),
            ("X1", UnitKind::Commune),
            ("X2", UnitKind::Commune),
        ] {
            org.units.insert(code(c), unit(c, k));
        }
        org.links = vec![
            link(LinkKind::MilitaryParent, "P", "BCH", None),
            link(LinkKind::MilitaryParent, "BCH", "BP1", None),
            link(LinkKind::MilitaryParent, "BCH", "BP2", None),
            link(LinkKind::CivilParent, "P", "X1", None),
            link(LinkKind::CivilParent, "P", "X2", None),
            // BP1 coordinated with X1 until the end of 2023 only.
            link(
                LinkKind::Coordination,
                "BP1",
                "X1",
                Some(Date::new(2023, 12, 31).unwrap()),
            ),
        ];
        org
    }

    fn patrol(day: Date, lead: &str, partners: &[&str]) -> Content {
        Content::Patrol(Patrol {
            date: day,
            lead_unit: code(lead),
            partner_units: partners.iter().map(|p| code(p)).collect(),
            kind: PatrolKind::Joint,
            duration_hours: None,
            markers: vec![],
            participants: vec![ForceCount {
                force: code("BDBP"),
                persons: 3,
            }],
            notes: Text::default(),
        })
    }

    fn grant(role: Role, unit: &str) -> Grant {
        Grant {
            role,
            unit: code(unit),
            restricted: false,
        }
    }

    #[test]
    fn coordination_counts_on_the_records_date_only() {
        let org = org();
        let post = grant(Role::Reader, "BP1");
        let in_2023 = patrol(Date::new(2023, 6, 1).unwrap(), "BP2", &["X1"]);
        let in_2024 = patrol(Date::new(2024, 6, 1).unwrap(), "BP2", &["X1"]);
        assert!(post.allows(Access::Read, &org, &in_2023, None));
        assert!(!post.allows(Access::Read, &org, &in_2024, None));
    }

    #[test]
    fn a_commune_reads_joint_records_it_took_part_in_but_cannot_change_them() {
        let org = org();
        let commune = grant(Role::Editor, "X1");
        let joint = patrol(Date::new(2024, 1, 1).unwrap(), "BP1", &["X1"]);
        let other = patrol(Date::new(2024, 1, 1).unwrap(), "BP1", &[]);
        assert!(commune.allows(Access::Read, &org, &joint, None));
        assert!(!commune.allows(Access::Write, &org, &joint, None));
        assert!(!commune.allows(Access::Read, &org, &other, None));
    }

    #[test]
    fn provincial_staff_read_everything_below_and_write_nothing() {
        let org = org();
        let province = grant(Role::Provincial, "P");
        let r = patrol(Date::new(2024, 1, 1).unwrap(), "BP2", &[]);
        assert!(province.allows(Access::Read, &org, &r, None));
        assert!(!province.allows(Access::Write, &org, &r, None));
        assert!(!province.may_write_type(RecordType::Patrol));
    }
}
