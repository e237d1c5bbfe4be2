//! The records of a unit split before the date a report is mapped onto,
//! read one by one: each counts whole for the part that holds its place,
//! nothing for another part, and its equal share when its place is not
//! known (docs/org-changes.md, "Reports across a change"). Only these
//! records are read; every other figure comes from the summed facts.

use crate::Result;
use bienphong_domain::facts::{contributions, measure, unit_set};
use bienphong_domain::mapping::{Parts, Placed, Share};
use bienphong_domain::org::{Code, Org};
use bienphong_domain::scope::Scope;
use bienphong_domain::{Content, Date, Period};
use bienphong_store::{ListFilter, Store};
use std::collections::BTreeMap;

/// `(measure, leading unit)`, as the summed facts are keyed.
pub(crate) type Key = (String, Option<Code>);

/// What a split unit's records add to a mapped report.
#[derive(Default)]
pub(crate) struct Placing {
    /// Per key: the values counted whole (placed in the scope)…
    pub here: BTreeMap<Key, i64>,
    /// …and those shared equally, before the share is taken.
    pub shared: BTreeMap<Key, i64>,
    /// Patrols placed in the scope, placed in another part, shared.
    pub patrols: [i64; 3],
    /// Records placed by their place (either way), records shared.
    pub records: [i64; 2],
}

/// The records of `share.unit` not counted already (none of their units
/// is in `counted` on the day of a fact), placed by `parts`.
pub(crate) async fn place<S: Store>(
    store: &S,
    org: &Org,
    period: Period,
    share: &Share,
    parts: &Parts,
    counted: &Scope,
) -> Result<Placing> {
    // Dated up to the period's end: a programme started earlier may have
    // disbursements within it.
    let listed = Period::new(Date::MIN, period.to.min(share.days.to)).unwrap_or(share.days);
    let records = store
        .list(ListFilter {
            period: Some(listed),
            units: Some(Scope::always([share.unit.clone()])),
            ..ListFilter::default()
        })
        .await?;
    let mut out = Placing::default();
    for r in records {
        let Ok(content) = Content::from_json(r.record_type, &r.content) else {
            continue;
        };
        let Some(set) = unit_set(&content) else {
            continue;
        };
        let facts: Vec<_> = contributions(&content)
            .into_iter()
            .filter(|c| {
                period.contains(c.day)
                    && share.days.contains(c.day)
                    && !set.members.iter().any(|u| counted.contains(u, c.day))
            })
            .collect();
        if facts.is_empty() {
            continue;
        }
        let placed = parts.place(org, &content);
        out.records[usize::from(placed == Placed::Unknown)] += 1;
        for c in facts {
            if c.measure == measure::PATROL_COUNT {
                let i = match placed {
                    Placed::Here => 0,
                    Placed::Elsewhere => 1,
                    Placed::Unknown => 2,
                };
                out.patrols[i] += c.value;
            }
            let key = (c.measure, Some(set.lead.clone()));
            match placed {
                Placed::Here => *out.here.entry(key).or_default() += c.value,
                Placed::Elsewhere => {}
                Placed::Unknown => *out.shared.entry(key).or_default() += c.value,
            }
        }
    }
    Ok(out)
}
