//! Large synthetic stores for benchmarks: copies of a province-like structure
//! and a stream of activity records, generated one at a time.

use crate::DemoRecord;
use crate::catalogue;
use crate::util::{Ids, Rng, add_days, code, epoch_days, local_ms, money, scaled_quantity, text};
use bienphong_domain::org::{Code, Link, LinkKind, Marker, MarkerKind, Unit, UnitKind};
use bienphong_domain::record::{
    Action, ActionStatus, BeneficiaryKind, Case, Content, Disaster, DisasterKind, Disbursement,
    Document, ForceCount, Meeting, Patrol, PatrolKind, Programme, Propaganda, Recipient, Seizure,
};
use bienphong_domain::{Cutoff, Date, Period};

const SEED_CONTENT: u64 = 0x5359_4E54_4845_5449; // "SYNTHETI"
const SEED_IDS: u64 = 0x5359_4E54_4944_5321; // "SYNTIDS!"

/// Units of each synthetic province.
pub const POSTS: usize = 12;
pub const DISTRICTS: usize = 7;
pub const COMMUNES: usize = 19;
const MARKERS_PER_POST: usize = 6;

/// The last year of synthetic activity.
const LAST_YEAR: i16 = 2024;

const CASE_TYPES: [&str; 6] = ["MATUY", "BUONLAU", "XNC", "MBN", "VPQC", "VKVLN"];
const ITEMS: [&str; 6] = [
    "HEROIN",
    "THUOCPHIEN",
    "MTTH",
    "XEMAY",
    "DIENTHOAI",
    "PHAONO",
];
const OTHER_FORCES: [&str; 3] = ["CA", "TTQ", "QCND"];

struct Province {
    bch: Code,
    districts: Vec<Code>,
    posts: Vec<Code>,
    communes: Vec<Code>,
    /// For each post, the communes it covers (indexes).
    covers: Vec<Vec<usize>>,
    markers: Vec<Vec<Code>>,
}

fn province_code(p: u32) -> String {
    format!("S{:03}", p + 1)
}

impl Province {
    fn new(p: u32) -> Self {
        let s = province_code(p);
        let districts = (1..=DISTRICTS)
            .map(|d| code(&format!("{s}-H{d}")))
            .collect();
        let posts = (1..=POSTS)
            .map(|k| code(&format!("{s}-BP{k:02}")))
            .collect();
        let communes = (1..=COMMUNES)
            .map(|j| code(&format!("{s}-X{j:02}")))
            .collect();
        let covers = (0..POSTS)
            .map(|k| (0..COMMUNES).filter(|j| j % POSTS == k).collect())
            .collect();
        let markers = (0..POSTS)
            .map(|k| {
                let base = 100 + k * MARKERS_PER_POST;
                (0..MARKERS_PER_POST)
                    .map(|m| {
                        if m + 1 == MARKERS_PER_POST {
                            code(&format!("{}/1", base + m - 1))
                        } else {
                            code(&(base + m).to_string())
                        }
                    })
                    .collect()
            })
            .collect();
        Self {
            bch: code(&format!("{s}-BCH")),
            districts,
            posts,
            communes,
            covers,
            markers,
        }
    }

    fn district_of(commune: usize) -> usize {
        commune % DISTRICTS
    }

    /// Units, links and markers of province `p`.
    fn structure(&self, p: u32) -> Vec<Content> {
        let s = province_code(p);
        let n = p + 1;
        let unit = |c: &Code, kind: UnitKind, name: String| {
            Content::Unit(Unit {
                code: c.clone(),
                kind,
                name: text(&name),
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
                note: text("Dữ liệu mô phỏng để đo hiệu năng."),
            })
        };
        let link = |kind: LinkKind, from: &Code, to: &Code| {
            Content::Link(Link {
                kind,
                from: from.clone(),
                to: to.clone(),
                valid_from: None,
                valid_to: None,
                verified: true,
            })
        };
        let province = code(&s);
        let mut out = vec![
            unit(
                &province,
                UnitKind::Province,
                format!("Tỉnh mô phỏng {n:03}"),
            ),
            unit(
                &self.bch,
                UnitKind::BorderGuardCommand,
                format!("Bộ Chỉ huy Bộ đội Biên phòng tỉnh mô phỏng {n:03}"),
            ),
        ];
        for (d, c) in self.districts.iter().enumerate() {
            out.push(unit(
                c,
                UnitKind::District,
                format!("Huyện mô phỏng {} (tỉnh {n:03})", d + 1),
            ));
        }
        for (k, c) in self.posts.iter().enumerate() {
            out.push(unit(
                c,
                UnitKind::BorderPost,
                format!("Đồn Biên phòng mô phỏng {:02} (tỉnh {n:03})", k + 1),
            ));
        }
        for (j, c) in self.communes.iter().enumerate() {
            out.push(unit(
                c,
                UnitKind::Commune,
                format!("Xã mô phỏng {:02} (tỉnh {n:03})", j + 1),
            ));
        }
        for d in &self.districts {
            out.push(link(LinkKind::CivilParent, &province, d));
        }
        for (j, c) in self.communes.iter().enumerate() {
            out.push(link(
                LinkKind::CivilParent,
                &self.districts[Self::district_of(j)],
                c,
            ));
        }
        out.push(link(LinkKind::MilitaryParent, &province, &self.bch));
        for post in &self.posts {
            out.push(link(LinkKind::MilitaryParent, &self.bch, post));
        }
        for d in &self.districts {
            out.push(link(LinkKind::Coordination, &self.bch, d));
        }
        for (k, post) in self.posts.iter().enumerate() {
            for &j in &self.covers[k] {
                out.push(link(LinkKind::Coordination, post, &self.communes[j]));
            }
        }
        for (k, post) in self.posts.iter().enumerate() {
            for m in &self.markers[k] {
                let kind = if m.as_str().contains('/') {
                    MarkerKind::Auxiliary
                } else {
                    MarkerKind::Main
                };
                out.push(Content::Marker(Marker {
                    number: m.clone(),
                    post: post.clone(),
                    kind,
                    commune: None,
                    location: marker_location(p, m),
                    verified: true,
                }));
            }
        }
        out
    }
}

