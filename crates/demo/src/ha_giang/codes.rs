//! The demo units' administrative codes and agency identifiers, kept as a
//! codes file (`codes.csv`) in the layout `bienphong org codes import`
//! reads, so the same file can be imported into a store.
//!
//! Only the provinces' codes are real: Hà Giang 02 until 30/06/2025,
//! Tuyên Quang 08 (Decision 124/2004/QĐ-TTg, then 19/2025/QĐ-TTg). The
//! districts' codes are believed to be those of the state's list but are
//! not checked against it; the communes' codes (9xxxx before 1/7/2025,
//! 980xx after) and every agency identifier (in the dotted form of
//! Decision 20/2020/QĐ-TTg) are illustrative. The column `illustrative`
//! names which, and each such unit's note says so.

use crate::util::{code, date, text};
use bienphong_domain::Date;
use bienphong_domain::org::{AdminCode, Unit};
use bienphong_domain::record::Content;
use bienphong_domain::reorg::{Change, ChangeSet};
use bienphong_domain::text::Text;

/// The codes file of the demo.
pub(crate) const CODES_CSV: &str = include_str!("codes.csv");

/// One row of [`CODES_CSV`].
#[derive(Debug)]
pub(crate) struct CodeRow {
    pub unit: &'static str,
    pub admin_code: &'static str,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub agency_id: &'static str,
    pub illustrative: &'static str,
}

fn day(s: &str) -> Option<Date> {
    let mut parts = s.split('/');
    let (Some(d), Some(m), Some(y)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    Some(date(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
}

pub(crate) fn rows() -> Vec<CodeRow> {
    CODES_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&'static str> = line.split(',').collect();
            let cell = |i: usize| cells.get(i).copied().unwrap_or("").trim();
            CodeRow {
                unit: cell(0),
                admin_code: cell(1),
                valid_from: day(cell(2)),
                valid_to: day(cell(3)),
                agency_id: cell(4),
                illustrative: cell(5),
            }
        })
        .collect()
}

/// Gives each unit of `contents` the codes of its rows, and says in its
/// note which of them are illustrative.
pub(crate) fn apply(contents: &mut [Content]) {
    let rows = rows();
    for content in contents {
        let Content::Unit(u) = content else { continue };
        let mine: Vec<&CodeRow> = rows.iter().filter(|r| r.unit == u.code.as_str()).collect();
        if mine.is_empty() {
            continue;
        }
        set_codes(u, &mine);
    }
}

fn set_codes(u: &mut Unit, rows: &[&CodeRow]) {
    let (admin_codes, agency_id, note) = codes_of(rows, &u.note);
    u.admin_codes = admin_codes;
    u.agency_id = agency_id;
    u.note = note;
}

/// Gives each unit the reorganisation creates the codes of its rows, as
/// [`apply`] does for the units written before it.
pub(crate) fn apply_to_change_set(set: &mut ChangeSet) {
    let rows = rows();
    for change in &mut set.changes {
        let Change::Create {
            code: unit,
            agency_id,
            admin_codes,
            note,
            ..
        } = change
        else {
            continue;
        };
        let mine: Vec<&CodeRow> = rows.iter().filter(|r| r.unit == unit.as_str()).collect();
        if mine.is_empty() {
            continue;
        }
        (*admin_codes, *agency_id, *note) = codes_of(&mine, note);
    }
}

/// The codes `rows` give a unit, and its note saying which are
/// illustrative.
fn codes_of(rows: &[&CodeRow], note: &Text) -> (Vec<AdminCode>, Option<String>, Text) {
    let admin_codes = rows
        .iter()
        .filter(|r| !r.admin_code.is_empty())
        .map(|r| AdminCode {
            code: code(r.admin_code),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        })
        .collect();
    let agency_id = rows
        .iter()
        .map(|r| r.agency_id)
        .find(|a| !a.is_empty())
        .map(str::to_string);
    let admin = rows.iter().any(|r| r.illustrative.contains("admin_code"));
    let agency = rows.iter().any(|r| r.illustrative.contains("agency_id"));
    let said = match (admin, agency) {
        (true, true) => {
            "Mã hành chính và mã định danh ở đây là minh họa, chưa đối chiếu danh mục chính thức."
        }
        (true, false) => "Mã hành chính ở đây là minh họa, chưa đối chiếu danh mục chính thức.",
        (false, true) => "Mã định danh ở đây là minh họa, chưa đối chiếu danh mục chính thức.",
        (false, false) => return (admin_codes, agency_id, note.clone()),
    };
    let kept = note.as_str().trim();
    let note = if kept.is_empty() {
        text(said)
    } else {
        text(&format!("{kept} {said}"))
    };
    (admin_codes, agency_id, note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bienphong_domain::org::UnitKind;
    use std::collections::BTreeSet;

    #[test]
    fn every_demo_unit_but_the_village_has_codes_and_every_row_a_unit() {
        let units: Vec<Unit> = crate::ha_giang::build()
            .into_iter()
            .filter_map(|r| match r.content {
                Content::Unit(u) => Some(u),
                _ => None,
            })
            .collect();
        let known: BTreeSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
        for r in rows() {
            assert!(known.contains(r.unit), "row for unknown unit {}", r.unit);
        }
        for u in &units {
            if u.kind == UnitKind::Village {
                assert!(u.agency_id.is_none(), "{}", u.code);
                continue;
            }
            assert!(u.agency_id.is_some(), "{} has no agency id", u.code);
            let civil = matches!(
                u.kind,
                UnitKind::Province | UnitKind::District | UnitKind::Commune
            );
            assert_eq!(!u.admin_codes.is_empty(), civil, "{}", u.code);
        }
        assert!(
            bienphong_domain::org::admin_code_problems(&units).is_empty(),
            "{:?}",
            bienphong_domain::org::admin_code_problems(&units)
        );
    }
}
