//! The Hà Giang demo: the province's border organisation, the reporting
//! years of coordinated work 2022–2024 (2023 the article's), the 1 July 2025
//! reorganisation as one change set, and 2025 and 2026 up to [`last_day`]
//! filled by the same generators under the organisation of each day.

mod activity;
mod codes;
mod structure;

use crate::DemoRecord;
use crate::catalogue;
use crate::util::{Ids, Rng, add_days, code, date, local_ms, text};
use activity::{Gen, Item, LATER, YEARS};
use bienphong_domain::org::{Code, Org};
use bienphong_domain::record::{ActionStatus, Content, PatrolKind};
use bienphong_domain::{Cutoff, Period, RecordId};
use std::collections::BTreeMap;
use structure::Geo;

const SEED_CONTENT: u64 = 0x4841_2047_4941_4E47; // "HA GIANG"
const SEED_IDS: u64 = 0x4249_454E_5048_4F4E; // "BIENPHON"
const SEED_TIMES: u64 = 0x5449_4D45_5354_414D; // "TIMESTAM"

/// The demo in the order it is written: the organisation of 2021 and the
/// work up to 30 June 2025, the reorganisation of 1 July 2025 as one change
/// set, the work after it.
pub(crate) fn stages() -> (crate::HaGiang, Ids) {
    let geo = Geo::new();
    let mut ids = Ids::new(SEED_IDS);
    let mut times = Rng::new(SEED_TIMES);
    let mut before = Vec::new();

    // The organisation as it was set up, on 1 December 2021.
    let setup = local_ms(date(2021, 12, 1), 8, 0);
    let mut units = structure::before_2025(&geo);
    codes::apply(&mut units);
    let org = catalogue::entries()
        .into_iter()
        .map(Content::Catalogue)
        .chain(units);
    for (i, content) in org.enumerate() {
        before.push(ids.record(content, setup + i as i64 * 1_000));
    }

    let mut gen_ = Gen::new(&geo, SEED_CONTENT);
    for plan in &YEARS {
        gen_.year(plan);
    }
    gen_.reviews();
    gen_.children();
    emit(gen_.take(), &mut ids, &mut times, &mut before);

    // 2025 and 2026 up to the demo's last day, under the organisation of
    // each day; the reorganisation of 1 July 2025 between them.
    gen_.after_2025();
    for plan in &LATER {
        gen_.later_year(plan, date(2026, 8, 31));
    }
    gen_.review_2025();
    let (until_june, from_july): (Vec<Item>, Vec<Item>) = gen_
        .take()
        .into_iter()
        .filter(|i| i.date <= last_day())
        .map(up_to_last_day)
        .partition(|i| i.date < structure::first_day());
    emit(until_june, &mut ids, &mut times, &mut before);
    let mut reorganisation = structure::reorganisation();
    codes::apply_to_change_set(&mut reorganisation);
    let reorganised_ms = local_ms(structure::first_day(), 9, 0);
    let mut after = Vec::new();
    emit(from_july, &mut ids, &mut times, &mut after);
    let stages = crate::HaGiang {
        before,
        reorganisation,
        reorganised_ms,
        after,
    };
    (stages, ids)
}

/// Every record as first revisions: the change set's plan laid over the
/// records before it (units and links that end are written ended), its new
/// units and links after them.
pub(crate) fn build() -> Vec<DemoRecord> {
    plain().0
}

/// [`build`]'s records, and the edits that give the units that ended their
/// successors (which exist only once the new units are written).
fn plain() -> (Vec<DemoRecord>, Vec<(RecordId, Content)>) {
    let (
        crate::HaGiang {
            mut before,
            reorganisation,
            reorganised_ms,
            after,
        },
        mut reorganisation_ids,
    ) = stages();
    let mut org = Org::default();
    for r in &before {
        match &r.content {
            Content::Unit(u) => {
                org.units.insert(u.code.clone(), u.clone());
            }
            Content::Link(l) => org.links.push(l.clone()),
            _ => {}
        }
    }
    let plan = reorganisation
        .plan(&org, &BTreeMap::new())
        .unwrap_or_else(|p| panic!("the 2025 reorganisation: {p:?}"));
    let mut new = Vec::new();
    let mut successors = Vec::new();
    for u in plan.units {
        if plan.new_units.contains(&u.code) {
            new.push(Content::Unit(u));
            continue;
        }
        let record = before
            .iter_mut()
            .find(|r| matches!(&r.content, Content::Unit(x) if x.code == u.code))
            .unwrap_or_else(|| panic!("unit {}", u.code));
        let mut ended = u.clone();
        ended.successors.clear();
        record.content = Content::Unit(ended);
        if !u.successors.is_empty() {
            successors.push((record.record_id, Content::Unit(u)));
        }
    }
    for (was, now) in plan.ended_links {
        let record = before
            .iter_mut()
            .find(|r| matches!(&r.content, Content::Link(x) if *x == was))
            .unwrap_or_else(|| panic!("link {was:?}"));
        record.content = Content::Link(now);
    }
    new.extend(plan.new_links.into_iter().map(Content::Link));
    for (i, content) in new.into_iter().enumerate() {
        before.push(reorganisation_ids.record(content, reorganised_ms + i as i64 * 1_000));
    }
    before.extend(after);
    (before, successors)
}

