//! Hard limits beyond which no value is plausible, and the day after which
//! nothing can have happened yet. The same for every edge (forms, CLI,
//! sheets, API); the API's OpenAPI document states them.

use crate::error::{Problem, ValidationError};
use crate::fields::{Item, Kind, form_of};
use crate::record::{Content, DisasterKind};
use crate::{Date, format};
use serde_json::Value;

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
    let Ok(json) = serde_json::from_str::<Value>(&content.to_json()) else {
        return Ok(());
    };
    for item in form_of(content.record_type()) {
        match item {
            Item::Field(f) => within(f.kind, f.name, f.name, json.get(f.name))?,
            Item::Rows { name, fields, .. } => {
                let rows = json.get(name).and_then(Value::as_array);
                for (i, row) in rows.into_iter().flatten().enumerate() {
                    for f in fields {
                        let path = format!("{name}[{i}].{}", f.name);
                        within(f.kind, f.name, &path, row.get(f.name))?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn within(kind: Kind, name: &str, path: &str, v: Option<&Value>) -> Result<(), ValidationError> {
    let too_long = |s: &str, max: usize| {
        (s.chars().count() > max).then(|| {
            ValidationError::new(
                path,
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
                    path,
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
                    return Err(ValidationError::new(format!("{path}[{i}]"), e.problem));
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

    #[test]
    fn the_day_at_the_border() {
        // 20:00 UTC on 19 June is 03:00 on 20 June in Hà Giang.
        let ms = jiff::Timestamp::from_second(1_781_899_200)
            .unwrap()
            .as_millisecond();
        assert_eq!(day_of(ms), date(2026, 6, 20));
    }
}
