//! Hard limits beyond which no value is plausible, the thresholds beyond
//! which a value is possible but unlikely (the writer is asked to confirm
//! it), and the day after which nothing can have happened yet. The same
//! for every edge (forms, CLI, sheets, API); the API's OpenAPI document
//! states them, `docs/plausibility.md` lists the thresholds.

use crate::catalogue::{Catalogue, CatalogueKind};
use crate::error::{Problem, ValidationError};
use crate::fields::{Item, Kind, form_of};
use crate::record::{Content, DisasterKind};
use crate::{Date, format};
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Persons of one force on one patrol: no post has more.
pub const MAX_PERSONS_PER_FORCE: u32 = 10_000;
/// Any other count (listeners, attendance, sessions, subjects…).
pub const MAX_COUNT: u32 = 1_000_000;
/// Characters of a one-line text (a name, a title, a place).
pub const MAX_TEXT_CHARS: usize = 1_000;
/// Characters of a long text (notes, content, outcome).
pub const MAX_LONG_TEXT_CHARS: usize = 20_000;
/// Days after today a record of what happened may carry, for the time
/// zones of the people who write it.
pub const FUTURE_TOLERANCE_DAYS: i32 = 1;

/// Persons of one force on one patrol above which the writer is asked to
/// confirm: a post's whole strength rarely goes out on one patrol.
pub const USUAL_PERSONS_PER_FORCE: u32 = 200;

/// The usual largest seizure of one item, by the unit of measure its
/// catalogue entry gives (`measure_vi`): above it the writer is asked to
/// confirm (a typo such as a missing decimal comma is the likelier
/// story). The catalogue says how an item is measured; this table says
/// how much of that measure is unusual, so a new item needs no threshold
/// of its own. Kept here rather than on each catalogue entry: the entry's
/// format is shared with other nodes, and a threshold is a rule, not data.
pub const USUAL_SEIZURE: &[(&str, i64)] = &[
    // 100 kg of a substance weighed in grams.
    ("g", 100_000),
    ("kg", 100),
    // Heroin cakes are about 350 g: 500 cakes is about 175 kg.
    ("bánh", 500),
    ("viên", 100_000),
    ("chiếc", 1_000),
    ("cái", 1_000),
    ("đồng", USUAL_MONEY_DONG),
];
/// A seizure is asked about when it is more than this many times the
/// largest seizure of the same item (hence the same unit of measure) the
/// unit has recorded before…
pub const HISTORY_FACTOR: i64 = 10;
/// …provided the unit has recorded at least this many seizures of that
/// item: below it, the unit's history says too little.
pub const HISTORY_MIN_RECORDS: usize = 5;

/// The usual largest seizure of an item measured otherwise (or not at all).
pub const USUAL_SEIZURE_OTHER: i64 = 1_000;
/// Money (a seizure of cash, a programme's amounts) above which the writer
/// is asked to confirm: ten billion đồng.
pub const USUAL_MONEY_DONG: i64 = 10_000_000_000;

/// What is unusual about a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DoubtCode {
    /// More than [`USUAL_PERSONS_PER_FORCE`] persons of one force on a patrol.
    ManyPersons,
    /// A seizure above [`USUAL_SEIZURE`] for its unit of measure.
    LargeSeizure,
    /// An amount of money above [`USUAL_MONEY_DONG`].
    LargeAmount,
    /// A seizure more than [`HISTORY_FACTOR`] times the largest one of the
    /// same item the unit has recorded before ([`SeizureHistory`]).
    AboveUnitHistory,
}

impl DoubtCode {
    /// The machine code the API answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ManyPersons => "many_persons",
            Self::LargeSeizure => "large_seizure",
            Self::LargeAmount => "large_amount",
            Self::AboveUnitHistory => "above_unit_history",
        }
    }
}

/// A value that is possible but unlikely, named by its field's path. The
/// value and the threshold are written as Vietnamese reports write them,
/// with the unit of measure where there is one ("150.000 g").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doubt {
    pub field: String,
    pub code: DoubtCode,
    pub value: String,
    pub threshold: String,
}