/// Where a synthetic marker stands: each province's markers on a line of
/// latitude of their own (0,15° apart: within the 20 km a new place may lie
/// beyond those already placed), 0,01° of longitude apart (about 1 km).
fn marker_location(province: u32, number: &Code) -> Option<bienphong_domain::geo::GeoPoint> {
    let (main, sub) = number
        .as_str()
        .split_once('/')
        .unwrap_or((number.as_str(), "0"));
    let x = main.parse::<f64>().ok()? + sub.parse::<f64>().ok()? / 10.0;
    bienphong_domain::geo::GeoPoint::new(
        21.0 + f64::from(province % 12) * 0.15,
        103.0 + (x - 100.0) * 0.01,
    )
    .ok()
}

pub(crate) struct Synthetic {
    structure: std::vec::IntoIter<DemoRecord>,
    provinces: Vec<Province>,
    years: u32,
    per: u32,
    year: u32,
    i: u32,
    p: u32,
    /// The day of record `i` of `year`, cached.
    day: Option<(u32, u32, Date)>,
    rng: Rng,
    ids: Ids,
}

impl Synthetic {
    pub(crate) fn new(provinces: u32, years: u32, records_per_province_year: u32) -> Self {
        let mut ids = Ids::new(SEED_IDS);
        let setup = local_ms(jiff::civil::date(LAST_YEAR - years as i16, 1, 1), 8, 0) - 86_400_000;
        let provinces: Vec<Province> = (0..provinces).map(Province::new).collect();
        let contents = catalogue::entries()
            .into_iter()
            .map(Content::Catalogue)
            .chain(
                provinces
                    .iter()
                    .enumerate()
                    .flat_map(|(p, prov)| prov.structure(p as u32)),
            );
        let structure: Vec<DemoRecord> = contents
            .enumerate()
            .map(|(i, c)| ids.record(c, setup + i as i64))
            .collect();
        Self {
            structure: structure.into_iter(),
            provinces,
            years,
            per: records_per_province_year,
            year: 0,
            i: 0,
            p: 0,
            day: None,
            rng: Rng::new(SEED_CONTENT),
            ids,
        }
    }

    fn remaining_activities(&self) -> u64 {
        let per_year = u64::from(self.per) * self.provinces.len() as u64;
        if self.year >= self.years || per_year == 0 {
            return 0;
        }
        let done = u64::from(self.i) * self.provinces.len() as u64 + u64::from(self.p);
        u64::from(self.years - self.year) * per_year - done
    }

    fn day(&mut self) -> Date {
        if let Some((y, i, d)) = self.day
            && (y, i) == (self.year, self.i)
        {
            return d;
        }
        let year = LAST_YEAR - (self.years - 1 - self.year) as i16;
        let jan1 = jiff::civil::date(year, 1, 1);
        let days = epoch_days(jiff::civil::date(year + 1, 1, 1)) - epoch_days(jan1);
        let d = add_days(jan1, i64::from(self.i) * days / i64::from(self.per));
        self.day = Some((self.year, self.i, d));
        d
    }

