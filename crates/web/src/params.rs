//! Query parameters as typed values: period, year, quarter, cut-off, unit,
//! list filter, audit filter. The only place in the web crate that knows
//! their names and valid values; pages and API read them through here.

use crate::AppState;
use crate::error::ApiError;
use axum::http::StatusCode;
use bienphong_domain::format::parse_date;
use bienphong_domain::org::{Code, Org};
use bienphong_domain::{Cutoff, Period, RecordType, Year};
use bienphong_i18n::Lang;
use bienphong_report::BriefingQuarter;
use bienphong_service::{Principal, ServiceError, today};
use bienphong_store::{AuditFilter, ListFilter, ListKey};
use std::collections::HashMap;

/// A request's query, by name.
pub type Query = HashMap<String, String>;

/// A posted form's fields as a query's: the first value of each, so that a
/// form posts what a link would send.
pub fn from_form(form: &bienphong_domain::fields::Posted) -> Query {
    form.iter()
        .filter_map(|(k, v)| Some((k.clone(), v.first()?.clone())))
        .collect()
}

/// A parameter's text, trimmed, if it is not blank.
fn given<'a>(q: &'a Query, name: &str) -> Option<&'a str> {
    q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// A unit code parameter.
pub fn unit(lang: Lang, field: &str, value: Option<&String>) -> Result<Option<Code>, ApiError> {
    match value.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Code::parse(s)
            .map(Some)
            .map_err(|p| ApiError::bad_request(lang, field, p.to_string())),
    }
}

/// A unit a person names, read by the domain's one reader (its code, an
/// administrative code in force during `during`, an agency identifier).
pub fn named_unit(
    lang: Lang,
    org: &Org,
    field: &str,
    value: Option<&String>,
    during: Option<&Period>,
) -> Result<Option<Code>, ApiError> {
    match value.map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => org
            .named_unit(s, during)
            .map(Some)
            .map_err(|p| ApiError::bad_request(lang, field, p.to_string())),
    }
}

/// `cutoff`: `decree09` (the default) or `calendar`, read by the domain's
/// one reader, as the CLI reads `--cutoff`.
pub fn cutoff(lang: Lang, q: &Query) -> Result<Cutoff, ApiError> {
    match given(q, "cutoff") {
        None => Ok(Cutoff::Decree09),
        Some(s) => s.parse().map_err(|e| ApiError::bad_value(lang, &e)),
    }
}

/// `year`, if given, read by the domain's one reader of years.
pub fn year(lang: Lang, q: &Query) -> Result<Option<i16>, ApiError> {
    given(q, "year")
        .map(|s| {
            s.parse::<Year>()
                .map(Year::get)
                .map_err(|e| ApiError::bad_value(lang, &e))
        })
        .transpose()
}

/// `map_to`, if given: the day whose units a report's records are mapped
/// onto (`bienphong_domain::mapping`).
pub fn map_to(lang: Lang, q: &Query) -> Result<Option<bienphong_domain::Date>, ApiError> {
    given(q, "map_to")
        .map(|s| parse_date(s).map_err(|p| ApiError::bad_request(lang, "map_to", p.to_string())))
        .transpose()
}

/// `quarter` of the dashboard: 1–4, or 0 (or none) for the whole year.
pub fn dashboard_quarter(lang: Lang, q: &Query) -> Result<i8, ApiError> {
    match q.get("quarter").filter(|s| !s.is_empty()) {
        Some(s) => s
            .parse::<i8>()
            .ok()
            .filter(|q| (0..=4).contains(q))
            .ok_or_else(|| ApiError::bad_request(lang, "quarter", s.clone())),
        None => Ok(0),
    }
}

/// The period a list asks for: `from`/`to`, or `year` (+ `cutoff`).
pub fn period(lang: Lang, q: &Query) -> Result<Option<Period>, ApiError> {
    let cutoff = cutoff(lang, q)?;
    let day = |field: &str| -> Result<Option<bienphong_domain::Date>, ApiError> {
        match given(q, field) {
            None => Ok(None),
            Some(s) => parse_date(s)
                .map(Some)
                .map_err(|p| ApiError::bad_request(lang, field, p.to_string())),
        }
    };
    // Every day given is read, even when the year decides the period.
    let (from, to) = (day("from")?, day("to")?);
    if let Some(year) = year(lang, q)? {
        return Ok(Some(Period::year(year, cutoff)));
    }
    match (from, to) {
        (None, None) => Ok(None),
        (from, to) => {
            // A last day before the first is a period without days: it
            // holds no record (the store's filter finds none).
            Ok(Some(Period {
                from: from.unwrap_or(bienphong_domain::Date::MIN),
                to: to.unwrap_or(bienphong_domain::Date::MAX),
            }))
        }
    }
}