impl std::fmt::Display for Doubt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} is above the usual {} ({})",
            self.field,
            self.value,
            self.threshold,
            self.code.as_str()
        )
    }
}

/// The usual largest seizure of an item measured in `measure`.
pub fn usual_seizure(measure: Option<&str>) -> i64 {
    measure
        .and_then(|m| USUAL_SEIZURE.iter().find(|(name, _)| *name == m))
        .map_or(USUAL_SEIZURE_OTHER, |(_, max)| *max)
}

/// What a unit has recorded before: for each seized item, how many
/// seizures of it and the largest. Built by the service from the unit's
/// other live cases (a store query); the rule is here.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeizureHistory {
    by_item: BTreeMap<String, (usize, Decimal)>,
}

impl SeizureHistory {
    /// The history of these earlier seizures (item code, quantity).
    pub fn of<'a>(seizures: impl IntoIterator<Item = (&'a str, Decimal)>) -> Self {
        let mut by_item: BTreeMap<String, (usize, Decimal)> = BTreeMap::new();
        for (item, quantity) in seizures {
            let e = by_item.entry(item.to_string()).or_default();
            e.0 += 1;
            e.1 = e.1.max(quantity);
        }
        Self { by_item }
    }

    /// The quantity of `item` above which a seizure is far above the
    /// unit's history, when that history is long enough to tell.
    pub fn far_above(&self, item: &str) -> Option<Decimal> {
        let (count, largest) = self.by_item.get(item)?;
        if *count < HISTORY_MIN_RECORDS || largest.is_zero() {
            return None;
        }
        largest.checked_mul(Decimal::from(HISTORY_FACTOR))
    }
}

/// The values of `content` that are possible but unlikely, each to be
/// confirmed by the writer. A value at a threshold is usual. Seized items
/// are measured as `catalogue` says.
pub fn check_plausible(content: &Content, catalogue: &Catalogue) -> Vec<Doubt> {
    check_plausible_with(content, catalogue, &SeizureHistory::default(), None)
}

/// [`check_plausible`], also asking about a seizure far above the unit's
/// own `history`, and not asking again about a value the revision the
/// write follows (`previous`) already held in the same place (the same
/// force's persons, the same item's quantity, the same amount): that value
/// was written, hence confirmed, then, and editing another field of the
/// record does not ask about it again.
pub fn check_plausible_with(
    content: &Content,
    catalogue: &Catalogue,
    history: &SeizureHistory,
    previous: Option<&Content>,
) -> Vec<Doubt> {
    let held: BTreeSet<String> = previous.map(places).unwrap_or_default();
    doubts_in_place(content, catalogue, history)
        .into_iter()
        .filter(|(place, _)| !held.contains(place))
        .map(|(_, doubt)| doubt)
        .collect()
}

/// Where a value sits, independent of its row's position: two revisions
/// holding the same value in the same place give the same text.
fn persons_place(force: &str, persons: u32) -> String {
    format!("persons:{force}:{persons}")
}

fn seizure_place(item: &str, quantity: Decimal) -> String {
    format!("seizure:{item}:{}", quantity.normalize())
}

fn amount_place(field: &str, dong: i64) -> String {
    format!("amount:{field}:{dong}")
}

/// The places of every value of `content` that could be asked about.
fn places(content: &Content) -> BTreeSet<String> {
    match content {
        Content::Patrol(p) => p
            .participants
            .iter()
            .map(|f| persons_place(f.force.as_str(), f.persons))
            .collect(),
        Content::Case(c) => c
            .seizures
            .iter()
            .map(|s| seizure_place(s.item.as_str(), s.quantity.value()))
            .collect(),
        Content::Programme(p) => {
            std::iter::once(amount_place("monthly_amount", p.monthly_amount.dong()))
                .chain(
                    p.disbursements
                        .iter()
                        .map(|d| amount_place("disbursement", d.amount.dong())),
                )
                .collect()
        }
        _ => BTreeSet::new(),
    }
}