    fn activity(&mut self, date: Date, p: usize) -> Content {
        let rng = &mut self.rng;
        let prov = &self.provinces[p];
        let k = rng.below(POSTS as u64) as usize;
        let post = prov.posts[k].clone();
        let commune = prov.communes[*rng.pick(&prov.covers[k])].clone();
        match rng.below(1000) {
            0..600 => {
                let other = OTHER_FORCES[rng.below(3) as usize];
                Content::Patrol(Patrol {
                    date,
                    lead_unit: post,
                    partner_units: vec![commune],
                    kind: PatrolKind::Joint,
                    duration_hours: None,
                    markers: vec![rng.pick(&prov.markers[k]).clone()],
                    participants: vec![
                        ForceCount {
                            force: code("BDBP"),
                            persons: rng.range(3, 8) as u32,
                        },
                        ForceCount {
                            force: code("DQ"),
                            persons: rng.range(1, 4) as u32,
                        },
                        ForceCount {
                            force: code(other),
                            persons: rng.range(1, 3) as u32,
                        },
                    ],
                    notes: text(""),
                })
            }
            600..800 => {
                let seizures = if rng.below(3) == 0 {
                    let item = ITEMS[rng.below(ITEMS.len() as u64) as usize];
                    vec![Seizure {
                        item: code(item),
                        quantity: scaled_quantity(rng.range(1, 5), 0),
                    }]
                } else {
                    vec![]
                };
                let partner_units = if rng.chance(50) {
                    vec![commune]
                } else {
                    vec![]
                };
                Content::Case(Case {
                    date,
                    handling_unit: post,
                    partner_units,
                    case_type: code(CASE_TYPES[rng.below(CASE_TYPES.len() as u64) as usize]),
                    place: text(""),
                    subjects: rng.range(1, 4) as u32,
                    outcome: text(""),
                    seizures,
                })
            }
            800..850 => {
                let quarter = Period::quarter_of(date, Cutoff::Decree09);
                let q = Period::quarter(quarter.0, quarter.1, Cutoff::Decree09);
                Content::Meeting(Meeting {
                    date,
                    meeting_type: code("GBQ"),
                    host_unit: post.clone(),
                    host_body: None,
                    participant_units: vec![commune],
                    period_from: Some(q.from),
                    period_to: Some(q.to),
                    attendance: rng.range(8, 20) as u32,
                    content: text("Giao ban quý giữa đồn Biên phòng và xã biên giới."),
                    lessons: text(""),
                    actions: vec![Action {
                        text: text("Duy trì tuần tra chung trên các đường mòn, lối mở."),
                        owner_unit: post,
                        due: Some(add_days(date, 45)),
                        status: ActionStatus::Done,
                    }],
                })
            }
            850..910 => {
                let sessions = rng.range(1, 3);
                Content::Propaganda(Propaganda {
                    date,
                    unit: post,
                    partner_units: vec![commune],
                    topic: text("Tuyên truyền Luật Biên phòng Việt Nam"),
                    sessions: sessions as u32,
                    listeners: (sessions * rng.range(50, 300)) as u32,
                })
            }
            910..950 => Content::Document(Document {
                date,
                document_type: code("BC"),
                number: text(&format!("{}/BC-ĐBP", rng.range(1, 999))),
                issuer: text("Đồn Biên phòng mô phỏng"),
                unit: post,
                unit_body: None,
                title: text("Báo cáo kết quả phối hợp quản lý, bảo vệ biên giới"),
                recipients: vec![Recipient {
                    unit: prov.bch.clone(),
                    acknowledged_on: Some(add_days(date, 2)),
                }],
                signers: vec![],
                actions: vec![],
                acknowledge_by: None,
                exchange: None,
            }),
            950..970 => Content::Disaster(Disaster {
                date,
                unit: post,
                partner_units: vec![commune],
                kind: DisasterKind::Plan,
                title: text("Phương án phòng, chống thiên tai và tìm kiếm cứu nạn"),
                persons_mobilised: 0,
                people_rescued: 0,
                notes: text(""),
            }),
            _ => Content::Programme(Programme {
                programme: code("NBETT"),
                sponsor_unit: post,
                partner_units: vec![commune],
                beneficiary_kind: BeneficiaryKind::Child,
                start: date,
                end: None,
                monthly_amount: money(500_000),
                disbursements: (0..3)
                    .map(|m| Disbursement {
                        date: add_days(date, 30 * m),
                        amount: money(500_000),
                    })
                    .collect(),
            }),
        }
    }
}

impl Iterator for Synthetic {
    type Item = DemoRecord;

    fn next(&mut self) -> Option<DemoRecord> {
        if let Some(r) = self.structure.next() {
            return Some(r);
        }
        if self.remaining_activities() == 0 {
            return None;
        }
        let date = self.day();
        let content = self.activity(date, self.p as usize);
        let record = self.ids.record(content, local_ms(date, 17, 0));
        self.p += 1;
        if self.p as usize == self.provinces.len() {
            self.p = 0;
            self.i += 1;
            if self.i == self.per {
                self.i = 0;
                self.year += 1;
            }
        }
        Some(record)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.structure.len() as u64 + self.remaining_activities();
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        (n, Some(n))
    }
}
