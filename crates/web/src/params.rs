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
use bienphong_service::{Principal, today};
use bienphong_store::{AuditFilter, ListFilter};
use std::collections::HashMap;

/// A request's query, by name.
pub type Query = HashMap<String, String>;

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
    if let Some(year) = year(lang, q)? {
        return Ok(Some(Period::year(year, cutoff)));
    }
    match (day("from")?, day("to")?) {
        (None, None) => Ok(None),
        (from, to) => {
            let from = from.unwrap_or(bienphong_domain::Date::MIN);
            let to = to.unwrap_or(bienphong_domain::Date::MAX);
            Period::new(from, to).map(Some).ok_or_else(|| {
                ApiError::bad_request(lang, "to", "the last day is before the first")
            })
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
    let unit = unit(lang, "unit", q.get("unit"))?;
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
            .map(|s| category_code(org, t, s)),
        subject_of: None,
        limit: None,
        offset: 0,
    })
}

/// The code a list's "Phân loại" names: a code, or the label of a
/// catalogue entry or of one of the record type's choices, in either
/// language, with or without diacritics ("ma tuy", "Ma túy", "MATUY").
/// Text that names nothing is kept, and finds nothing.
pub fn category_code(org: &Org, t: RecordType, text: &str) -> String {
    use bienphong_domain::fields::{Item, Kind, form_of};
    use bienphong_domain::text::search_key;
    let wanted = search_key(text.trim());
    let same = |s: &str| search_key(s) == wanted;
    if let Some(e) = org
        .catalogue
        .entries
        .values()
        .find(|e| same(e.code.as_str()) || same(e.vi.as_str()) || same(e.en.as_str()))
    {
        return e.code.to_string();
    }
    let choices = form_of(t).into_iter().filter_map(|item| match item {
        Item::Field(f) => match f.kind {
            Kind::Choice(values) => Some(values),
            _ => None,
        },
        Item::Rows { .. } => None,
    });
    for values in choices {
        for v in values {
            let label = |l: Lang| l.text(&format!("choice-{v}"), &[]);
            if same(v) || same(&label(Lang::Vi)) || same(&label(Lang::En)) {
                return (*v).to_string();
            }
        }
    }
    text.trim().to_string()
}

/// `q`, the search text of a list.
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
    match q.get("limit") {
        None => Ok(50),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| ApiError::bad_request(lang, "limit", format!("1–500, not {s}"))),
    }
}

/// `cursor` of an API list: the position to go on from.
pub fn cursor(lang: Lang, q: &Query) -> Result<u32, ApiError> {
    match q.get("cursor").filter(|s| !s.is_empty()) {
        None => Ok(0),
        Some(c) => decode_cursor(c)
            .ok_or_else(|| ApiError::bad_request(lang, "cursor", "not a cursor of this API")),
    }
}

/// Cursors are opaque to clients; this one carries the position in the
/// caller's own view of the collection.
pub fn encode_cursor(offset: u32) -> String {
    format!("c{offset:x}")
}

fn decode_cursor(s: &str) -> Option<u32> {
    u32::from_str_radix(s.strip_prefix('c')?, 16).ok()
}

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
    Ok(AuditFilter {
        actor: text("actor"),
        action: text("action"),
        outcome: text("outcome"),
        record_id: text("record_id"),
        before_seq: number("before")?,
        limit: number("limit")?.unwrap_or(100).clamp(1, 1000) as u32,
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
    let org = state
        .service
        .org_shared()
        .await
        .map_err(|e| ApiError::from_service(lang, e))?;
    if let Some(u) = &asked
        && org.unit(u).is_none()
    {
        return Err(ApiError::bad_request(
            lang,
            "scope",
            format!("unknown unit {u}"),
        ));
    }
    if caller.grant.is_admin() {
        return Ok(asked);
    }
    match asked {
        None => Ok(Some(caller.grant.unit.clone())),
        Some(u) if caller.grant.read_scope_ever(&org).contains(&u) => Ok(Some(u)),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            lang.text("api-scope-forbidden", &[]),
        )),
    }
}

/// `scope` of a report, dashboard or briefing roll, as the caller may see it.
pub async fn scope(
    state: &AppState,
    caller: &Principal,
    lang: Lang,
    q: &Query,
) -> Result<Option<Code>, ApiError> {
    let asked = unit(lang, "scope", q.get("scope"))?;
    report_scope(state, caller, lang, asked).await
}
