//! A report "mapped onto the units of a chosen date": every record counts
//! for the unit that carries its unit on that date. A unit that ended is
//! followed through its successors, a unit that started later back to the
//! units it took over from; a unit valid on the date is itself. Where one
//! unit passed into several (a split, or a later unit mapped back onto the
//! several it merged from) and the record names no unit that maps whole
//! (its commune, its post: its place), its records are apportioned in
//! equal shares among those units (docs/org-changes.md, "Reports across a
//! change"). A unit split before the date, or merged after it from
//! several, is the exception: each of its records follows its place (a
//! commune it names, the commune of a border marker it names) into the
//! part that holds it, and only a record with no known place is shared
//! ([`Parts`]).

use crate::Date;
use crate::org::{Code, Org};
use crate::period::Period;
use crate::record::Content;
use crate::scope::Scope;
use std::collections::{BTreeMap, BTreeSet};

/// A unit whose records count in part for the mapped scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    pub unit: Code,
    pub days: Period,
    /// The part counted: `numerator / denominator`, strictly between 0 and 1.
    pub numerator: u64,
    pub denominator: u64,
}

impl Share {
    /// `value` × the share, rounded half up (counts and micro-quantities
    /// are whole numbers).
    pub fn of(&self, value: i64) -> i64 {
        let (n, d) = (i128::from(self.numerator), i128::from(self.denominator));
        let v = i128::from(value);
        let r = (2 * v * n + d).div_euclid(2 * d);
        i64::try_from(r).unwrap_or(i64::MAX)
    }
}

/// What a report on `root` mapped onto the units of `onto` covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapped {
    /// Units whose records count whole, on their days within the period.
    pub whole: Scope,
    /// Units whose records count in part, largest share first.
    pub shares: Vec<Share>,
    /// Of those, the units split before the date mapped onto, whose records
    /// are placed one by one where their place is known.
    pub parts: BTreeMap<Code, Parts>,
}

/// Where a record of a split unit belongs on the date mapped onto.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placed {
    /// Its place is in a part that counts for the mapped scope: whole.
    Here,
    /// Its place is in another part: nothing.
    Elsewhere,
    /// No place, or places in several parts: its equal share.
    Unknown,
}

/// The parts a unit was split into, as they stand on the date mapped onto:
/// each with the units its own report covers that day and whether it
/// counts for the mapped scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts {
    split: Code,
    onto: Date,
    parts: Vec<(BTreeSet<Code>, bool)>,
}

/// The unit that carries `code` on `onto` when that is a single one: the
/// unit itself, or the one it passed into (through merges and renames).
fn image(org: &Org, code: &Code, onto: Date) -> Option<Code> {
    let mut at = code.clone();
    for _ in 0..16 {
        let unit = org.unit(&at)?;
        if unit.valid_on(onto) {
            return Some(at);
        }
        match unit.successors.as_slice() {
            [one] if unit.valid_to.is_some_and(|t| t < onto) => at = one.clone(),
            _ => return None,
        }
    }
    None
}

/// The units valid on `onto` that `code`'s records pass into, forward.
fn images(org: &Org, code: &Code, onto: Date, depth: u8, out: &mut BTreeSet<Code>) {
    let Some(unit) = org.unit(code) else { return };
    if unit.valid_on(onto) {
        out.insert(code.clone());
    } else if depth < 16 && unit.valid_to.is_some_and(|t| t < onto) {
        for s in &unit.successors {
            images(org, s, onto, depth + 1, out);
        }
    }
}

/// The units valid on `onto` that `code`'s records pass into, back: the
/// units it took over from (those of its kind when there are any, as
/// [`share`] counts them), and theirs when they too started later.
fn sources(org: &Org, code: &Code, onto: Date, depth: u8, out: &mut BTreeSet<Code>) {
    let Some(unit) = org.unit(code) else { return };
    if unit.valid_on(onto) {
        out.insert(code.clone());
        return;
    }
    if depth >= 16 || unit.valid_from.is_none_or(|f| f <= onto) {
        return;
    }
    let took_over: Vec<&crate::org::Unit> = org
        .units
        .values()
        .filter(|p| p.successors.contains(code))
        .collect();
    let same_kind = took_over.iter().any(|p| p.kind == unit.kind);
    for p in took_over {
        if !same_kind || p.kind == unit.kind {
            sources(org, &p.code, onto, depth + 1, out);
        }
    }
}

impl Parts {
    /// The parts of `split` on `onto` when it passed into several: it
    /// ended before `onto` and was split, or it started after `onto` and
    /// is mapped back onto the several it was merged from (its records
    /// follow their place as a split unit's do); `target`, the units of
    /// the mapped scope that day.
    fn of(org: &Org, split: &Code, onto: Date, target: &BTreeSet<&Code>) -> Option<Self> {
        let mut into = BTreeSet::new();
        images(org, split, onto, 0, &mut into);
        if into.is_empty() {
            sources(org, split, onto, 0, &mut into);
        }
        if into.len() < 2 {
            return None;
        }
        let day = Period {
            from: onto,
            to: onto,
        };
        let parts = into
            .iter()
            .map(|p| {
                let covers = Scope::of(org, p, &day).units().cloned().collect();
                (covers, target.contains(p))
            })
            .collect();
        Some(Self {
            split: split.clone(),
            onto,
            parts,
        })
    }

