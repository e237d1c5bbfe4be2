//! What a report or list on a unit covers: each unit with the days on which
//! it belonged to the unit. A border post that moved from one province to
//! another mid-year counts for the first until the move and for the second
//! after it, so every report and list over the same scope agrees on any
//! period, however it is cut.

use crate::Date;
use crate::org::{Code, LinkKind, Org};
use crate::period::Period;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Units with the days on which each belongs to a scope. Each unit's days
/// are kept as sorted, disjoint, non-adjacent periods.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    members: BTreeMap<Code, Vec<Period>>,
}

/// A run of days on which the same units are in a scope; a scope's
/// segments never overlap, so a fact summed per segment is counted once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub period: Period,
    pub units: Vec<Code>,
}

const ALWAYS: Period = Period {
    from: Date::MIN,
    to: Date::MAX,
};

fn validity(from: Option<Date>, to: Option<Date>) -> Option<Period> {
    Period::new(from.unwrap_or(Date::MIN), to.unwrap_or(Date::MAX))
}

fn intersect(a: &Period, b: &Period) -> Option<Period> {
    Period::new(a.from.max(b.from), a.to.min(b.to))
}

/// Adds `p` to sorted disjoint `days`; true when a day was added.
fn add_days(days: &mut Vec<Period>, p: Period) -> bool {
    if days.iter().any(|d| d.from <= p.from && p.to <= d.to) {
        return false;
    }
    days.push(p);
    days.sort_by_key(|d| d.from);
    let mut merged: Vec<Period> = Vec::with_capacity(days.len());
    for d in days.drain(..) {
        match merged.last_mut() {
            Some(last) if last.to >= d.from || last.to.tomorrow().is_ok_and(|t| t == d.from) => {
                last.to = last.to.max(d.to);
            }
            _ => merged.push(d),
        }
    }
    *days = merged;
    true
}

impl Scope {
    /// `units` on every day: a plain set of units, as an account's reach or
    /// a filter given as codes is.
    pub fn always(units: impl IntoIterator<Item = Code>) -> Self {
        Self {
            members: units.into_iter().map(|u| (u, vec![ALWAYS])).collect(),
        }
    }

    /// Adds `days` of `unit` to the scope (a report mapped onto a later
    /// organisation builds its scope unit by unit, `crate::mapping`).
    pub fn add(&mut self, unit: Code, days: Period) {
        add_days(self.members.entry(unit).or_default(), days);
    }

