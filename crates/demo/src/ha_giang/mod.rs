//! The Hà Giang demo: the province's border organisation, three reporting
//! years of coordinated work (2022–2024), the 1 July 2025 reorganisation and
//! a few months of work with Tuyên Quang's new communes.

mod activity;
mod codes;
mod structure;

use crate::DemoRecord;
use crate::catalogue;
use crate::util::{Ids, Rng, add_days, code, date, local_ms, text};
use activity::{Gen, Item, YEARS};
use bienphong_domain::org::Code;
use bienphong_domain::record::{ActionStatus, Content, PatrolKind};
use bienphong_domain::{Cutoff, Period, RecordId};
use structure::Geo;

const SEED_CONTENT: u64 = 0x4841_2047_4941_4E47; // "HA GIANG"
const SEED_IDS: u64 = 0x4249_454E_5048_4F4E; // "BIENPHON"
const SEED_TIMES: u64 = 0x5449_4D45_5354_414D; // "TIMESTAM"

pub(crate) fn build() -> Vec<DemoRecord> {
    let geo = Geo::new();
    let mut ids = Ids::new(SEED_IDS);
    let mut times = Rng::new(SEED_TIMES);
    let mut out = Vec::new();

    // The organisation as it was set up, on 1 December 2021.
    let setup = local_ms(date(2021, 12, 1), 8, 0);
    let mut units = structure::before_2025(&geo);
    codes::apply(&mut units);
    let org = catalogue::entries()
        .into_iter()
        .map(Content::Catalogue)
        .chain(units);
    for (i, content) in org.enumerate() {
        out.push(ids.record(content, setup + i as i64 * 1_000));
    }

    let mut gen_ = Gen::new(&geo, SEED_CONTENT);
    for plan in &YEARS {
        gen_.year(plan);
    }
    gen_.reviews();
    gen_.children();
    emit(gen_.take(), &mut ids, &mut times, &mut out);

    // The reorganisation of 1 July 2025.
    let reorganised = local_ms(structure::first_day(), 9, 0);
    let mut units = structure::from_2025(&geo);
    codes::apply(&mut units);
    for (i, content) in units.into_iter().enumerate() {
        out.push(ids.record(content, reorganised + i as i64 * 1_000));
    }

    gen_.after_2025();
    emit(gen_.take(), &mut ids, &mut times, &mut out);
    out
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
    let geo = Geo::new();
    let records = build();
    let mut out = Vec::new();

    // The successors of the units that ended on 30 June 2025.
    for (unit_code, successors) in structure::successors(&geo) {
        let record = records
            .iter()
            .find(|r| matches!(&r.content, Content::Unit(u) if u.code == unit_code))
            .unwrap_or_else(|| panic!("unit {unit_code}"));
        if let Content::Unit(u) = &record.content {
            let mut u = u.clone();
            u.successors = successors;
            out.push((record.record_id, Content::Unit(u)));
        }
    }

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