/// The demo's last day of records: 30 November 2026. Nothing is dated
/// later, so that the demo is the same whenever it is built and passes the
/// future-date rule on any day after it.
pub(crate) fn last_day() -> bienphong_domain::Date {
    date(2026, 11, 30)
}

/// An item as known on the last day: no acknowledgement dated later.
fn up_to_last_day(mut item: Item) -> Item {
    if let Content::Document(d) = &mut item.content {
        for r in &mut d.recipients {
            if r.acknowledged_on.is_some_and(|a| a > last_day()) {
                r.acknowledged_on = None;
            }
        }
    }
    item
}

/// Writes activity records in date order, each restricted record right after
/// the record it belongs to. Each is entered in the evening of its day.
fn emit(items: Vec<Item>, ids: &mut Ids, times: &mut Rng, out: &mut Vec<DemoRecord>) {
    for item in items {
        let ms = local_ms(item.date, 17, times.range(0, 150));
        let record = ids.record(item.content, ms);
        let parent = record.record_id;
        out.push(record);
        if let Some(pending) = item.restricted {
            out.push(ids.record(pending.into_content(parent), ms + 60_000));
        }
    }
}

pub(crate) fn edits() -> Vec<(RecordId, Content)> {
    let (records, mut out) = plain();

    let in_year = |d: bienphong_domain::Date, y: i16| Period::year(y, Cutoff::Decree09).contains(d);
    let lung_cu = code("BP-LUNGCU");
    let son_vi = code("BP-SONVI");

    // A 2022 patrol entered one soldier short.
    let (id, mut patrol) = records
        .iter()
        .find_map(|r| match &r.content {
            Content::Patrol(p)
                if p.lead_unit == lung_cu
                    && p.kind == PatrolKind::Joint
                    && in_year(p.date, 2022)
                    && p.participants.iter().map(|f| f.persons).sum::<u32>() < 15 =>
            {
                Some((r.record_id, p.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a 2022 patrol of {lung_cu}"));
    if let Some(bdbp) = patrol
        .participants
        .iter_mut()
        .find(|f| f.force.as_str() == "BDBP")
    {
        bdbp.persons += 1;
    }
    patrol.notes =
        text("Đính chính: bổ sung 01 cán bộ của đồn tham gia tuần tra, trước đây nhập thiếu.");
    out.push((id, Content::Patrol(patrol)));

    // A 2023 patrol whose note is reworded; its figures stay.
    let (id, mut patrol) = records
        .iter()
        .find_map(|r| match &r.content {
            Content::Patrol(p) if p.lead_unit == son_vi && in_year(p.date, 2023) => {
                Some((r.record_id, p.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a 2023 patrol of {son_vi}"));
    let markers: Vec<String> = patrol.markers.iter().map(Code::to_string).collect();
    patrol.notes = text(&format!(
        "Tuần tra kết hợp kiểm tra, bảo dưỡng mốc {}; tình hình ổn định.",
        markers.join(", ")
    ));
    out.push((id, Content::Patrol(patrol)));

    // A 2024 drug case brought to trial.
    let (id, mut case) = records
        .iter()
        .find_map(|r| match &r.content {
            Content::Case(c) if c.case_type.as_str() == "MATUY" && in_year(c.date, 2024) => {
                Some((r.record_id, c.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a 2024 drug case"));
    case.outcome = text(&format!(
        "{} Cập nhật: vụ án đã được đưa ra xét xử.",
        case.outcome.as_str()
    ));
    out.push((id, Content::Case(case)));

    // An action agreed at a briefing late in 2024, done since.
    let (id, mut meeting) = records
        .iter()
        .find_map(|r| match &r.content {
            Content::Meeting(m)
                if m.meeting_type.as_str() == "GBQ"
                    && in_year(m.date, 2024)
                    && m.actions.iter().any(|a| a.status == ActionStatus::Open) =>
            {
                Some((r.record_id, m.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a 2024 briefing with an open action"));
    if let Some(a) = meeting
        .actions
        .iter_mut()
        .find(|a| a.status == ActionStatus::Open)
    {
        a.status = ActionStatus::Done;
    }
    out.push((id, Content::Meeting(meeting)));

    // A 2024 plan acknowledged late by a post.
    let (id, mut doc) = records
        .iter()
        .find_map(|r| match &r.content {
            Content::Document(d)
                if d.document_type.as_str() == "KH"
                    && in_year(d.date, 2024)
                    && d.recipients.iter().any(|x| x.acknowledged_on.is_none()) =>
            {
                Some((r.record_id, d.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("a 2024 plan not yet acknowledged"));
    let date = add_days(doc.date, 20);
    if let Some(r) = doc
        .recipients
        .iter_mut()
        .find(|x| x.acknowledged_on.is_none())
    {
        r.acknowledged_on = Some(date);
    }
    out.push((id, Content::Document(doc)));
    out
}