    /// Where a record belongs: the parts that hold its places (the units
    /// it names besides the split unit, the communes of the border markers
    /// it names), when exactly one does.
    pub fn place(&self, org: &Org, content: &Content) -> Placed {
        let (lead, others) = content.units();
        let named: Vec<&Code> = lead.into_iter().chain(others).collect();
        let mut places: Vec<&Code> = named
            .iter()
            .copied()
            .filter(|c| **c != self.split)
            .collect();
        if let Content::Patrol(p) = content {
            for m in org.markers.values() {
                if p.markers.contains(&m.number)
                    && named.contains(&&m.post)
                    && let Some(c) = &m.commune
                {
                    places.push(c);
                }
            }
        }
        let mut held: BTreeSet<usize> = BTreeSet::new();
        for place in places {
            let Some(now) = image(org, place, self.onto) else {
                continue;
            };
            for (i, (covers, _)) in self.parts.iter().enumerate() {
                if covers.contains(&now) {
                    held.insert(i);
                }
            }
        }
        match held.iter().next() {
            Some(i) if held.len() == 1 => {
                if self.parts.get(*i).is_some_and(|(_, here)| *here) {
                    Placed::Here
                } else {
                    Placed::Elsewhere
                }
            }
            _ => Placed::Unknown,
        }
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

/// `(n, d)`, a fraction in lowest terms.
type Ratio = (u64, u64);

fn add(a: Ratio, b: Ratio) -> Ratio {
    let n =
        a.0.saturating_mul(b.1)
            .saturating_add(b.0.saturating_mul(a.1));
    let d = a.1.saturating_mul(b.1);
    let g = gcd(n, d);
    (n / g, d / g)
}

/// The part of `code`'s records that falls to units of `target` on `onto`.
fn share(org: &Org, code: &Code, onto: Date, target: &BTreeSet<&Code>, depth: u8) -> Ratio {
    let Some(unit) = org.unit(code) else {
        return (0, 1);
    };
    if unit.valid_on(onto) {
        return if target.contains(code) {
            (1, 1)
        } else {
            (0, 1)
        };
    }
    // Cycles in successor data end here rather than loop.
    if depth > 16 {
        return (0, 1);
    }
    let next: Vec<&Code> = if unit.valid_to.is_some_and(|t| t < onto) {
        unit.successors.iter().collect()
    } else {
        // The units it took over from, those of its kind when there are
        // any (as a scope's predecessors are): a commune made of three
        // communes and named a successor of their abolished district is
        // shared among the three.
        let took_over: Vec<&crate::org::Unit> = org
            .units
            .values()
            .filter(|p| p.successors.contains(code))
            .collect();
        let same_kind = took_over.iter().any(|p| p.kind == unit.kind);
        let mut before: Vec<&Code> = took_over
            .into_iter()
            .filter(|p| !same_kind || p.kind == unit.kind)
            .map(|p| &p.code)
            .collect();
        before.sort();
        before
    };
    if next.is_empty() {
        return (0, 1);
    }
    let mut total: Ratio = (0, 1);
    for n in &next {
        total = add(total, share(org, n, onto, target, depth + 1));
    }
    let d = total.1.saturating_mul(next.len() as u64);
    let g = gcd(total.0, d);
    (total.0 / g, d / g)
}

impl Mapped {
    /// The units a report on `root` over `within`, mapped onto the units of
    /// `onto`, counts: whole or in part.
    pub fn of(org: &Org, root: &Code, within: &Period, onto: Date) -> Self {
        let on_day = Period {
            from: onto,
            to: onto,
        };
        let scope = Scope::of(org, root, &on_day);
        let target: BTreeSet<&Code> = scope.units().collect();
        let mut out = Self::default();
        let mut codes: Vec<&Code> = org.units.keys().collect();
        codes.sort();
        for code in codes {
            let Some(unit) = org.unit(code) else { continue };
            let Some(days) = Period::new(
                unit.valid_from.unwrap_or(Date::MIN).max(within.from),
                unit.valid_to.unwrap_or(Date::MAX).min(within.to),
            ) else {
                continue;
            };
            match share(org, code, onto, &target, 0) {
                (0, _) => {}
                (n, d) if n >= d => out.whole.add(code.clone(), days),
                (numerator, denominator) => {
                    if let Some(parts) = Parts::of(org, code, onto, &target) {
                        out.parts.insert(code.clone(), parts);
                    }
                    out.shares.push(Share {
                        unit: code.clone(),
                        days,
                        numerator,
                        denominator,
                    });
                }
            }
        }
        out.shares.sort_by(|a, b| {
            (u128::from(b.numerator) * u128::from(a.denominator))
                .cmp(&(u128::from(a.numerator) * u128::from(b.denominator)))
                .then_with(|| a.unit.cmp(&b.unit))
        });
        out
    }
}

#[cfg(test)]
mod tests;