/// The records a list shows, from its query: period, unit and the units
/// below it, category. Paging is the caller's.
pub fn list_filter(
    lang: Lang,
    org: &Org,
    t: RecordType,
    q: &Query,
) -> Result<ListFilter, ApiError> {
    let period = period(lang, q)?;
    let unit = named_unit(lang, org, "unit", q.get("unit"), period.as_ref())?;
    let whole = Period {
        from: bienphong_domain::Date::MIN,
        to: bienphong_domain::Date::MAX,
    };
    Ok(ListFilter {
        record_type: Some(t),
        period,
        units: unit.map(|u| org.scope(&u, &period.unwrap_or(whole))),
        category: q
            .get("category")
            .filter(|s| !s.is_empty())
            .map(|s| bienphong_i18n::category_code(org, t, s)),
        subject_of: None,
        limit: None,
        offset: 0,
        after: None,
    })
}

/// `q`, the search text of a list.
/// A yes/no parameter (`dry_run=true`): absent or empty is no.
pub fn flag(lang: Lang, q: &Query, name: &str) -> Result<bool, ApiError> {
    match q.get(name).map(String::as_str) {
        None | Some("" | "false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::bad_request(lang, name, "true or false")),
    }
}

pub fn search(q: &Query) -> Option<&str> {
    q.get("q").map(String::as_str)
}

/// `page` of a list page, from 1; anything else is the first.
pub fn page_number(q: &Query) -> u32 {
    q.get("page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// `limit` of an API list: 1–500, 50 when not given.
pub fn limit(lang: Lang, q: &Query) -> Result<u32, ApiError> {
    match q.get("limit").filter(|s| !s.trim().is_empty()) {
        None => Ok(50),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| ApiError::bad_request(lang, "limit", format!("1–500, not {s}"))),
    }
}

/// `cursor` of an API list: the record the previous page ended with, to
/// go on strictly after it. A cursor of the old kind (a position, `c…`)
/// is refused by name: its pages skipped and repeated records when others
/// were added or deleted meanwhile.
pub fn cursor(lang: Lang, q: &Query) -> Result<Option<ListKey>, ApiError> {
    let Some(c) = given(q, "cursor") else {
        return Ok(None);
    };
    if c.starts_with('c') {
        return Err(ApiError::bad_request(
            lang,
            "cursor",
            lang.text("api-cursor-offset", &[]),
        ));
    }
    decode_cursor(c)
        .map(Some)
        .ok_or_else(|| ApiError::bad_request(lang, "cursor", lang.text("api-cursor-bad", &[])))
}

/// Cursors are opaque to clients: `k`, the last record's day (empty when
/// it has none), `.`, its id.
pub fn encode_cursor(key: &ListKey) -> String {
    let day = key.day.map(|d| d.to_string()).unwrap_or_default();
    format!("k{day}.{}", key.record_id.0.simple())
}

fn decode_cursor(s: &str) -> Option<ListKey> {
    let (day, id) = s.strip_prefix('k')?.split_once('.')?;
    let day = if day.is_empty() {
        None
    } else {
        let date: bienphong_domain::Date = day.parse().ok()?;
        // Only the form `encode_cursor` writes: one key, one cursor.
        if date.to_string() != day {
            return None;
        }
        Some(date)
    };
    let record_id = (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| id.parse().ok())
        .flatten()?;
    Some(ListKey { day, record_id })
}

/// The most audit entries one request answers.
const AUDIT_LIMIT_MAX: i64 = 1000;

/// The audit log's filter: actor, action, outcome, record, before, limit.
pub fn audit_filter(lang: Lang, q: &Query) -> Result<AuditFilter, ApiError> {
    let text = |k: &str| given(q, k).map(str::to_string);
    let number = |k: &str| -> Result<Option<i64>, ApiError> {
        match text(k) {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::bad_request(lang, k, format!("not a number: {s}"))),
        }
    };
    let record_id = text("record_id");
    if let Some(id) = &record_id
        && id.parse::<bienphong_domain::RecordId>().is_err()
    {
        return Err(ApiError::bad_request(
            lang,
            "record_id",
            lang.problem_only(&bienphong_domain::ValidationError::new(
                "record_id",
                bienphong_domain::Problem::UnknownRecord(id.clone()),
            )),
        ));
    }
    let limit = match number("limit")? {
        None => 100,
        Some(n) if (1..=AUDIT_LIMIT_MAX).contains(&n) => n,
        Some(n) => {
            return Err(ApiError::bad_request(
                lang,
                "limit",
                format!("1–{AUDIT_LIMIT_MAX}: {n}"),
            ));
        }
    };
    Ok(AuditFilter {
        actor: text("actor"),
        action: text("action"),
        outcome: text("outcome"),
        record_id,
        before_seq: number("before")?,
        // Within 1..=AUDIT_LIMIT_MAX: checked just above.
        limit: u32::try_from(limit).unwrap_or(100),
    })
}

/// The quarter a briefing request is about.
pub fn briefing_quarter(lang: Lang, q: &Query) -> Result<BriefingQuarter, ApiError> {
    // A number within `range`, or a message naming the field in the
    // reader's language.
    let number = |field: &str, range: std::ops::RangeInclusive<i32>, default: Option<i32>| {
        let bad = |value: String| {
            let e = bienphong_domain::ValidationError::new(
                field,
                bienphong_domain::Problem::UnknownValue {
                    value,
                    expected: format!("{}–{}", range.start(), range.end()),
                },
            );
            let label = lang.text(&format!("field-{field}"), &[]);
            ApiError::bad_request(lang, field, format!("{label}: {}", lang.problem_only(&e)))
        };
        match (given(q, field), default) {
            (None, Some(d)) => Ok(d),
            (None, None) => Err(bad(String::new())),
            (Some(s), _) => s
                .parse::<i32>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| bad(s.to_string())),
        }
    };
    let year = match year(lang, q)? {
        Some(y) => y,
        // Always refused (no default): the message names the range.
        None => {
            number("year", Year::FIRST.into()..=Year::LAST.into(), None)?;
            Year::FIRST
        }
    };
    let quarter = number("quarter", 1..=4, None)?;
    let due_days = number(
        "due_days",
        0..=90,
        Some(bienphong_domain::briefing::DEFAULT_DUE_DAYS),
    )?;
    let cutoff = cutoff(lang, q)?;
    Ok(BriefingQuarter {
        year,
        // Within range: checked just above.
        quarter: i8::try_from(quarter).unwrap_or(1),
        cutoff,
        due_days,
    })
}