fn doubts_in_place(
    content: &Content,
    catalogue: &Catalogue,
    history: &SeizureHistory,
) -> Vec<(String, Doubt)> {
    let with_measure = |n: String, measure: Option<&str>| match measure {
        Some(m) => format!("{n} {m}"),
        None => n,
    };
    let mut doubts = Vec::new();
    match content {
        Content::Patrol(p) => {
            for (i, f) in p.participants.iter().enumerate() {
                if f.persons > USUAL_PERSONS_PER_FORCE {
                    doubts.push((
                        persons_place(f.force.as_str(), f.persons),
                        Doubt {
                            field: format!("participants[{i}].persons"),
                            code: DoubtCode::ManyPersons,
                            value: format::integer(i64::from(f.persons)),
                            threshold: format::integer(i64::from(USUAL_PERSONS_PER_FORCE)),
                        },
                    ));
                }
            }
        }
        Content::Case(c) => {
            for (i, s) in c.seizures.iter().enumerate() {
                let measure = catalogue
                    .get(CatalogueKind::SeizedItem, &s.item)
                    .and_then(|e| e.measure_vi.as_ref())
                    .map(|m| m.as_str());
                let usual = usual_seizure(measure);
                let quantity = s.quantity.value();
                let place = seizure_place(s.item.as_str(), quantity);
                let value = with_measure(format::decimal(quantity, false), measure);
                // One question per value: the fixed threshold first, the
                // unit's history when the value is within it.
                if quantity > Decimal::from(usual) {
                    doubts.push((
                        place,
                        Doubt {
                            field: format!("seizures[{i}].quantity"),
                            code: DoubtCode::LargeSeizure,
                            value,
                            threshold: with_measure(format::integer(usual), measure),
                        },
                    ));
                } else if let Some(far) = history.far_above(s.item.as_str())
                    && quantity > far
                {
                    doubts.push((
                        place,
                        Doubt {
                            field: format!("seizures[{i}].quantity"),
                            code: DoubtCode::AboveUnitHistory,
                            value,
                            threshold: with_measure(
                                format::decimal(far.normalize(), false),
                                measure,
                            ),
                        },
                    ));
                }
            }
        }
        Content::Programme(p) => {
            let amounts = std::iter::once((
                "monthly_amount".to_string(),
                "monthly_amount",
                p.monthly_amount,
            ))
            .chain(p.disbursements.iter().enumerate().map(|(i, d)| {
                (
                    format!("disbursements[{i}].amount"),
                    "disbursement",
                    d.amount,
                )
            }));
            for (field, place, amount) in amounts {
                if amount.dong() > USUAL_MONEY_DONG {
                    doubts.push((
                        amount_place(place, amount.dong()),
                        Doubt {
                            field,
                            code: DoubtCode::LargeAmount,
                            value: with_measure(format::integer(amount.dong()), Some("đồng")),
                            threshold: with_measure(
                                format::integer(USUAL_MONEY_DONG),
                                Some("đồng"),
                            ),
                        },
                    ));
                }
            }
        }
        _ => {}
    }
    doubts
}

/// The largest count a field may hold.
pub fn max_count(field: &str) -> u32 {
    match field {
        "persons" => MAX_PERSONS_PER_FORCE,
        _ => MAX_COUNT,
    }
}

/// The most characters a field of `kind` may hold, for text kinds.
pub fn max_chars(kind: Kind) -> Option<usize> {
    match kind {
        Kind::LongText => Some(MAX_LONG_TEXT_CHARS),
        Kind::Text | Kind::Codes | Kind::Unit | Kind::Units | Kind::Catalogue(_) => {
            Some(MAX_TEXT_CHARS)
        }
        _ => None,
    }
}

