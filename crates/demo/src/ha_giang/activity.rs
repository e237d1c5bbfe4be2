//! The coordinated work of Hà Giang's posts and communes, year by year.
//! Each reporting year's headline figures are the targets in [`YEARS`]; the
//! generator spreads them over posts, months, patrols and cases with the
//! seeded random source and then adjusts one unit at a time until the sums
//! are exact.

use super::structure::{BCH_HG, BCH_TQ, Geo, first_day};
use crate::util::{
    Names, Rng, add_days, apportion, code, date, date as date_of, distribute, money, quantity,
    scaled_quantity, split, text,
};
use bienphong_domain::org::Code;
use bienphong_domain::record::{
    Action, ActionStatus, Beneficiary, BeneficiaryKind, Body, Case, CaseSubjects, Content,
    Disaster, DisasterKind, Disbursement, Document, ForceCount, Meeting, Patrol, PatrolKind,
    Programme, Propaganda, Recipient, Seizure, Subject,
};
use bienphong_domain::{Cutoff, Date, Period, RecordId};

/// Seized goods of one kind in a year: `total` × 10^`exp` of the item,
/// spread over `parts` cases.
pub(crate) struct SeizurePlan {
    item: &'static str,
    total: i64,
    exp: i32,
    parts: (i64, i64),
}

/// The figures a Decree 09 reporting year must add up to.
pub(crate) struct YearPlan {
    year: i16,
    patrols: i64,
    /// Lượt of the Border Guard.
    border_guard: i64,
    /// Lượt of all other forces.
    others: i64,
    cases: i64,
    subjects: i64,
    seizures: &'static [SeizurePlan],
    /// Disaster and rescue responses.
    responses: usize,
}

const fn seizure(item: &'static str, total: i64, exp: i32, parts: (i64, i64)) -> SeizurePlan {
    SeizurePlan {
        item,
        total,
        exp,
        parts,
    }
}

/// The targets. 2023 is the article's year: "1.178 lần/7.511 lượt và 3.019
/// lượt lực lượng khác … 100 vụ/250 đối tượng, thu giữ 10 bánh heroin; 0,43g
/// thuốc phiện, 01 xe máy, 03 điện thoại di động". 2022 and 2024 are
/// plausible years of their own.
pub(crate) const YEARS: [YearPlan; 3] = [
    YearPlan {
        year: 2022,
        patrols: 1_090,
        border_guard: 6_873,
        others: 2_702,
        cases: 88,
        subjects: 213,
        seizures: &[
            seizure("HEROIN", 6, 0, (2, 3)),
            seizure("THUOCPHIEN", 125, -2, (2, 3)),
            seizure("MTTH", 320, 0, (1, 2)),
            seizure("XEMAY", 2, 0, (1, 2)),
            seizure("DIENTHOAI", 5, 0, (2, 4)),
            seizure("PHAONO", 185, -1, (1, 2)),
        ],
        responses: 2,
    },
    YearPlan {
        year: 2023,
        patrols: 1_178,
        border_guard: 7_511,
        others: 3_019,
        cases: 100,
        subjects: 250,
        seizures: &[
            seizure("HEROIN", 10, 0, (3, 4)),
            seizure("THUOCPHIEN", 43, -2, (2, 2)),
            seizure("XEMAY", 1, 0, (1, 1)),
            seizure("DIENTHOAI", 3, 0, (2, 3)),
        ],
        responses: 3,
    },
    YearPlan {
        year: 2024,
        patrols: 1_230,
        border_guard: 7_902,
        others: 3_244,
        cases: 112,
        subjects: 271,
        seizures: &[
            seizure("HEROIN", 14, 0, (3, 5)),
            seizure("THUOCPHIEN", 80, -2, (1, 2)),
            seizure("MTTH", 1_200, 0, (2, 3)),
            seizure("XEMAY", 2, 0, (2, 2)),
            seizure("DIENTHOAI", 6, 0, (3, 4)),
            seizure("TIEN", 450, 5, (1, 2)),
        ],
        responses: 3,
    },
];

/// The years after the article's: 2025, across the reorganisation of 1
/// July, and 2026, generated whole and kept up to the demo's last day
/// ([`super::last_day`]). Volumes like 2022–2024's.
pub(crate) const LATER: [YearPlan; 2] = [
    YearPlan {
        year: 2025,
        patrols: 1_262,
        border_guard: 8_105,
        others: 3_318,
        cases: 106,
        subjects: 259,
        seizures: &[
            seizure("HEROIN", 12, 0, (3, 4)),
            seizure("THUOCPHIEN", 65, -2, (1, 2)),
            seizure("MTTH", 850, 0, (1, 2)),
            seizure("XEMAY", 2, 0, (1, 2)),
            seizure("DIENTHOAI", 5, 0, (2, 4)),
            seizure("PHAONO", 210, -1, (1, 2)),
        ],
        responses: 3,
    },
    YearPlan {
        year: 2026,
        patrols: 1_284,
        border_guard: 8_240,
        others: 3_402,
        cases: 109,
        subjects: 266,
        seizures: &[
            seizure("HEROIN", 9, 0, (2, 4)),
            seizure("THUOCPHIEN", 52, -2, (1, 2)),
            seizure("MTTH", 600, 0, (1, 2)),
            seizure("XEMAY", 3, 0, (2, 3)),
            seizure("DIENTHOAI", 7, 0, (3, 4)),
            seizure("TIEN", 320, 5, (1, 2)),
        ],
        responses: 2,
    },
];

/// Days of the annual review conferences (HNTK) of the Border Guard Party
/// Committee with the seven District Party Committees: (year reviewed, day).
/// The 2023 review, the article's conference, falls in the 2024 reporting
/// year.
const REVIEWS: [(i16, (i16, i8, i8)); 4] = [
    (2021, (2022, 1, 14)),
    (2022, (2023, 1, 13)),
    (2023, (2024, 1, 16)),
    (2024, (2025, 1, 15)),
];

/// Case types and how often they occur.
const CASE_TYPES: [(&str, i64); 6] = [
    ("MATUY", 30),
    ("BUONLAU", 22),
    ("XNC", 28),
    ("MBN", 4),
    ("VPQC", 13),
    ("VKVLN", 3),
];

/// The case types an item can be seized in.
fn seized_in(item: &str) -> &'static [&'static str] {
    match item {
        "HEROIN" | "THUOCPHIEN" | "MTTH" => &["MATUY"],
        "XEMAY" => &["MATUY", "BUONLAU"],
        "DIENTHOAI" => &["MATUY", "XNC", "MBN"],
        "TIEN" => &["MATUY", "MBN"],
        _ => &["BUONLAU"],
    }
}

/// Personal details waiting for the id of the record they belong to.
pub(crate) enum Pending {
    Subjects(Vec<Subject>),
    Beneficiary(Beneficiary),
}

impl Pending {
    pub(crate) fn into_content(self, parent: RecordId) -> Content {
        match self {
            Self::Subjects(subjects) => Content::CaseSubjects(CaseSubjects {
                case: parent,
                subjects,
            }),
            Self::Beneficiary(mut b) => {
                b.programme_record = parent;
                Content::Beneficiary(b)
            }
        }
    }
}

pub(crate) struct Item {
    pub date: Date,
    pub content: Content,
    pub restricted: Option<Pending>,
}

pub(crate) struct Gen<'a> {
    pub rng: Rng,
    geo: &'a Geo,
    names: Names,
    items: Vec<Item>,
    /// Actions due after this day are still open.
    open_after: Date,
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// Upper-cases the first letter: `xã Lũng Cú` → `Xã Lũng Cú`.
fn cap(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn join_vi(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} và {last}", init.join(", ")),
    }
}

/// Peoples of the Hà Giang border and the names they use (surnames, male and
/// female middle names).
/// (people, surnames, male middle names, female middle names).
type People = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