/// The quarter asked for, or the one today falls in.
pub fn quarter_or_current(lang: Lang, q: &Query) -> Result<BriefingQuarter, ApiError> {
    let mut q = q.clone();
    let (year, quarter) = Period::quarter_of(today(), cutoff(lang, &q)?);
    let blank = |v: Option<&String>| v.is_none_or(|s| s.trim().is_empty());
    if blank(q.get("year")) {
        q.insert("year".into(), year.to_string());
    }
    if blank(q.get("quarter")) {
        q.insert("quarter".into(), quarter.to_string());
    }
    briefing_quarter(lang, &q)
}

/// The query of a briefing page for `quarter`.
pub fn briefing_query(quarter: &BriefingQuarter) -> String {
    serde_urlencoded::to_string([
        ("year", quarter.year.to_string()),
        ("quarter", quarter.quarter.to_string()),
        ("cutoff", format!("{:?}", quarter.cutoff).to_lowercase()),
    ])
    .unwrap_or_default()
}

/// The report scope a caller may ask for: their own unit by default; any
/// unit within what they may read; the whole store for administrators.
pub async fn report_scope(
    state: &AppState,
    caller: &Principal,
    lang: Lang,
    asked: Option<Code>,
) -> Result<Option<Code>, ApiError> {
    // The rule is the service's; only its wording is the web's.
    state
        .service
        .report_scope(caller, asked)
        .await
        .map_err(|e| match e {
            // Refused for what the store holds: a 422 of the field, as
            // the document lists it.
            ServiceError::UnknownUnit(u) => ApiError::described(
                lang,
                bienphong_domain::ValidationError::new(
                    "scope",
                    bienphong_domain::Problem::UnknownUnit(u),
                )
                .describe(),
            ),
            ServiceError::Forbidden(_) => ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                lang.text("api-scope-forbidden", &[]),
            ),
            other => ApiError::from_service(lang, other),
        })
}