/// The hard limits of the fields of `content`, each named by its path.
pub fn check_limits(content: &Content) -> Result<(), ValidationError> {
    let json = content.to_value();
    for item in form_of(content.record_type()) {
        match item {
            Item::Field(f) => within(f.kind, f.name, || f.name.to_string(), json.get(f.name))?,
            Item::Rows { name, fields, .. } => {
                let rows = json.get(name).and_then(Value::as_array);
                for (i, row) in rows.into_iter().flatten().enumerate() {
                    for f in fields {
                        // The path is written only for a refusal: every
                        // row of an import is checked here, twice.
                        let path = || format!("{name}[{i}].{}", f.name);
                        within(f.kind, f.name, path, row.get(f.name))?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn within(
    kind: Kind,
    name: &str,
    path: impl Fn() -> String,
    v: Option<&Value>,
) -> Result<(), ValidationError> {
    let too_long = |s: &str, max: usize| {
        (s.chars().count() > max).then(|| {
            ValidationError::new(
                path(),
                Problem::TooLong {
                    chars: s.chars().count(),
                    max,
                },
            )
        })
    };
    match (kind, v) {
        (Kind::Count, Some(Value::Number(n))) => {
            let max = max_count(name);
            if n.as_u64().is_none_or(|n| n > u64::from(max)) {
                return Err(ValidationError::new(
                    path(),
                    Problem::AboveLimit {
                        value: n.as_i64().map_or_else(|| n.to_string(), format::integer),
                        max: format::integer(i64::from(max)),
                    },
                ));
            }
        }
        (_, Some(Value::String(s))) => {
            if let Some(e) = max_chars(kind).and_then(|max| too_long(s, max)) {
                return Err(e);
            }
        }
        (_, Some(Value::Array(items))) => {
            for (i, s) in items.iter().filter_map(Value::as_str).enumerate() {
                if let Some(e) = max_chars(kind).and_then(|max| too_long(s, max)) {
                    return Err(ValidationError::new(format!("{}[{i}]", path()), e.problem));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether `content` records something that happened (a patrol, a case, a
/// meeting held, a document issued, a propaganda session, a disaster
/// response) rather than a plan. A meeting counts as held once it records
/// who attended or what was said; without either it is a scheduled one.
pub fn records_what_happened(content: &Content) -> bool {
    match content {
        Content::Patrol(_) | Content::Case(_) | Content::Document(_) | Content::Propaganda(_) => {
            true
        }
        Content::Meeting(m) => m.attendance > 0 || !m.content.is_empty() || !m.lessons.is_empty(),
        Content::Disaster(d) => d.kind == DisasterKind::Response,
        _ => false,
    }
}

/// Refuses a record of what happened dated after `today` (with one day of
/// tolerance). `today` comes from the edge that read the clock.
pub fn check_not_future(content: &Content, today: Date) -> Result<(), ValidationError> {
    let Some(date) = content.date() else {
        return Ok(());
    };
    let latest = today
        .checked_add(jiff::Span::new().days(FUTURE_TOLERANCE_DAYS))
        .unwrap_or(today);
    if records_what_happened(content) && date > latest {
        return Err(ValidationError::new(
            "date",
            Problem::InFuture {
                date: format::date(date),
                today: format::date(today),
            },
        ));
    }
    Ok(())
}

/// The day at the border (Asia/Ho_Chi_Minh) of an instant in Unix
/// milliseconds, as the writer's clock gave it.
pub fn day_of(ms: i64) -> Date {
    let t = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.in_tz(crate::TIME_ZONE)
        .unwrap_or_else(|_| t.to_zoned_datetime(jiff::tz::TimeZone::UTC))
        .date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RecordType;
    use jiff::civil::date;

    fn patrol(day: &str, persons: u64, notes: &str) -> Content {
        Content::from_json(
            RecordType::Patrol,
            &serde_json::json!({"date": day, "lead_unit": "BP", "kind": "joint",
                "participants": [{"force": "BDBP", "persons": persons}], "notes": notes})
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn future_records_of_what_happened_are_refused() {
        let today = date(2026, 6, 19);
        assert!(check_not_future(&patrol("2026-06-20", 5, ""), today).is_ok());
        let e = check_not_future(&patrol("2026-06-21", 5, ""), today).unwrap_err();
        assert_eq!(e.field, "date");
        assert!(matches!(e.problem, Problem::InFuture { .. }));
        let plan = Content::from_json(
            RecordType::Disaster,
            r#"{"date":"2030-06-20","unit":"BP","kind":"plan","title":"Phương án"}"#,
        )
        .unwrap();
        assert!(check_not_future(&plan, today).is_ok());
        let scheduled = Content::from_json(
            RecordType::Meeting,
            r#"{"date":"2030-06-20","meeting_type":"GB","host_unit":"BP"}"#,
        )
        .unwrap();
        assert!(check_not_future(&scheduled, today).is_ok());
        let held = Content::from_json(
            RecordType::Meeting,
            r#"{"date":"2030-06-20","meeting_type":"GB","host_unit":"BP","attendance":30}"#,
        )
        .unwrap();
        assert!(check_not_future(&held, today).is_err());
    }

    #[test]
    fn hard_limits() {
        assert!(check_limits(&patrol("2024-01-01", 10_000, "")).is_ok());
        let e = check_limits(&patrol("2024-01-01", 4_294_967_295, "")).unwrap_err();
        assert_eq!(e.field, "participants[0].persons");
        assert!(matches!(e.problem, Problem::AboveLimit { .. }));
        let long = "x".repeat(MAX_LONG_TEXT_CHARS + 1);
        let e = check_limits(&patrol("2024-01-01", 5, &long)).unwrap_err();
        assert_eq!(e.field, "notes");
        assert!(check_limits(&patrol("2024-01-01", 5, &long[1..])).is_ok());
    }

    fn seized(code: &str, measure: &str) -> Catalogue {
        let json = serde_json::json!({"catalogue": "seized_item", "code": code, "vi": code,
            "en": code, "measure_vi": measure});
        let Content::Catalogue(e) =
            Content::from_json(RecordType::Catalogue, &json.to_string()).unwrap()
        else {
            panic!("not a catalogue entry")
        };
        let mut c = Catalogue::default();
        c.entries.insert((e.catalogue, e.code.clone()), e);
        c
    }

    #[test]
    fn unusual_values_are_doubted_each_by_its_field() {
        let none = Catalogue::default();
        assert!(check_plausible(&patrol("2024-01-01", 200, ""), &none).is_empty());
        let two_forces = Content::from_json(
            RecordType::Patrol,
            &serde_json::json!({"date": "2024-01-01", "lead_unit": "BP", "kind": "joint",
                "participants": [{"force": "DQ", "persons": 12},
                                 {"force": "BDBP", "persons": 1178}]})
            .to_string(),
        )
        .unwrap();
        let doubts = check_plausible(&two_forces, &none);
        assert_eq!(
            doubts,
            [Doubt {
                field: "participants[1].persons".into(),
                code: DoubtCode::ManyPersons,
                value: "1.178".into(),
                threshold: "200".into(),
            }]
        );
        assert_eq!(doubts[0].code.as_str(), "many_persons");
    }

    #[test]
    fn a_seizure_is_doubted_by_its_unit_of_measure() {
        let case = |q: &str| {
            Content::from_json(
                RecordType::Case,
                &format!(
                    r#"{{"date":"2024-01-01","handling_unit":"BP","case_type":"MATUY","subjects":1,
                    "seizures":[{{"item":"OPIUM","quantity":"{q}"}}]}}"#
                ),
            )
            .unwrap()
        };
        let grams = seized("OPIUM", "g");
        assert!(check_plausible(&case("100000"), &grams).is_empty());
        let doubts = check_plausible(&case("150000.5"), &grams);
        assert_eq!(doubts.len(), 1);
        assert_eq!(doubts[0].field, "seizures[0].quantity");
        assert_eq!(doubts[0].code, DoubtCode::LargeSeizure);
        assert_eq!(doubts[0].value, "150.000,5 g");
        assert_eq!(doubts[0].threshold, "100.000 g");
        // The same amount in kilograms is far above usual too; an item of
        // an unknown measure is held to the general threshold.
        assert_eq!(
            check_plausible(&case("150"), &seized("OPIUM", "kg")).len(),
            1
        );
        assert!(check_plausible(&case("1000"), &Catalogue::default()).is_empty());
        assert_eq!(
            check_plausible(&case("1001"), &Catalogue::default()).len(),
            1
        );
        let cash = seized("OPIUM", "đồng");
        assert!(check_plausible(&case("10000000000"), &cash).is_empty());
        let doubts = check_plausible(&case("12500000000"), &cash);
        assert_eq!(doubts[0].value, "12.500.000.000 đồng");
        assert_eq!(doubts[0].threshold, "10.000.000.000 đồng");
    }

    fn heroin(quantities: &[&str]) -> Content {
        let seizures: Vec<_> = quantities
            .iter()
            .map(|q| serde_json::json!({"item": "HEROIN", "quantity": q}))
            .collect();
        Content::from_json(
            RecordType::Case,
            &serde_json::json!({"date": "2024-01-01", "handling_unit": "BP", "case_type": "MATUY",
                "subjects": 1, "seizures": seizures})
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn a_seizure_far_above_the_units_history_is_doubted() {
        let grams = seized("HEROIN", "g");
        let d = |v: &str| v.parse::<Decimal>().unwrap();
        // Five earlier seizures, the largest 350 g: above 3.500 g is asked.
        let five = SeizureHistory::of(
            ["120", "350", "80", "200", "5"]
                .iter()
                .map(|q| ("HEROIN", d(q))),
        );
        assert_eq!(five.far_above("HEROIN"), Some(d("3500")));
        assert!(check_plausible_with(&heroin(&["3500"]), &grams, &five, None).is_empty());
        let doubts = check_plausible_with(&heroin(&["10", "3500.5"]), &grams, &five, None);
        assert_eq!(
            doubts,
            [Doubt {
                field: "seizures[1].quantity".into(),
                code: DoubtCode::AboveUnitHistory,
                value: "3.500,5 g".into(),
                threshold: "3.500 g".into(),
            }]
        );
        assert_eq!(doubts[0].code.as_str(), "above_unit_history");
        // Four earlier seizures say too little; another item has no history.
        let four = SeizureHistory::of(["120", "350", "80", "200"].iter().map(|q| ("HEROIN", d(q))));
        assert_eq!(four.far_above("HEROIN"), None);
        assert!(check_plausible_with(&heroin(&["9000"]), &grams, &four, None).is_empty());
        assert_eq!(five.far_above("OPIUM"), None);
        // Above the fixed threshold the fixed question is the one asked.
        let doubts = check_plausible_with(&heroin(&["150000"]), &grams, &five, None);
        assert_eq!(doubts.len(), 1);
        assert_eq!(doubts[0].code, DoubtCode::LargeSeizure);
    }

    #[test]
    fn a_value_the_previous_revision_held_is_not_asked_again() {
        let none = Catalogue::default();
        let history = SeizureHistory::default();
        let before = patrol("2024-01-01", 250, "");
        let after = patrol("2024-01-01", 250, "ghi chú mới");
        assert_eq!(check_plausible(&after, &none).len(), 1);
        assert!(check_plausible_with(&after, &none, &history, Some(&before)).is_empty());
        // Another value in the same place is asked about.
        let more = patrol("2024-01-01", 251, "");
        assert_eq!(
            check_plausible_with(&more, &none, &history, Some(&before)).len(),
            1
        );
        // The place is the force, not the row's position.
        let moved = Content::from_json(
            RecordType::Patrol,
            &serde_json::json!({"date": "2024-01-01", "lead_unit": "BP", "kind": "joint",
                "participants": [{"force": "DQ", "persons": 3}, {"force": "BDBP", "persons": 250}]})
            .to_string(),
        )
        .unwrap();
        assert!(check_plausible_with(&moved, &none, &history, Some(&before)).is_empty());
        let other_force = Content::from_json(
            RecordType::Patrol,
            &serde_json::json!({"date": "2024-01-01", "lead_unit": "BP", "kind": "joint",
                "participants": [{"force": "DQ", "persons": 250}]})
            .to_string(),
        )
        .unwrap();
        assert_eq!(
            check_plausible_with(&other_force, &none, &history, Some(&before)).len(),
            1
        );
        // A seizure: the same item and quantity, wherever its row.
        let grams = seized("HEROIN", "g");
        let big = heroin(&["150000"]);
        assert!(
            check_plausible_with(&heroin(&["3", "150000"]), &grams, &history, Some(&big))
                .is_empty()
        );
    }

    #[test]
    fn the_day_at_the_border() {
        // 20:00 UTC on 19 June is 03:00 on 20 June in Hà Giang.
        let ms = jiff::Timestamp::from_second(1_781_899_200)
            .unwrap()
            .as_millisecond();
        assert_eq!(day_of(ms), date(2026, 6, 20));
    }
}