const PEOPLES: [People; 6] = [
    (
        "Mông",
        &["Giàng", "Sùng", "Vàng", "Thào", "Lù", "Mua", "Ly", "Hờ"],
        &["Seo", "Mí", "Chứ"],
        &["Thị"],
    ),
    (
        "Dao",
        &["Bàn", "Triệu", "Đặng", "Lý"],
        &["Văn", "Tiến"],
        &["Thị"],
    ),
    (
        "Tày",
        &["Hoàng", "Nông", "Ma", "Nguyễn"],
        &["Văn", "Đức"],
        &["Thị"],
    ),
    ("Lô Lô", &["Sình", "Lò"], &["Dì", "Văn"], &["Thị"]),
    ("Giáy", &["Lương", "Hoàng"], &["Văn"], &["Thị"]),
    (
        "Kinh",
        &["Nguyễn", "Trần", "Lê"],
        &["Văn", "Đình"],
        &["Thị"],
    ),
];

const PEOPLE_WEIGHTS: [u64; 6] = [55, 12, 10, 6, 6, 11];

impl<'a> Gen<'a> {
    pub(crate) fn new(geo: &'a Geo, seed: u64) -> Self {
        Self {
            rng: Rng::new(seed),
            geo,
            names: Names::new(),
            items: Vec::new(),
            open_after: date_2025_open(),
        }
    }

    /// The records generated so far, in date order (stable for one day).
    pub(crate) fn take(&mut self) -> Vec<Item> {
        let mut items = std::mem::take(&mut self.items);
        items.sort_by_key(|i| i.date);
        items
    }

    fn push(&mut self, date: Date, content: Content, restricted: Option<Pending>) {
        self.items.push(Item {
            date,
            content,
            restricted,
        });
    }

    /// A fictional person of the border peoples: (name, ethnicity).
    fn person(&mut self, female: bool) -> (String, &'static str) {
        let (people, surnames, male, fem) = PEOPLES[self.rng.weighted(&PEOPLE_WEIGHTS)];
        let surname = self.rng.pick(surnames);
        let middle = if female {
            self.rng.pick(fem)
        } else {
            self.rng.pick(male)
        };
        (format!("{surname} {middle} {}", self.names.given()), people)
    }

    fn post_code(&self, post: usize) -> Code {
        let geo = self.geo;
        geo.posts[post].code.clone()
    }

    fn commune_code(&self, commune: usize) -> Code {
        let geo = self.geo;
        geo.communes[commune].code.clone()
    }