/// `scope` of a report, dashboard or briefing roll, as the caller may see it.
pub async fn scope(
    state: &AppState,
    caller: &Principal,
    lang: Lang,
    q: &Query,
) -> Result<Option<Code>, ApiError> {
    unit(lang, "scope", q.get("scope"))?;
    let org = state
        .service
        .org_shared()
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    let asked = named_unit(lang, &org, "scope", q.get("scope"), None)?;
    report_scope(state, caller, lang, asked).await
}

/// A day that exists, `YYYY-MM-DD`, as the document states the date
/// parameters (the readers also take `DD/MM/YYYY`, as the pages send it).
/// 29 February is left out: a pattern cannot tell leap years, and the
/// document promises no day the server refuses.
const ISO_DAY: &str = "[0-9]{4}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)";

/// A unit's code as the parameters take it (`Code::parse`); empty is the
/// same as not given.
const CODE_PATTERN: &str = "^[A-Za-z0-9._/-]{0,64}$";

/// The schema of a query parameter, by its name: what the readers above
/// accept, stated in the OpenAPI document (`openapi.rs`). A value the
/// schema allows may still be refused for what it names (a day that does
/// not exist, a unit the store does not know).
pub fn schema(path: &str, name: &str) -> serde_json::Value {
    use serde_json::json;
    match name {
        "limit" if path == "/api/v1/audit" => {
            json!({"type": "integer", "minimum": 1, "maximum": AUDIT_LIMIT_MAX})
        }
        "unit" | "scope" => json!({"type": "string", "pattern": CODE_PATTERN}),
        "revision" => json!({"type": "string", "format": "uuid"}),
        "confirm" | "dry_run" => json!({"type": "boolean"}),
        "cursor" => json!({"type": "string",
            "pattern": format!("^(k({ISO_DAY})?[.][0-9a-f]{{32}})?$")}),
        "year" => json!({"type": "integer", "minimum": Year::FIRST, "maximum": Year::LAST}),
        "quarter" => json!({"type": "integer", "minimum": 1, "maximum": 4}),
        "due_days" => json!({"type": "integer", "minimum": 0, "maximum": 90}),
        "cutoff" => json!({"type": "string", "enum": ["decree09", "calendar"]}),
        "format" => json!({
            "type": "string",
            "enum": bienphong_report::Format::ALL.map(bienphong_report::Format::name),
        }),
        "style" => json!({"type": "string", "enum": ["state", "party"]}),
        "lang" => json!({"type": "string", "enum": ["vi", "en"]}),
        "period" if path == "/api/v1/reports/summary" => json!({"type": "string",
            "pattern": "^(q[1-4]|m([1-9]|1[0-2])|half-[12]|nine-months|year)$"}),
        "limit" => json!({"type": "integer", "minimum": 1, "maximum": 500}),
        "number" => json!({"type": "integer", "minimum": 1, "maximum": u32::MAX}),
        "before" => json!({"type": "integer"}),
        "record_id" => json!({"type": "string", "format": "uuid"}),
        "from" | "to" | "date" => json!({"type": "string", "pattern": format!("^({ISO_DAY})?$")}),
        _ => json!({"type": "string"}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_the_key_they_were_made_from() {
        let id: bienphong_domain::RecordId =
            "0190f0f0-0000-7000-8000-00000000002a".parse().unwrap();
        for day in [None, Some(jiff::civil::date(2024, 3, 10))] {
            let key = ListKey { day, record_id: id };
            assert_eq!(decode_cursor(&encode_cursor(&key)), Some(key));
        }
        for bad in [
            "",
            "k",
            "k.",
            "k2024-3-10.0190f0f000007000800000000000002a",
            "k2024-02-30.0190f0f000007000800000000000002a",
            "k.0190f0f0",
            "kx.y",
        ] {
            assert_eq!(decode_cursor(bad), None, "{bad}");
        }
    }
}