    /// The scope of a report or list on `root` over `within`: `root` while
    /// it existed; every unit below it through parent links (either chain),
    /// on the days those links and the unit were valid and its parent was
    /// itself in the scope; and, for the days before `root` took over, the
    /// same for the units of its kind it took over from (Tuyên Quang from
    /// Hà Giang until 30/6/2025). An abolished unit's scope ends on its
    /// last day.
    pub fn of(org: &Org, root: &Code, within: &Period) -> Self {
        let mut scope = Self::default();
        let mut frontier: Vec<Code> = Vec::new();
        let mut seed = |scope: &mut Self, code: &Code, bound: Period| {
            let Some(unit) = org.unit(code) else { return };
            let Some(own) = validity(unit.valid_from, unit.valid_to)
                .and_then(|v| intersect(&v, &bound))
                .and_then(|v| intersect(&v, within))
            else {
                return;
            };
            if add_days(scope.members.entry(code.clone()).or_default(), own) {
                frontier.push(code.clone());
            }
        };
        // Predecessors of the root's kind, each up to the day before the
        // unit it passed into took over (or its own end, if earlier).
        let kind = org.unit(root).map(|u| u.kind);
        let mut seen = BTreeSet::from([root.clone()]);
        let mut chain = vec![(root.clone(), ALWAYS)];
        while let Some((code, bound)) = chain.pop() {
            seed(&mut scope, &code, bound);
            let took_over = org.unit(&code).and_then(|u| u.valid_from);
            let before = match took_over {
                Some(f) => f
                    .yesterday()
                    .ok()
                    .and_then(|y| Period::new(bound.from, y.min(bound.to))),
                None => Some(bound),
            };
            let Some(before) = before else { continue };
            for p in org.units.values() {
                if Some(p.kind) == kind
                    && p.successors.contains(&code)
                    && seen.insert(p.code.clone())
                {
                    chain.push((p.code.clone(), before));
                }
            }
        }
        let mut children: HashMap<&Code, Vec<(&Code, Period)>> = HashMap::new();
        for l in &org.links {
            if matches!(l.kind, LinkKind::MilitaryParent | LinkKind::CivilParent)
                && let Some(v) = validity(l.valid_from, l.valid_to)
            {
                children.entry(&l.from).or_default().push((&l.to, v));
            }
        }
        // Days only grow and every bound is one of finitely many dates, so
        // this ends, cycles in the links included.
        while let Some(parent) = frontier.pop() {
            let parent_days = scope.members.get(&parent).cloned().unwrap_or_default();
            for (child, link_days) in children.get(&parent).into_iter().flatten() {
                let Some(unit) = org.unit(child) else {
                    continue;
                };
                let Some(own) = validity(unit.valid_from, unit.valid_to) else {
                    continue;
                };
                let mut grew = false;
                for d in &parent_days {
                    if let Some(p) = intersect(d, link_days).and_then(|p| intersect(&p, &own)) {
                        grew |= add_days(scope.members.entry((*child).clone()).or_default(), p);
                    }
                }
                if grew {
                    frontier.push((*child).clone());
                }
            }
        }
        scope.members.retain(|_, days| !days.is_empty());
        scope
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Every unit that is in the scope on some day.
    pub fn units(&self) -> impl Iterator<Item = &Code> {
        self.members.keys()
    }

    /// The days on which `unit` is in the scope.
    pub fn days_of(&self, unit: &Code) -> &[Period] {
        self.members.get(unit).map_or(&[], Vec::as_slice)
    }

    pub fn contains(&self, unit: &Code, day: Date) -> bool {
        self.days_of(unit).iter().any(|p| p.contains(day))
    }

    /// Whether `unit` is in the scope on some day of `p`.
    pub fn contains_during(&self, unit: &Code, p: &Period) -> bool {
        self.days_of(unit).iter().any(|d| intersect(d, p).is_some())
    }

    /// Keeps only the units `keep` accepts, on the same days.
    pub fn retain_units(&mut self, keep: impl Fn(&Code) -> bool) {
        self.members.retain(|u, _| keep(u));
    }

    /// The days of `within` on which some unit is in the scope, cut into
    /// runs on which the same units are: the form a store filters by.
    pub fn segments(&self, within: &Period) -> Vec<Segment> {
        let mut starts: BTreeSet<Date> = BTreeSet::from([within.from]);
        for days in self.members.values() {
            for d in days {
                for s in [Some(d.from), d.to.tomorrow().ok()].into_iter().flatten() {
                    if within.contains(s) {
                        starts.insert(s);
                    }
                }
            }
        }
        let starts: Vec<Date> = starts.into_iter().collect();
        let mut out: Vec<Segment> = Vec::new();
        for (i, from) in starts.iter().enumerate() {
            let to = match starts.get(i + 1) {
                Some(next) => next.yesterday().unwrap_or(*next),
                None => within.to,
            };
            // Every start of a unit's days is a cut, so a unit in the scope
            // on a run's first day is in it on every day of the run.
            let units: Vec<Code> = self
                .members
                .iter()
                .filter(|(_, days)| days.iter().any(|d| d.contains(*from)))
                .map(|(u, _)| u.clone())
                .collect();
            if units.is_empty() {
                continue;
            }
            match out.last_mut() {
                Some(last)
                    if last.units == units
                        && last.period.to.tomorrow().is_ok_and(|t| t == *from) =>
                {
                    last.period.to = to;
                }
                _ => out.push(Segment {
                    period: Period { from: *from, to },
                    units,
                }),
            }
        }
        out
    }
}

impl From<Vec<Code>> for Scope {
    fn from(units: Vec<Code>) -> Self {
        Self::always(units)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{Link, Unit, UnitKind};
    use crate::text::Text;

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn p(from: Date, to: Date) -> Period {
        Period::new(from, to).unwrap()
    }

    fn unit(c: &str, kind: UnitKind, from: Option<Date>, to: Option<Date>) -> Unit {
        Unit {
            code: code(c),
            kind,
            name: Text::new(c),
            name_en: None,
            admin_codes: Vec::new(),
            agency_id: None,
            valid_from: from,
            valid_to: to,
            successors: vec![],
            location: None,
            area: Vec::new(),
            border: Vec::new(),
            verified: true,
            note: Text::default(),
        }
    }

    fn link(kind: LinkKind, from: &str, to: &str, f: Option<Date>, t: Option<Date>) -> Link {
        Link {
            kind,
            from: code(from),
            to: code(to),
            valid_from: f,
            valid_to: t,
            verified: true,
        }
    }

    fn org(units: Vec<Unit>, links: Vec<Link>) -> Org {
        Org {
            units: units.into_iter().map(|u| (u.code.clone(), u)).collect(),
            links,
            ..Org::default()
        }
    }

    fn year_2025() -> Period {
        p(d(2025, 1, 1), d(2025, 12, 31))
    }

    const MIL: LinkKind = LinkKind::MilitaryParent;
    const CIV: LinkKind = LinkKind::CivilParent;

    #[test]
    fn a_post_moving_mid_year_counts_for_each_parent_on_its_own_days() {
        let end = d(2025, 6, 30);
        let start = d(2025, 7, 1);
        let o = org(
            vec![
                unit("A", UnitKind::District, None, None),
                unit("B", UnitKind::District, None, None),
                unit("POST", UnitKind::BorderPost, None, None),
                unit("STATION", UnitKind::Station, None, None),
            ],
            vec![
                link(MIL, "A", "POST", None, Some(end)),
                link(MIL, "B", "POST", Some(start), None),
                link(MIL, "POST", "STATION", None, None),
            ],
        );
        let a = Scope::of(&o, &code("A"), &year_2025());
        let b = Scope::of(&o, &code("B"), &year_2025());
        assert_eq!(a.days_of(&code("POST")), &[p(d(2025, 1, 1), end)]);
        assert_eq!(a.days_of(&code("STATION")), &[p(d(2025, 1, 1), end)]);
        assert_eq!(b.days_of(&code("POST")), &[p(start, d(2025, 12, 31))]);
        assert_eq!(b.days_of(&code("STATION")), &[p(start, d(2025, 12, 31))]);
        assert!(a.contains(&code("POST"), end) && !a.contains(&code("POST"), start));
        assert!(b.contains(&code("POST"), start) && !b.contains(&code("POST"), end));
        // A whole year is cut where the post moved; nothing is counted twice.
        assert_eq!(
            a.segments(&year_2025()),
            vec![
                Segment {
                    period: p(d(2025, 1, 1), end),
                    units: vec![code("A"), code("POST"), code("STATION")],
                },
                Segment {
                    period: p(start, d(2025, 12, 31)),
                    units: vec![code("A")],
                }
            ]
        );
    }

    #[test]
    fn an_abolished_units_scope_ends_on_its_last_day() {
        let end = d(2025, 6, 30);
        let o = org(
            vec![
                unit("HUYEN", UnitKind::District, None, Some(end)),
                unit("XA", UnitKind::Commune, None, Some(end)),
                // A link left open by mistake does not outlive its parent.
                unit("THON", UnitKind::Village, None, None),
            ],
            vec![
                link(CIV, "HUYEN", "XA", None, Some(end)),
                link(CIV, "XA", "THON", None, None),
            ],
        );
        let s = Scope::of(&o, &code("HUYEN"), &year_2025());
        for u in ["HUYEN", "XA", "THON"] {
            assert_eq!(s.days_of(&code(u)), &[p(d(2025, 1, 1), end)], "{u}");
        }
        let segments = s.segments(&year_2025());
        assert_eq!(segments.len(), 1);
        assert_eq!(segments[0].period, p(d(2025, 1, 1), end));
        // After its end it covers nothing at all.
        assert!(Scope::of(&o, &code("HUYEN"), &p(d(2025, 7, 1), d(2025, 12, 31))).is_empty());
    }

    #[test]
    fn a_merged_province_covers_its_predecessors_units_before_the_merge_and_its_own_after() {
        let end = d(2025, 6, 30);
        let start = d(2025, 7, 1);
        let mut hg = unit("HG", UnitKind::Province, None, Some(end));
        hg.successors = vec![code("TQ")];
        let mut bch_hg = unit("BCH-HG", UnitKind::BorderGuardCommand, None, Some(end));
        bch_hg.successors = vec![code("BCH-TQ")];
        let o = org(
            vec![
                hg,
                bch_hg,
                unit("TQ", UnitKind::Province, Some(start), None),
                unit("BCH-TQ", UnitKind::BorderGuardCommand, Some(start), None),
                unit("POST", UnitKind::BorderPost, None, None),
                unit("XA-OLD", UnitKind::Commune, None, Some(end)),
                unit("XA-NEW", UnitKind::Commune, Some(start), None),
            ],
            vec![
                link(MIL, "HG", "BCH-HG", None, Some(end)),
                link(MIL, "BCH-HG", "POST", None, Some(end)),
                link(CIV, "HG", "XA-OLD", None, Some(end)),
                link(MIL, "TQ", "BCH-TQ", Some(start), None),
                link(MIL, "BCH-TQ", "POST", Some(start), None),
                link(CIV, "TQ", "XA-NEW", Some(start), None),
            ],
        );
        let first = p(d(2025, 1, 1), end);
        let second = p(start, d(2025, 12, 31));
        let tq = Scope::of(&o, &code("TQ"), &year_2025());
        assert_eq!(tq.days_of(&code("HG")), &[first]);
        assert_eq!(tq.days_of(&code("BCH-HG")), &[first]);
        assert_eq!(tq.days_of(&code("XA-OLD")), &[first]);
        assert_eq!(tq.days_of(&code("TQ")), &[second]);
        assert_eq!(tq.days_of(&code("XA-NEW")), &[second]);
        // The post was in the scope all year, through one command then the other.
        assert_eq!(tq.days_of(&code("POST")), &[year_2025()]);

        let hg = Scope::of(&o, &code("HG"), &year_2025());
        assert_eq!(hg.days_of(&code("POST")), &[first]);
        assert!(hg.days_of(&code("XA-NEW")).is_empty());
        assert!(hg.segments(&year_2025()).iter().all(|s| s.period.to <= end));
        assert!(
            hg.segments(&second).is_empty(),
            "Hà Giang covers nothing after 30/6/2025"
        );
    }

    #[test]
    fn a_unit_with_no_change_covers_its_units_on_every_day() {
        let o = org(
            vec![
                unit("BCH", UnitKind::BorderGuardCommand, None, None),
                unit("POST", UnitKind::BorderPost, None, None),
            ],
            vec![link(MIL, "BCH", "POST", None, None)],
        );
        let s = Scope::of(&o, &code("BCH"), &year_2025());
        assert_eq!(s.days_of(&code("POST")), &[year_2025()]);
        assert_eq!(
            s.segments(&year_2025()),
            vec![Segment {
                period: year_2025(),
                units: vec![code("BCH"), code("POST")],
            }]
        );
        // The same units, asked for as codes, are the same scope within the year.
        assert_eq!(
            Scope::always(vec![code("BCH"), code("POST")]).segments(&year_2025()),
            s.segments(&year_2025())
        );
        assert!(Scope::of(&o, &code("NOPE"), &year_2025()).is_empty());
    }

    #[test]
    fn a_post_that_leaves_and_returns_has_two_runs_of_days() {
        let o = org(
            vec![
                unit("A", UnitKind::District, None, None),
                unit("POST", UnitKind::BorderPost, None, None),
            ],
            vec![
                link(MIL, "A", "POST", None, Some(d(2025, 3, 31))),
                link(MIL, "A", "POST", Some(d(2025, 10, 1)), None),
            ],
        );
        let s = Scope::of(&o, &code("A"), &year_2025());
        assert_eq!(
            s.days_of(&code("POST")),
            &[
                p(d(2025, 1, 1), d(2025, 3, 31)),
                p(d(2025, 10, 1), d(2025, 12, 31))
            ]
        );
        assert_eq!(s.segments(&year_2025()).len(), 3);
    }
}
