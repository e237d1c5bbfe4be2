//! A report "mapped onto the units of a chosen date": every record counts
//! for the unit that carries its unit on that date. A unit that ended is
//! followed through its successors, a unit that started later back to the
//! units it took over from; a unit valid on the date is itself. Where one
//! unit passed into several (a split, or a later unit mapped back onto the
//! several it merged from) and the record names no unit that maps whole
//! (its commune, its post: its place), its records are apportioned in
//! equal shares among those units (docs/org-changes.md, "Reports across a
//! change").

use crate::Date;
use crate::org::{Code, Org};
use crate::period::Period;
use crate::scope::Scope;
use std::collections::BTreeSet;

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
                (numerator, denominator) => out.shares.push(Share {
                    unit: code.clone(),
                    days,
                    numerator,
                    denominator,
                }),
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