    fn district_name(&self, commune: usize) -> &'static str {
        let geo = self.geo;
        geo.districts[geo.communes[commune].district].short
    }

    // ---------------------------------------------------------------- years

    /// A year after the 2024 review, under the organisation of each day:
    /// Hà Giang's units up to 30 June 2025, Tuyên Quang's from 1 July.
    /// Actions due by `open_after` have been dealt with.
    pub(crate) fn later_year(&mut self, plan: &YearPlan, open_after: Date) {
        self.open_after = open_after;
        self.year(plan);
        self.open_after = date_2025_open();
    }

    pub(crate) fn year(&mut self, plan: &YearPlan) {
        self.patrols(plan);
        self.cases(plan);
        self.briefings(plan.year);
        self.interim_review(plan.year);
        self.working_meetings(plan.year);
        self.documents(plan.year);
        self.propaganda(plan.year);
        self.disasters(plan);
        self.households(plan.year);
    }

    fn patrols(&mut self, plan: &YearPlan) {
        let geo = self.geo;
        let posts = geo.posts.len();
        // Patrols per post and Decree 09 month: every post every month.
        let rates: Vec<i64> = (0..posts).map(|_| self.rng.range(7, 10)).collect();
        let start: Vec<i64> = (0..posts * 12)
            .map(|cell| rates[cell / 12] + self.rng.range(-1, 1))
            .collect();
        let cells = distribute(
            &mut self.rng,
            plan.patrols,
            &vec![5; posts * 12],
            &vec![14; posts * 12],
            start,
        );

        struct Draft {
            post: usize,
            station: bool,
            date: Date,
            kind: PatrolKind,
        }
        let mut drafts = Vec::new();
        for (cell, &count) in cells.iter().enumerate() {
            let (post, month) = (cell / 12, (cell % 12) as i8 + 1);
            let period = Period::month(plan.year, month, Cutoff::Decree09);
            for k in 0..count {
                // Patrols on the first and last day of the reporting year,
                // on purpose: 15 December belongs to the next year.
                let date = match (post, month, k) {
                    (0, 1, 0) => period.from,
                    (1, 12, 0) => period.to,
                    _ => self.rng.day_in(period),
                };
                let kind = match self.rng.below(100) {
                    0..7 => PatrolKind::PostOnly,
                    7..12 => PatrolKind::Bilateral,
                    _ => PatrolKind::Joint,
                };
                let station =
                    post == geo.station_post && kind == PatrolKind::Joint && self.rng.chance(30);
                drafts.push(Draft {
                    post,
                    station,
                    date,
                    kind,
                });
            }
        }

        // Lượt of other forces, then of the Border Guard, each patrol 3 to 15
        // people with at least one Border Guard soldier.
        let bounds = |k: PatrolKind| match k {
            PatrolKind::PostOnly => (0, 0),
            PatrolKind::Bilateral => (0, 5),
            PatrolKind::Joint => (1, 8),
        };
        let lo: Vec<i64> = drafts.iter().map(|d| bounds(d.kind).0).collect();
        let hi: Vec<i64> = drafts.iter().map(|d| bounds(d.kind).1).collect();
        let start: Vec<i64> = drafts
            .iter()
            .map(|d| match d.kind {
                PatrolKind::PostOnly => 0,
                PatrolKind::Bilateral => self.rng.range(0, 3),
                PatrolKind::Joint => self.rng.range(1, 5),
            })
            .collect();
        let others = distribute(&mut self.rng, plan.others, &lo, &hi, start);
        let lo: Vec<i64> = others.iter().map(|o| (3 - o).max(1)).collect();
        let hi: Vec<i64> = others.iter().map(|o| 15 - o).collect();
        let start: Vec<i64> = drafts.iter().map(|_| self.rng.range(4, 9)).collect();
        let guards = distribute(&mut self.rng, plan.border_guard, &lo, &hi, start);

        for (i, d) in drafts.iter().enumerate() {
            let partners = self.patrol_partners(d.post, d.station, d.kind, after(d.date));
            let p = self.patrol(
                d.post, d.station, d.date, d.kind, guards[i], others[i], partners,
            );
            self.push(d.date, Content::Patrol(p), None);
        }
    }

    /// Communes that took part: 1–2 for a joint patrol, 0–1 for a bilateral
    /// one, none for the post's own.
    fn patrol_partners(
        &mut self,
        post: usize,
        station: bool,
        kind: PatrolKind,
        after_2025: bool,
    ) -> Vec<Code> {
        let geo = self.geo;
        let pool: Vec<Code> = if after_2025 {
            geo.posts[post]
                .new_communes
                .iter()
                .map(|&n| geo.new_communes[n].code.clone())
                .collect()
        } else if station {
            vec![self.commune_code(geo.station_commune)]
        } else {
            geo.posts[post]
                .communes
                .iter()
                .map(|&c| self.commune_code(c))
                .collect()
        };
        let n = match kind {
            PatrolKind::PostOnly => 0,
            PatrolKind::Bilateral => self.rng.range(0, 1),
            PatrolKind::Joint => self.rng.range(1, 2),
        };
        self.rng.sample(&pool, n as usize)
    }

    #[expect(clippy::too_many_arguments, reason = "one patrol's facts")]
    fn patrol(
        &mut self,
        post: usize,
        station: bool,
        date: Date,
        kind: PatrolKind,
        guards: i64,
        others: i64,
        partner_units: Vec<Code>,
    ) -> Patrol {
        let geo = self.geo;
        let mut participants = vec![ForceCount {
            force: code("BDBP"),
            persons: guards as u32,
        }];
        if others > 0 {
            let forces: Vec<&str> = if kind == PatrolKind::Bilateral {
                vec!["DQ"]
            } else {
                let k = (self.rng.weighted(&[35, 45, 20]) as i64 + 1).min(others);
                let mut pool = vec![("DQ", 50), ("CA", 20), ("TTQ", 20), ("QCND", 10)];
                let mut chosen = Vec::new();
                for _ in 0..k {
                    let weights: Vec<u64> = pool.iter().map(|(_, w)| *w).collect();
                    let i = self.rng.weighted(&weights);
                    chosen.push(pool.remove(i).0);
                }
                chosen
            };
            let persons = split(&mut self.rng, others, forces.len());
            for (f, n) in forces.iter().zip(persons) {
                participants.push(ForceCount {
                    force: code(f),
                    persons: n as u32,
                });
            }
        }
        let k = self.rng_range(1, 3);
        let all = &geo.posts[post].markers;
        let mut markers = self.rng.sample(all, k);
        // Along the border, as the patrol walked them.
        markers.sort_by_key(|m| all.iter().position(|x| x == m));
        let duration_hours = self
            .rng
            .chance(90)
            .then(|| scaled_quantity(self.rng.range(6, 16) * 5, -1));
        let notes = if self.rng.chance(35) {
            let m = markers.first().map(|m| m.to_string()).unwrap_or_default();
            let line = match kind {
                PatrolKind::Bilateral => format!(
                    "Tuần tra song phương theo kế hoạch đã thống nhất với lực lượng biên phòng nước láng giềng, khu vực mốc {m}; tình hình ổn định."
                ),
                PatrolKind::PostOnly => {
                    let options = [
                        "Tuần tra ban đêm trên các đường mòn, lối mở; không phát hiện vi phạm."
                            .to_string(),
                        format!("Tuần tra, kiểm tra mốc {m} và đường biên; mốc nguyên vẹn."),
                    ];
                    self.rng.pick(&options).clone()
                }
                PatrolKind::Joint => {
                    let options = [
                        "Tuần tra, kiểm soát đường biên, mốc giới; tình hình khu vực ổn định.".to_string(),
                        format!("Kết hợp kiểm tra, bảo dưỡng mốc {m}."),
                        "Phối hợp nắm tình hình, tuyên truyền nhân dân không qua lại biên giới trái phép.".to_string(),
                        "Kiểm tra hoạt động của tổ tự quản đường biên, mốc giới.".to_string(),
                        "Nhắc nhở người dân đi lại qua lối mở không đúng quy định.".to_string(),
                    ];
                    self.rng.pick(&options).clone()
                }
            };
            text(&line)
        } else {
            text("")
        };
        let lead_unit = if station {
            geo.station.clone()
        } else {
            self.post_code(post)
        };
        Patrol {
            date,
            lead_unit,
            partner_units,
            kind,
            duration_hours,
            markers,
            participants,
            notes,
        }
    }

    fn rng_range(&mut self, lo: i64, hi: i64) -> usize {
        self.rng.range(lo, hi) as usize
    }

    fn cases(&mut self, plan: &YearPlan) {
        let year = Period::year(plan.year, Cutoff::Decree09);
        let weights: Vec<i64> = CASE_TYPES.iter().map(|(_, w)| *w).collect();
        let mut types: Vec<&str> = Vec::new();
        for ((t, _), n) in CASE_TYPES.iter().zip(apportion(plan.cases, &weights)) {
            types.extend(std::iter::repeat_n(*t, n as usize));
        }
        self.rng.shuffle(&mut types);

        // No case holds more than 5% of the year's subjects.
        let cap = plan.subjects * 5 / 100;
        let start: Vec<i64> = types
            .iter()
            .map(|t| match *t {
                "MBN" => self.rng.range(2, 6),
                "XNC" => self.rng.range(1, 5),
                "MATUY" => self.rng.range(1, 4),
                "VKVLN" => self.rng.range(1, 2),
                _ => self.rng.range(1, 3),
            })
            .collect();
        let n = types.len();
        let subjects = distribute(
            &mut self.rng,
            plan.subjects,
            &vec![1; n],
            &vec![cap; n],
            start,
        );

        let mut seizures: Vec<Vec<Seizure>> = vec![Vec::new(); n];
        for s in plan.seizures {
            let fits: Vec<usize> = (0..n)
                .filter(|&i| seized_in(s.item).contains(&types[i]))
                .collect();
            let parts = (self.rng.range(s.parts.0, s.parts.1) as usize)
                .min(s.total as usize)
                .min(fits.len());
            let chosen = self.rng.sample(&fits, parts);
            let amounts = split(&mut self.rng, s.total, parts);
            for (case, amount) in chosen.into_iter().zip(amounts) {
                seizures[case].push(Seizure {
                    item: code(s.item),
                    quantity: scaled_quantity(amount, s.exp),
                });
            }
        }

        for i in 0..n {
            let date = match i {
                0 => year.from,
                1 => year.to,
                _ => self.rng.day_in(year),
            };
            let items = std::mem::take(&mut seizures[i]);
            let new_commune = after(date).then(|| {
                let post = self.rng.below(self.geo.posts.len() as u64) as usize;
                (post, *self.rng.pick(&self.geo.posts[post].new_communes))
            });
            self.case(date, types[i], subjects[i], items, new_commune);
        }
    }

    /// One case and, for about a third of them, its subjects' details.
    /// `after_2025` names the new commune it happened in.
    fn case(
        &mut self,
        date: Date,
        case_type: &str,
        subjects: i64,
        seizures: Vec<Seizure>,
        after_2025: Option<(usize, usize)>,
    ) {
        let geo = self.geo;
        let (handling_unit, commune_code, place_commune, district) = match after_2025 {
            Some((post, n)) => {
                let c = &geo.new_communes[n];
                (
                    self.post_code(post),
                    c.code.clone(),
                    c.in_text.clone(),
                    None,
                )
            }
            None => {
                let post = self.rng.below(geo.posts.len() as u64) as usize;
                let station = post == geo.station_post && self.rng.chance(25);
                let commune = if station {
                    geo.station_commune
                } else {
                    *self.rng.pick(&geo.posts[post].communes)
                };
                let unit = if station {
                    geo.station.clone()
                } else {
                    self.post_code(post)
                };
                let c = &geo.communes[commune];
                (
                    unit,
                    c.code.clone(),
                    c.in_text.clone(),
                    Some(self.district_name(commune)),
                )
            }
        };
        let partner_units = if self.rng.chance(50) {
            vec![commune_code]
        } else {
            vec![]
        };
        let post_index = self
            .geo
            .posts
            .iter()
            .position(|p| p.code == handling_unit)
            .unwrap_or(geo.station_post);
        let marker = self.rng.pick(&geo.posts[post_index].markers).to_string();
        let place = match self.rng.below(3) {
            0 => format!("Khu vực mốc {marker}, {place_commune}"),
            1 => format!("Đường mòn biên giới thuộc {place_commune}"),
            _ => cap(&place_commune),
        };
        let district_police =
            district.map_or("Công an xã".to_string(), |d| format!("Công an huyện {d}"));
        let outcomes: Vec<String> = match case_type {
            "MATUY" => vec![
                format!("Bàn giao {district_police} điều tra theo thẩm quyền."),
                "Khởi tố vụ án, khởi tố bị can theo thẩm quyền.".into(),
                "Xử phạt vi phạm hành chính, đưa đi cai nghiện theo quy định.".into(),
            ],
            "BUONLAU" => vec![
                "Tịch thu tang vật, xử phạt vi phạm hành chính.".into(),
                "Bàn giao cơ quan chức năng xử lý theo quy định.".into(),
            ],
            "XNC" => vec![
                "Lập hồ sơ, trao trả cho phía Trung Quốc theo quy định.".into(),
                "Xử phạt vi phạm hành chính, giáo dục tại cộng đồng.".into(),
            ],
            "MBN" => vec![
                "Giải cứu, tiếp nhận nạn nhân; bàn giao cơ quan điều tra xử lý đối tượng.".into(),
                "Phối hợp xác minh, đưa nạn nhân trở về địa phương.".into(),
            ],
            "VPQC" => vec![
                "Nhắc nhở, xử phạt vi phạm hành chính.".into(),
                "Lập biên bản, giáo dục, yêu cầu cam kết không tái phạm.".into(),
            ],
            _ => vec![
                "Thu giữ, xử phạt vi phạm hành chính.".into(),
                "Vận động giao nộp, tiêu hủy theo quy định.".into(),
            ],
        };
        let outcome = self.rng.pick(&outcomes).clone();
        let restricted = self.rng.chance(35).then(|| {
            let foreign = case_type == "XNC" && self.rng.chance(50);
            let people: Vec<Subject> = (0..subjects)
                .map(|_| {
                    let female = self.rng.chance(if case_type == "MBN" { 60 } else { 25 });
                    let birth_year = Some(self.rng.range(1965, 2005) as u16);
                    if foreign {
                        let surname = *self.rng.pick(&["Lý", "Vương", "Trương", "Lưu"]);
                        Subject {
                            name: text(&format!("{surname} {}", self.names.given())),
                            birth_year,
                            ethnicity: None,
                            nationality: Some(text("Trung Quốc")),
                            address: None,
                        }
                    } else {
                        let (name, people) = self.person(female);
                        let address = match district {
                            Some(d) => format!("{}, huyện {d}, tỉnh Hà Giang", cap(&place_commune)),
                            None => format!("{}, tỉnh Tuyên Quang", cap(&place_commune)),
                        };
                        Subject {
                            name: text(&name),
                            birth_year,
                            ethnicity: Some(text(people)),
                            nationality: Some(text("Việt Nam")),
                            address: Some(text(&address)),
                        }
                    }
                })
                .collect();
            Pending::Subjects(people)
        });
        let case = Case {
            date,
            handling_unit,
            partner_units,
            case_type: code(case_type),
            place: text(&place),
            subjects: subjects as u32,
            outcome: text(&outcome),
            seizures,
        };
        self.push(date, Content::Case(case), restricted);
    }

    // ------------------------------------------------------------- meetings

    fn actions(&mut self, date: Date, owners: &[Code], options: &[&str], n: usize) -> Vec<Action> {
        let texts = self.rng.sample(options, n);
        texts
            .into_iter()
            .map(|t| {
                let due = add_days(date, self.rng.range(30, 75));
                let status = if due > self.open_after {
                    ActionStatus::Open
                } else {
                    match self.rng.below(100) {
                        0..85 => ActionStatus::Done,
                        85..95 => ActionStatus::Open,
                        _ => ActionStatus::Cancelled,
                    }
                };
                Action {
                    text: text(t),
                    owner_unit: self.rng.pick(owners).clone(),
                    due: Some(due),
                    status,
                }
            })
            .collect()
    }

    /// Every post holds a quarterly briefing with the communes it covers.
    fn briefings(&mut self, year: i16) {
        let geo = self.geo;
        const LESSONS: [&str; 6] = [
            "Việc trao đổi thông tin giữa đồn và xã có lúc chưa kịp thời; cần duy trì chế độ thông báo tình hình hằng tuần.",
            "Một số tổ tự quản đường biên, mốc giới hoạt động chưa thường xuyên.",
            "Công tác tuyên truyền ở một số thôn, bản vùng sâu còn hạn chế; cần đổi mới hình thức, dùng tiếng dân tộc.",
            "Phối hợp nắm tình hình xuất nhập cảnh trái phép, mua bán người cần chặt chẽ hơn.",
            "Cần chủ động rà soát phương án phòng, chống thiên tai, tìm kiếm cứu nạn trước mùa mưa lũ.",
            "Phối hợp giữa đảng ủy xã và chi bộ đồn trong lãnh đạo nhiệm vụ quốc phòng, an ninh được duy trì nền nếp.",
        ];
        const ACTIONS: [&str; 7] = [
            "Duy trì tuần tra chung trên các đường mòn, lối mở thuộc địa bàn.",
            "Tổ chức tuyên truyền Luật Biên phòng Việt Nam tại các thôn, bản biên giới.",
            "Củng cố, kiện toàn các tổ tự quản đường biên, mốc giới và tổ an ninh trật tự.",
            "Rà soát, nắm tình hình đối tượng nghi vấn hoạt động ma túy, mua bán người.",
            "Rà soát học sinh có hoàn cảnh khó khăn để đề xuất nhận đỡ đầu.",
            "Kiểm tra, bảo dưỡng mốc quốc giới sau mùa mưa.",
            "Trao đổi danh sách người xuất cảnh đi làm ăn bên kia biên giới.",
        ];
        for q in 1..=4i8 {
            let quarter = Period::quarter(year, q, Cutoff::Decree09);
            for post in 0..geo.posts.len() {
                let date = add_days(quarter.to, -self.rng.range(1, 24));
                let p = &geo.posts[post];
                let mut participants: Vec<Code> = if after(date) {
                    p.new_communes
                        .iter()
                        .map(|&n| geo.new_communes[n].code.clone())
                        .collect()
                } else {
                    p.communes.iter().map(|&c| self.commune_code(c)).collect()
                };
                if post == geo.station_post {
                    participants.push(geo.station.clone());
                }
                let commune_names: Vec<String> = if after(date) {
                    p.new_communes
                        .iter()
                        .map(|&n| geo.new_communes[n].short.to_string())
                        .collect()
                } else {
                    p.communes
                        .iter()
                        .map(|&c| geo.communes[c].short.to_string())
                        .collect()
                };
                let content = format!(
                    "Giao ban quý {}/{year} giữa {} với Đảng ủy, UBND {} {}: trao đổi thông tin về tình hình an ninh chính trị, trật tự an toàn xã hội; đánh giá kết quả phối hợp tuần tra, quản lý, bảo vệ đường biên, mốc giới; thống nhất nội dung phối hợp quý tới.",
                    ROMAN[(q - 1) as usize],
                    p.name,
                    if commune_names.len() > 1 {
                        "các xã"
                    } else {
                        "xã"
                    },
                    join_vi(&commune_names),
                );
                let k = self.rng_range(1, 2);
                let lessons = self.rng.sample(&LESSONS, k).join(" ");
                let attendance = 6 + 3 * participants.len() as i64 + self.rng.range(0, 6);
                let mut owners = participants.clone();
                owners.push(p.code.clone());
                let n = self.rng_range(1, 3);
                let actions = self.actions(date, &owners, &ACTIONS, n);
                let meeting = Meeting {
                    date,
                    meeting_type: code("GBQ"),
                    host_unit: p.code.clone(),
                    host_body: None,
                    participant_units: participants,
                    period_from: Some(quarter.from),
                    period_to: Some(quarter.to),
                    attendance: attendance as u32,
                    content: text(&content),
                    lessons: text(&lessons),
                    actions,
                };
                self.push(date, Content::Meeting(meeting), None);
            }
        }
    }

    fn districts(&self) -> Vec<Code> {
        let geo = self.geo;
        geo.districts.iter().map(|d| d.code.clone()).collect()
    }

    /// Tuyên Quang's border communes, which took over from the districts'.
    fn new_communes(&self) -> Vec<Code> {
        let geo = self.geo;
        geo.new_communes.iter().map(|n| n.code.clone()).collect()
    }

    /// The half-year interim review of the provincial Border Guard with the
    /// seven districts.
    fn interim_review(&mut self, year: i16) {
        let half = Period::half(year, 1, Cutoff::Decree09);
        let date = date(year, 6, self.rng.range(18, 28) as i8);
        let later = after(date);
        let (bch, districts) = if later {
            (code(BCH_TQ), self.new_communes())
        } else {
            (code(BCH_HG), self.districts())
        };
        let mut owners = districts.clone();
        owners.push(bch.clone());
        let actions = self.actions(
            date,
            &owners,
            &[
                "Chỉ đạo các đồn, xã biên giới duy trì giao ban quý, rút kinh nghiệm nội dung phối hợp.",
                "Tăng cường phối hợp nắm tình hình, đấu tranh phòng, chống tội phạm ma túy, mua bán người.",
                "Rà soát phương án phòng, chống thiên tai, tìm kiếm cứu nạn mùa mưa lũ.",
            ],
            2,
        );
        let meeting = Meeting {
            date,
            meeting_type: code("HNSK"),
            host_unit: bch,
            host_body: None,
            participant_units: districts,
            period_from: Some(half.from),
            period_to: Some(half.to),
            attendance: self.rng.range(55, 80) as u32,
            content: text(&if later {
                format!(
                    "Sơ kết 6 tháng đầu năm {year} thực hiện quy chế phối hợp giữa Ban Chỉ huy Bộ đội Biên phòng tỉnh và Đảng ủy các xã biên giới."
                )
            } else {
                format!(
                    "Sơ kết 6 tháng đầu năm {year} thực hiện quy chế phối hợp giữa Đảng ủy Bộ đội Biên phòng tỉnh và Huyện ủy 7 huyện biên giới."
                )
            }),
            lessons: text(
                "Một số nội dung phối hợp triển khai còn chậm; chế độ báo cáo định kỳ của một số xã chưa đúng thời gian.",
            ),
            actions,
        };
        self.push(date, Content::Meeting(meeting), None);
    }

    /// The annual review conferences and the notices of their conclusions.
    pub(crate) fn reviews(&mut self) {
        for (reviewed, day) in REVIEWS {
            self.review(reviewed, day);
        }
    }

    /// The review of 2025, held in January 2026 by Tuyên Quang's command
    /// with the border communes.
    pub(crate) fn review_2025(&mut self) {
        self.review(2025, (2026, 1, 14));
    }

    fn review(&mut self, reviewed: i16, (y, m, d): (i16, i8, i8)) {
        let geo = self.geo;
        {
            let date = date_of(y, m, d);
            let later = after(date);
            let period = Period::year(reviewed, Cutoff::Decree09);
            let (districts, bch) = if later {
                (self.new_communes(), code(BCH_TQ))
            } else {
                (self.districts(), code(BCH_HG))
            };
            let directions = [
                "Tiếp tục quán triệt, nắm vững quan điểm, chủ trương của Đảng, Nhà nước về nhiệm vụ quốc phòng, an ninh và xây dựng, quản lý, bảo vệ chủ quyền lãnh thổ, an ninh biên giới quốc gia trong tình hình mới, trọng tâm là Nghị quyết số 33-NQ/TW, Luật Biên phòng Việt Nam.",
                "Thực hiện tốt chế độ trao đổi thông tin, phối hợp nắm chắc tình hình an ninh chính trị.",
                "Xây dựng các phương án khắc phục thiên tai, tìm kiếm cứu nạn; đổi mới và đẩy mạnh công tác tuyên truyền.",
                "Duy trì, thực hiện có hiệu quả phong trào “Toàn dân tham gia bảo vệ chủ quyền lãnh thổ, an ninh biên giới quốc gia trong tình hình mới”.",
            ];
            let actions = directions
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let owner = if i % 2 == 0 {
                        bch.clone()
                    } else {
                        self.rng.pick(&districts).clone()
                    };
                    let due = date_of(y, 12, 14);
                    Action {
                        text: text(t),
                        owner_unit: owner,
                        due: Some(due),
                        status: if due > date_2025_open() {
                            ActionStatus::Open
                        } else {
                            ActionStatus::Done
                        },
                    }
                })
                .collect();
            let meeting = Meeting {
                date,
                meeting_type: code("HNTK"),
                host_unit: bch.clone(),
                host_body: Some(Body::PartyCommittee),
                participant_units: districts.clone(),
                period_from: Some(period.from),
                period_to: Some(period.to),
                attendance: self.rng.range(90, 130) as u32,
                content: text(&if later {
                    format!(
                        "Hội nghị tổng kết công tác phối hợp giữa Ban Chỉ huy Bộ đội Biên phòng tỉnh và Đảng ủy, UBND các xã biên giới năm {reviewed}, năm đầu thực hiện chính quyền địa phương hai cấp. Tham dự có lãnh đạo Tỉnh ủy, UBND tỉnh Tuyên Quang; Bí thư Đảng ủy, Chủ tịch UBND các xã biên giới; Đồn trưởng, Chính trị viên các đồn Biên phòng cùng già làng, trưởng bản, người có uy tín ở một số thôn biên giới."
                    )
                } else {
                    format!(
                        "Hội nghị tổng kết công tác phối hợp giữa Đảng ủy Bộ đội Biên phòng tỉnh và Huyện ủy 7 huyện biên giới năm {reviewed}. Tham dự có lãnh đạo Tỉnh ủy, UBND tỉnh, lãnh đạo các ban Đảng Tỉnh ủy; đại diện Thường trực Huyện ủy 7 huyện biên giới, các ban xây dựng Đảng thuộc Huyện ủy; Đồn trưởng, Chính trị viên các đồn Biên phòng cùng già làng, trưởng bản, người có uy tín ở một số thôn biên giới."
                    )
                }),
                lessons: text(
                    "Công tác phối hợp nắm tình hình ở một số địa bàn có lúc chưa chặt chẽ; chế độ trao đổi thông tin chưa thường xuyên; hình thức tuyên truyền chưa đa dạng, chưa phù hợp với đồng bào vùng cao.",
                ),
                actions,
            };
            self.push(date, Content::Meeting(meeting), None);

            let notice = add_days(date, self.rng.range(3, 7));
            let mut recipients: Vec<Code> = districts;
            recipients.extend(geo.posts.iter().map(|p| p.code.clone()));
            let recipients = self.recipients(notice, &recipients, 90);
            let doc = Document {
                date: notice,
                document_type: code("TB"),
                number: text(&format!("{}/TB-BCH", self.rng.range(8, 25))),
                issuer: text(if later {
                    "Ban Chỉ huy Bộ đội Biên phòng tỉnh Tuyên Quang"
                } else {
                    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Hà Giang"
                }),
                unit: bch,
                unit_body: None,
                title: text(&if later {
                    format!(
                        "Thông báo kết luận Hội nghị tổng kết công tác phối hợp giữa Ban Chỉ huy Bộ đội Biên phòng tỉnh và các xã biên giới năm {reviewed}"
                    )
                } else {
                    format!(
                        "Thông báo kết luận Hội nghị tổng kết công tác phối hợp giữa Đảng ủy Bộ đội Biên phòng tỉnh và Huyện ủy 7 huyện biên giới năm {reviewed}"
                    )
                }),
                recipients,
                signers: vec![],
                actions: vec![],
                acknowledge_by: None,
                exchange: None,
            };
            self.push(notice, Content::Document(doc), None);
        }
    }

    /// Working meetings between a post and a district on a matter at hand.
    fn working_meetings(&mut self, year: i16) {
        let geo = self.geo;
        const TOPICS: [&str; 4] = [
            "Trao đổi tình hình an ninh trật tự khu vực biên giới và thống nhất biện pháp phối hợp giải quyết.",
            "Thống nhất kế hoạch phối hợp tổ chức các hoạt động kỷ niệm Ngày Biên phòng toàn dân.",
            "Bàn biện pháp phối hợp quản lý người dân xuất cảnh đi làm ăn, thăm thân bên kia biên giới.",
            "Thống nhất danh sách hộ nghèo, học sinh được các chương trình hỗ trợ.",
        ];
        let period = Period::year(year, Cutoff::Decree09);
        for _ in 0..self.rng.range(5, 8) {
            let post = self.rng.below(geo.posts.len() as u64) as usize;
            let date = self.rng.day_in(period);
            let p = &geo.posts[post];
            let host = p.code.clone();
            // From 1 July 2025 a post works with its communes alone.
            let (participants, owners, report) = if after(date) {
                let n = *self.rng.pick(&p.new_communes);
                let commune = geo.new_communes[n].code.clone();
                (
                    vec![commune.clone()],
                    vec![host.clone(), commune],
                    "Báo cáo kết quả thực hiện về Ban Chỉ huy và Đảng ủy xã.",
                )
            } else {
                let district = geo.districts[p.district].code.clone();
                let commune = *self.rng.pick(&p.communes);
                let commune = self.commune_code(commune);
                (
                    vec![district.clone(), commune.clone()],
                    vec![host.clone(), district, commune],
                    "Báo cáo kết quả thực hiện về Bộ Chỉ huy và Huyện ủy.",
                )
            };
            let actions = self.actions(
                date,
                &owners,
                &[
                    "Cử cán bộ tăng cường bám nắm địa bàn các thôn giáp biên.",
                    report,
                    "Phối hợp vận động nhân dân chấp hành quy chế khu vực biên giới.",
                ],
                1,
            );
            let topic: &&str = self.rng.pick(&TOPICS);
            let meeting = Meeting {
                date,
                meeting_type: code("HOP"),
                host_unit: host,
                host_body: None,
                participant_units: participants,
                period_from: None,
                period_to: None,
                attendance: self.rng.range(8, 18) as u32,
                content: text(topic),
                lessons: text(""),
                actions,
            };
            self.push(date, Content::Meeting(meeting), None);
        }
    }

    // ------------------------------------------------------------ documents

    /// Recipients, each acknowledging (1–6 days later) `percent` times in a hundred.
    fn recipients(&mut self, date: Date, units: &[Code], percent: u64) -> Vec<Recipient> {
        units
            .iter()
            .map(|u| Recipient {
                unit: u.clone(),
                acknowledged_on: self
                    .rng
                    .chance(percent)
                    .then(|| add_days(date, self.rng.range(1, 6))),
            })
            .collect()
    }

    fn documents(&mut self, year: i16) {
        let geo = self.geo;
        let posts: Vec<Code> = geo.posts.iter().map(|p| p.code.clone()).collect();
        let districts = self.districts();
        let mut posts_and_districts = posts.clone();
        posts_and_districts.extend(districts.iter().cloned());
        let party = "Đảng ủy Bộ đội Biên phòng tỉnh Hà Giang";
        let command = "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Hà Giang";
        let new_communes = self.new_communes();

        // From 1 July 2025 the command is Tuyên Quang's and writes to the
        // posts and the communes (the districts have ended).
        let issue = |g: &mut Self,
                     date: Date,
                     kind: &str,
                     number: String,
                     issuer: &str,
                     title: String,
                     to: &[Code],
                     ack: u64| {
            let (bch, issuer, to) = if after(date) {
                let to: Vec<Code> = to
                    .iter()
                    .filter(|u| !districts.contains(u))
                    .cloned()
                    .chain(
                        to.iter()
                            .any(|u| districts.contains(u))
                            .then(|| new_communes.clone())
                            .into_iter()
                            .flatten(),
                    )
                    .collect();
                let issuer = issuer
                    .replace("Bộ Chỉ huy Bộ đội", "Ban Chỉ huy Bộ đội")
                    .replace(
                        "Đảng ủy Bộ đội Biên phòng",
                        "Đảng ủy Ban Chỉ huy Bộ đội Biên phòng",
                    )
                    .replace("tỉnh Hà Giang", "tỉnh Tuyên Quang");
                (code(BCH_TQ), issuer, to)
            } else {
                (code(BCH_HG), issuer.to_string(), to.to_vec())
            };
            let recipients = g.recipients(date, &to, ack);
            let doc = Document {
                date,
                document_type: code(kind),
                number: text(&number),
                issuer: text(&issuer),
                unit: bch,
                unit_body: None,
                title: text(&title),
                recipients,
                signers: vec![],
                actions: vec![],
                acknowledge_by: None,
                exchange: None,
            };
            g.push(date, Content::Document(doc), None);
        };

        let d = date(year, 1, self.rng.range(5, 12) as i8);
        let n = self.rng.range(40, 60);
        issue(
            self,
            d,
            "NQ",
            format!("{n}-NQ/ĐU"),
            party,
            format!(
                "Nghị quyết về lãnh đạo thực hiện nhiệm vụ quản lý, bảo vệ chủ quyền lãnh thổ, an ninh biên giới quốc gia năm {year}"
            ),
            &posts,
            100,
        );
        let d = date(year, 2, self.rng.range(8, 20) as i8);
        let n = self.rng.range(1, 5);
        issue(
            self,
            d,
            "CT",
            format!("{n:02}/CT-BCH"),
            command,
            format!(
                "Chỉ thị về tổ chức các hoạt động kỷ niệm Ngày Biên phòng toàn dân (03/3) năm {year} gắn với thực hiện Chỉ thị số 01/CT-TTg của Thủ tướng Chính phủ"
            ),
            &posts_and_districts,
            80,
        );
        let d = date(year, 3, self.rng.range(6, 25) as i8);
        let n = self.rng.range(120, 260);
        issue(
            self,
            d,
            "KH",
            format!("{n}/KH-BCH"),
            command,
            format!(
                "Kế hoạch tiếp tục thực hiện Nghị quyết số 33-NQ/TW của Bộ Chính trị về Chiến lược bảo vệ biên giới quốc gia năm {year}"
            ),
            &posts,
            65,
        );
        let d = date(year, 4, self.rng.range(2, 20) as i8);
        let n = self.rng.range(300, 420);
        issue(
            self,
            d,
            "KH",
            format!("{n}/KH-BCH"),
            command,
            format!("Kế hoạch phòng, chống thiên tai và tìm kiếm cứu nạn năm {year}"),
            &posts_and_districts,
            70,
        );
        if year == 2022 {
            let d = date(2022, 3, self.rng.range(1, 4) as i8);
            issue(
                self,
                d,
                "QC",
                "05-QC/ĐU".to_string(),
                party,
                "Quy chế phối hợp giữa Đảng ủy Bộ đội Biên phòng tỉnh với Huyện ủy các huyện biên giới trong lãnh đạo, chỉ đạo thực hiện nhiệm vụ quản lý, bảo vệ chủ quyền lãnh thổ, an ninh biên giới quốc gia".to_string(),
                &districts,
                100,
            );
        }
        let period = Period::year(year, Cutoff::Decree09);
        let d = add_days(period.to, -self.rng.range(1, 4));
        let n = self.rng.range(600, 720);
        issue(
            self,
            d,
            "BC",
            format!("{n}/BC-BCH"),
            command,
            format!(
                "Báo cáo kết quả thực hiện quy chế phối hợp năm {year}, phương hướng nhiệm vụ năm {}",
                year + 1
            ),
            &districts,
            60,
        );

        // Each post's quarterly report to the command.
        for q in 1..=4i8 {
            let quarter = Period::quarter(year, q, Cutoff::Decree09);
            for post in 0..geo.posts.len() {
                let d = add_days(quarter.to, -self.rng.range(0, 3));
                let n = self.rng.range(10, 40) + 40 * i64::from(q - 1);
                let p = &geo.posts[post];
                let doc = Document {
                    date: d,
                    document_type: code("BC"),
                    number: text(&format!("{n}/BC-ĐBP")),
                    issuer: text(&p.name),
                    unit: p.code.clone(),
                    unit_body: None,
                    title: text(&format!(
                        "Báo cáo kết quả phối hợp quản lý, bảo vệ biên giới quý {}/{year}",
                        ROMAN[(q - 1) as usize]
                    )),
                    recipients: vec![Recipient {
                        unit: code(if after(d) { BCH_TQ } else { BCH_HG }),
                        acknowledged_on: Some(add_days(d, self.rng.range(1, 3))),
                    }],
                    signers: vec![],
                    actions: vec![],
                    acknowledge_by: None,
                    exchange: None,
                };
                self.push(d, Content::Document(doc), None);
            }
        }
    }

    // ------------------------------------------------------------ propaganda

    fn propaganda(&mut self, year: i16) {
        let geo = self.geo;
        const TOPICS: [(&str, u64); 7] = [
            (
                "Tuyên truyền Nghị quyết số 33-NQ/TW của Bộ Chính trị về Chiến lược bảo vệ biên giới quốc gia",
                20,
            ),
            ("Tuyên truyền Luật Biên phòng Việt Nam", 20),
            (
                "Tuyên truyền Chỉ thị số 01/CT-TTg về phong trào toàn dân tham gia bảo vệ chủ quyền lãnh thổ, an ninh biên giới quốc gia trong tình hình mới",
                15,
            ),
            ("Tuyên truyền phòng, chống ma túy, mua bán người", 18),
            (
                "Tuyên truyền quy chế khu vực biên giới đất liền; không qua lại biên giới trái phép",
                12,
            ),
            (
                "Tuyên truyền xóa bỏ hủ tục, phong tục lạc hậu; cải tạo vườn tạp",
                8,
            ),
            ("Tuyên truyền phòng, chống thiên tai, tìm kiếm cứu nạn", 7),
        ];
        let period = Period::year(year, Cutoff::Decree09);
        let weights: Vec<u64> = TOPICS.iter().map(|(_, w)| *w).collect();
        for post in 0..geo.posts.len() {
            let p_code = self.post_code(post);
            let communes = geo.posts[post].communes.clone();
            let new_communes = geo.posts[post].new_communes.clone();
            // All-People Border Defence Day, 3 March.
            let day = date(year, 2, 20);
            let date = add_days(day, self.rng.range(0, 11));
            let sessions = self.rng.range(1, 3);
            let item = Propaganda {
                date,
                unit: p_code.clone(),
                partner_units: if after(date) {
                    new_communes
                        .iter()
                        .map(|&n| geo.new_communes[n].code.clone())
                        .collect()
                } else {
                    communes.iter().map(|&c| self.commune_code(c)).collect()
                },
                topic: text(&format!(
                    "Tuyên truyền kỷ niệm Ngày Biên phòng toàn dân (03/3/{year}) gắn với Chỉ thị số 01/CT-TTg"
                )),
                sessions: sessions as u32,
                listeners: (sessions * self.rng.range(120, 320)) as u32,
            };
            self.push(date, Content::Propaganda(item), None);
            for _ in 0..self.rng.range(12, 18) {
                let date = self.rng.day_in(period);
                let sessions = self.rng.range(1, 4);
                let commune = if after(date) {
                    geo.new_communes[*self.rng.pick(&new_communes)].code.clone()
                } else {
                    let commune = *self.rng.pick(&communes);
                    self.commune_code(commune)
                };
                let topic = TOPICS[self.rng.weighted(&weights)].0;
                let item = Propaganda {
                    date,
                    unit: p_code.clone(),
                    partner_units: vec![commune],
                    topic: text(topic),
                    sessions: sessions as u32,
                    listeners: (sessions * self.rng.range(60, 320)) as u32,
                };
                self.push(date, Content::Propaganda(item), None);
            }
        }
    }

    // -------------------------------------------------------------- disasters

    fn disasters(&mut self, plan: &YearPlan) {
        let geo = self.geo;
        let year = plan.year;
        for post in 0..geo.posts.len() {
            let date = date(
                year,
                self.rng.range(3, 4) as i8,
                self.rng.range(1, 28) as i8,
            );
            let p = &geo.posts[post];
            let partner_units = if after(date) {
                p.new_communes
                    .iter()
                    .map(|&n| geo.new_communes[n].code.clone())
                    .collect()
            } else {
                p.communes.iter().map(|&c| self.commune_code(c)).collect()
            };
            let item = Disaster {
                date,
                unit: p.code.clone(),
                partner_units,
                kind: DisasterKind::Plan,
                title: text(&format!(
                    "Phương án phòng, chống thiên tai và tìm kiếm cứu nạn năm {year} của {}",
                    p.name
                )),
                persons_mobilised: 0,
                people_rescued: 0,
                notes: text(""),
            };
            self.push(date, Content::Disaster(item), None);
        }
        for i in 0..plan.responses {
            let post = self.rng.below(geo.posts.len() as u64) as usize;
            let commune = *self.rng.pick(&geo.posts[post].communes);
            let place = geo.communes[commune].in_text.clone();
            let (date, title, rescued) = if year == 2024 && i == 0 {
                (
                    date(2024, 9, self.rng.range(8, 12) as i8),
                    format!(
                        "Giúp nhân dân khắc phục hậu quả hoàn lưu bão số 3 (bão Yagi) tại {place}"
                    ),
                    self.rng.range(2, 8),
                )
            } else if i % 2 == 0 {
                (
                    date(
                        year,
                        self.rng.range(6, 9) as i8,
                        self.rng.range(1, 28) as i8,
                    ),
                    format!("Ứng cứu sạt lở đất do mưa lớn tại {place}"),
                    self.rng.range(1, 5),
                )
            } else {
                (
                    date(
                        year,
                        self.rng.range(6, 9) as i8,
                        self.rng.range(1, 28) as i8,
                    ),
                    format!("Tìm kiếm, cứu nạn người bị lũ cuốn tại {place}"),
                    self.rng.range(1, 3),
                )
            };
            // From 1 July 2025 the place is in the commune that took over.
            let (partner, title) = if after(date) {
                let n = &geo.new_communes[geo.communes[commune].successor];
                (n.code.clone(), title.replace(&place, &n.in_text))
            } else {
                (self.commune_code(commune), title)
            };
            let item = Disaster {
                date,
                unit: self.post_code(post),
                partner_units: vec![partner],
                kind: DisasterKind::Response,
                title: text(&title),
                persons_mobilised: self.rng.range(25, 120) as u32,
                people_rescued: rescued as u32,
                notes: text(
                    "Lực lượng gồm bộ đội biên phòng, dân quân, công an xã và nhân dân địa phương.",
                ),
            };
            self.push(date, Content::Disaster(item), None);
        }
    }

    // ------------------------------------------------------------ programmes

    fn child(&mut self, programme_start: Date, born: (i64, i64)) -> Beneficiary {
        let female = self.rng.chance(50);
        let (name, people) = self.person(female);
        let female_guardian = self.rng.chance(30);
        let (guardian, _) = self.person(female_guardian);
        let relation = if guardian.contains(" Thị ") {
            "mẹ"
        } else {
            "bố"
        };
        let birth_year = self.rng.range(born.0, born.1) as u16;
        let consent_on = add_days(programme_start, -self.rng.range(3, 20));
        // A child of 7 or older on the day consents too, the same day
        // (bienphong_domain::personal::check_consent): no draw, so the figures stay.
        let child_consents = bienphong_domain::personal::age_in_year(birth_year, consent_on)
            >= bienphong_domain::personal::CHILD_CONSENTS_FROM_AGE;
        Beneficiary {
            programme_record: RecordId::from_parts(0, [0; 10]),
            name: text(&name),
            birth_year: Some(birth_year),
            ethnicity: Some(text(people)),
            guardian: Some(text(&format!("{guardian} ({relation})"))),
            consent_on: Some(consent_on),
            child_consent_on: child_consents.then_some(consent_on),
        }
    }

    /// Children supported by the posts: "Nâng bước em tới trường" at
    /// 500.000 đồng a month until grade 12, and "Con nuôi đồn Biên phòng" at
    /// an amount each post sets. Paid monthly up to October 2025.
    pub(crate) fn children(&mut self) {
        let geo = self.geo;
        let last = date(2025, 10, 31);
        for post in 0..geo.posts.len() {
            let communes = geo.posts[post].communes.clone();
            let foster_amount = *self
                .rng
                .pick(&[500_000, 700_000, 1_000_000, 1_500_000, 2_000_000]);
            let plans: [(&str, i64, i8); 3] = [
                ("NBETT", 500_000, 5),
                ("NBETT", 500_000, 5),
                ("CNDBP", foster_amount, 10),
            ];
            for (programme, monthly, pay_day) in plans {
                let start_year = self.rng.range(2022, 2024) as i16;
                let start = if programme == "NBETT" {
                    date(start_year, 9, self.rng.range(5, 15) as i8)
                } else {
                    date(
                        start_year,
                        self.rng.range(1, 11) as i8,
                        self.rng.range(1, 28) as i8,
                    )
                };
                let end = (programme == "NBETT" && self.rng.chance(20)).then(|| date(2025, 5, 31));
                let stop = end.unwrap_or(last);
                let mut disbursements = Vec::new();
                let mut month = date(start.year(), start.month(), pay_day);
                if month < start {
                    month = add_months(month, 1);
                }
                while month <= stop {
                    disbursements.push(Disbursement {
                        date: month,
                        amount: money(monthly),
                    });
                    month = add_months(month, 1);
                }
                let born = if programme == "NBETT" {
                    (i64::from(start_year) - 14, i64::from(start_year) - 7)
                } else {
                    (i64::from(start_year) - 12, i64::from(start_year) - 6)
                };
                let beneficiary = self.child(start, born);
                let partner = *self.rng.pick(&communes);
                let record = Programme {
                    programme: code(programme),
                    sponsor_unit: self.post_code(post),
                    partner_units: vec![self.commune_code(partner)],
                    beneficiary_kind: BeneficiaryKind::Child,
                    start,
                    end,
                    monthly_amount: money(monthly),
                    disbursements,
                };
                self.push(
                    start,
                    Content::Programme(record),
                    Some(Pending::Beneficiary(beneficiary)),
                );
            }
        }
    }

    /// One-off support of poor households and border women.
    fn households(&mut self, year: i16) {
        let geo = self.geo;
        let period = Period::year(year, Cutoff::Decree09);
        let plans: [(&str, i64, i64); 3] = [("CNCT", 40, 60), ("NTM", 5, 10), ("PNBC", 3, 5)];
        for (programme, lo, hi) in plans {
            for _ in 0..2 {
                let post = self.rng.below(geo.posts.len() as u64) as usize;
                let commune = *self.rng.pick(&geo.posts[post].communes);
                let start = self.rng.day_in(period);
                let amount = money(self.rng.range(lo, hi) * 1_000_000);
                let female = programme == "PNBC" || self.rng.chance(30);
                let (name, people) = self.person(female);
                let head = if female { "Hộ bà" } else { "Hộ ông" };
                let beneficiary = Beneficiary {
                    programme_record: RecordId::from_parts(0, [0; 10]),
                    name: text(&format!("{head} {name}")),
                    birth_year: None,
                    ethnicity: Some(text(people)),
                    guardian: None,
                    consent_on: Some(add_days(start, -self.rng.range(1, 10))),
                    child_consent_on: None,
                };
                let partner = if after(start) {
                    geo.new_communes[geo.communes[commune].successor]
                        .code
                        .clone()
                } else {
                    self.commune_code(commune)
                };
                let record = Programme {
                    programme: code(programme),
                    sponsor_unit: self.post_code(post),
                    partner_units: vec![partner],
                    beneficiary_kind: BeneficiaryKind::Household,
                    start,
                    end: Some(start),
                    monthly_amount: money(0),
                    disbursements: vec![Disbursement {
                        date: start,
                        amount,
                    }],
                };
                self.push(
                    start,
                    Content::Programme(record),
                    Some(Pending::Beneficiary(beneficiary)),
                );
            }
        }
    }

    // ------------------------------------------------------------ after 2025

    /// The handover to the new communes of Tuyên Quang in July to October
    /// 2025, beside the year's ordinary work ([`Self::later_year`]).
    pub(crate) fn after_2025(&mut self) {
        let geo = self.geo;
        let bch = code(BCH_TQ);
        // Each post meets the new communes it covers.
        for post in 0..geo.posts.len() {
            let date = date(2025, 7, self.rng.range(7, 25) as i8);
            let p = &geo.posts[post];
            let participants: Vec<Code> = p
                .new_communes
                .iter()
                .map(|&n| geo.new_communes[n].code.clone())
                .collect();
            let names: Vec<String> = p
                .new_communes
                .iter()
                .map(|&n| geo.new_communes[n].in_text.clone())
                .collect();
            let host = p.code.clone();
            let content = format!(
                "{} làm việc với Đảng ủy, UBND {} sau sắp xếp đơn vị hành chính: bàn giao địa bàn, thống nhất quy chế phối hợp và chế độ trao đổi thông tin giữa đồn với xã.",
                p.name,
                join_vi(&names)
            );
            let mut owners = participants.clone();
            owners.push(host.clone());
            let actions = self.actions(
                date,
                &owners,
                &[
                    "Ký kết quy chế phối hợp giữa đồn Biên phòng với Đảng ủy, UBND xã.",
                    "Rà soát, kiện toàn các tổ tự quản đường biên, mốc giới theo địa bàn xã mới.",
                    "Cập nhật danh sách thôn, bản biên giới và người có uy tín sau sắp xếp.",
                ],
                2,
            );
            let meeting = Meeting {
                date,
                meeting_type: code("HOP"),
                host_unit: host,
                host_body: None,
                participant_units: participants,
                period_from: None,
                period_to: None,
                attendance: self.rng.range(10, 22) as u32,
                content: text(&content),
                lessons: text(""),
                actions,
            };
            self.push(date, Content::Meeting(meeting), None);
        }

        let d = date(2025, 7, 15);
        let posts: Vec<Code> = geo.posts.iter().map(|p| p.code.clone()).collect();
        let recipients = self.recipients(d, &posts, 75);
        let doc = Document {
            date: d,
            document_type: code("KH"),
            number: text(&format!("{}/KH-BCH", self.rng.range(20, 60))),
            issuer: text("Ban Chỉ huy Bộ đội Biên phòng tỉnh Tuyên Quang"),
            unit: bch,
            unit_body: None,
            title: text(
                "Kế hoạch phối hợp giữa các đồn Biên phòng với Đảng ủy, UBND các xã biên giới sau sắp xếp đơn vị hành chính",
            ),
            recipients,
            signers: vec![],
            actions: vec![],
            acknowledge_by: None,
            exchange: None,
        };
        self.push(d, Content::Document(doc), None);

        // Cases against the new communes.
        let find = |geo: &Geo, post: &str| {
            geo.posts
                .iter()
                .position(|p| p.code.as_str() == post)
                .unwrap_or(0)
        };
        /// (post, day, case type, subjects, seizures).
        type LateCase = (
            &'static str,
            (i16, i8, i8),
            &'static str,
            i64,
            &'static [(&'static str, &'static str)],
        );
        let cases: [LateCase; 3] = [
            (
                "BP-LUNGCU",
                (2025, 8, 21),
                "MATUY",
                2,
                &[("HEROIN", "1"), ("DIENTHOAI", "2")],
            ),
            ("BP-THANHTHUY", (2025, 9, 9), "XNC", 3, &[]),
            (
                "BP-XINCAI",
                (2025, 10, 3),
                "BUONLAU",
                1,
                &[("PHAONO", "12.5")],
            ),
        ];
        for (post, (y, m, d), case_type, subjects, items) in cases {
            let post = find(geo, post);
            let n = *self.rng.pick(&geo.posts[post].new_communes);
            let seizures = items
                .iter()
                .map(|(item, q)| Seizure {
                    item: code(item),
                    quantity: quantity(q),
                })
                .collect();
            self.case(
                date(y, m, d),
                case_type,
                subjects,
                seizures,
                Some((post, n)),
            );
        }

        for post in 0..geo.posts.len() {
            let date = date(2025, 8, self.rng.range(1, 28) as i8);
            let p = &geo.posts[post];
            let sessions = self.rng.range(1, 3);
            let item = Propaganda {
                date,
                unit: p.code.clone(),
                partner_units: p
                    .new_communes
                    .iter()
                    .map(|&n| geo.new_communes[n].code.clone())
                    .collect(),
                topic: text(
                    "Tuyên truyền về sắp xếp đơn vị hành chính, chính quyền địa phương hai cấp và Luật Biên phòng Việt Nam",
                ),
                sessions: sessions as u32,
                listeners: (sessions * self.rng.range(80, 260)) as u32,
            };
            self.push(date, Content::Propaganda(item), None);
        }

        let post = find(geo, "BP-SONVI");
        let n = geo.posts[post].new_communes[0];
        let d = date(2025, 8, 27);
        let item = Disaster {
            date: d,
            unit: self.post_code(post),
            partner_units: vec![geo.new_communes[n].code.clone()],
            kind: DisasterKind::Response,
            title: text(&format!(
                "Ứng cứu sạt lở đất do mưa lớn tại {}",
                geo.new_communes[n].in_text
            )),
            persons_mobilised: self.rng.range(30, 80) as u32,
            people_rescued: self.rng.range(1, 4) as u32,
            notes: text(
                "Lực lượng gồm bộ đội biên phòng, dân quân, công an xã và nhân dân địa phương.",
            ),
        };
        self.push(d, Content::Disaster(item), None);
    }
}

/// Whether `d` falls under Tuyên Quang's organisation (from 1 July 2025).
fn after(d: Date) -> bool {
    d >= first_day()
}

/// Actions due after this day are still open in the demo.
fn date_2025_open() -> Date {
    date(2024, 12, 31)
}

fn add_months(d: Date, n: i32) -> Date {
    use jiff::ToSpan;
    d.checked_add(n.months()).unwrap_or(d)
}
