//! What every page shares: the texts of its language, its frame (user,
//! navigation, language switch), rendering, the error page, and the ways a
//! record, a unit, a field or a time is shown.

use crate::error::ApiError;
use crate::extract::Authenticated;
use crate::routes::collection;
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use bienphong_domain::catalogue::CatalogueKind;
use bienphong_domain::fields::{self, Item, Kind};
use bienphong_domain::format;
use bienphong_domain::org::{Code, Org};
use bienphong_domain::text::collate;
use bienphong_domain::{Content, RecordType};
use bienphong_i18n::Lang;
use bienphong_service::ServiceError;
use std::collections::HashMap;

/// Texts of the page's language, for templates.
pub struct Tr(pub Lang);

impl Tr {
    pub fn get(&self, key: &str) -> String {
        self.0.text(key, &[])
    }

    /// The label of a fixed value ([`Lang::choice`]).
    pub fn choice(&self, value: &str) -> String {
        self.0.choice(value)
    }

    pub fn lang(&self) -> &'static str {
        self.0.as_str()
    }

    pub fn is_en(&self) -> bool {
        self.0 == Lang::En
    }
}

/// What every page's frame shows.
pub struct Frame {
    pub t: Tr,
    pub user: Option<String>,
    pub role: String,
    pub unit: String,
    pub csrf: String,
    pub is_admin: bool,
    /// The sync page is the administrators' on a server, everyone's on a node.
    pub sync_link: bool,
    pub nav: Vec<(String, String)>,
    pub back: String,
}

pub fn frame(auth: &Authenticated, org: &Org, back: &str) -> Frame {
    let t = Tr(auth.lang);
    let p = &auth.principal;
    let nav = RecordType::ACTIVITIES
        .iter()
        .map(|r| {
            (
                format!("/records/{}", collection(*r)),
                t.get(&format!("types-{r}")),
            )
        })
        .collect();
    Frame {
        user: Some(p.name.clone()),
        role: t.get(&format!("role-{}", p.grant.role)),
        unit: unit_name(org, p.grant.unit.as_str(), auth.lang),
        csrf: auth
            .session
            .as_ref()
            .map(|s| s.csrf_token.clone())
            .unwrap_or_default(),
        is_admin: p.grant.is_admin(),
        sync_link: p.grant.is_admin() || auth.on_node,
        nav,
        back: back.to_string(),
        t,
    }
}

pub fn unit_name(org: &Org, code: &str, lang: Lang) -> String {
    Code::parse(code)
        .ok()
        .and_then(|c| org.unit(&c))
        .map(|u| name_in(lang, u))
        .unwrap_or_else(|| code.to_string())
}

/// A unit's name in the page's language (its Vietnamese name where it has
/// no English one).
pub fn name_in(lang: Lang, u: &bienphong_domain::org::Unit) -> String {
    match (lang, &u.name_en) {
        (Lang::En, Some(en)) => en.to_string(),
        _ => u.name.to_string(),
    }
}

/// Units for a picker, by Vietnamese name order, each with its name, code
/// and days (two communes of one name, before and after a merger, apart).
pub fn unit_options(org: &Org, lang: Lang) -> Vec<(String, String)> {
    let mut units: Vec<(String, &bienphong_domain::org::Unit)> =
        org.units.values().map(|u| (name_in(lang, u), u)).collect();
    units.sort_by(|a, b| collate(&a.0, &b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    units
        .into_iter()
        .map(|(name, u)| (u.code.to_string(), unit_label(lang, &name, u)))
        .collect()
}

/// `Xã Lũng Cú · XA-LUNGCU · đến 30/06/2025`: a unit as pickers show it.
pub fn unit_label(lang: Lang, name: &str, u: &bienphong_domain::org::Unit) -> String {
    let days = match (u.valid_from, u.valid_to) {
        (None, None) => return format!("{name} · {}", u.code),
        (Some(f), None) => lang.text("unit-valid-from", &[("from", format::date(f))]),
        (None, Some(t)) => lang.text("unit-valid-to", &[("to", format::date(t))]),
        (Some(f), Some(t)) => format!("{}–{}", format::date(f), format::date(t)),
    };
    format!("{name} · {} · {days}", u.code)
}

pub fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// A rendered page with another status than 200.
pub fn render_with(status: StatusCode, t: impl Template) -> Response {
    let mut r = render(t);
    *r.status_mut() = status;
    r
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Tr,
    status: u16,
    message: String,
}

pub fn page_error(lang: Lang, e: ApiError) -> Response {
    let status = e.status;
    render_with(
        status,
        ErrorPage {
            t: Tr(lang),
            status: status.as_u16(),
            message: e.message,
        },
    )
}

/// A download: `body` of type `kind`, saved as `file`.
pub fn attachment(body: Vec<u8>, kind: &str, file: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Markdown to HTML, with any HTML inside the text shown as text.
pub fn markdown_html(md: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, html};
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

/// An instant as `dd/mm/yyyy HH:MM`, Vietnam's time.
pub fn when(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .ok()
        .and_then(|t| t.in_tz(bienphong_domain::TIME_ZONE).ok())
        .map(|z| format!("{} {}", format::date(z.date()), z.time().strftime("%H:%M")))
        .unwrap_or_default()
}

/// "participants[0].persons" → "Lực lượng tham gia 1 · Số người";
/// "partner_units[1]" (one item of a list) → "Đơn vị phối hợp 2".
pub fn field_label(lang: Lang, field: &str) -> String {
    let t = Tr(lang);
    match field.split_once('[') {
        Some((list, rest)) => {
            let list_label = t.get(&format!("field-{list}"));
            match rest.split_once("].") {
                Some((index, name)) => format!(
                    "{list_label} {} · {}",
                    item_number(index),
                    t.get(&format!("field-{name}"))
                ),
                None => format!("{list_label} {}", item_number(rest.trim_end_matches(']'))),
            }
        }
        None => t.get(&format!("field-{field}")),
    }
}

/// `0` → `1`: items counted from one, as people do.
fn item_number(index: &str) -> usize {
    index.parse::<usize>().map_or(0, |i| i + 1)
}

/// The message of a failed write, and the field it belongs to ("" for
/// the whole form).
pub fn write_error(lang: Lang, e: ServiceError) -> (StatusCode, String, String) {
    match e {
        ServiceError::Invalid(v) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            v.field.clone(),
            lang.problem_only(&v),
        ),
        other => {
            let api = ApiError::from_service(lang, other);
            (api.status, String::new(), api.message)
        }
    }
}

/// A refused write as one line for the top of a page: the field's label
/// first when the error names one.
pub fn write_error_line(lang: Lang, e: ServiceError) -> (StatusCode, String) {
    let (status, field, message) = write_error(lang, e);
    if field.is_empty() {
        (status, message)
    } else {
        (status, format!("{}: {message}", field_label(lang, &field)))
    }
}

/// A stored record's values as people read them on its page and in its
/// history, keyed like the form (`seizures[0].quantity`): units (and
/// successor units) by name, catalogue entries and choices by label, yes
/// or no, a seized quantity with the item's unit of measure as reports
/// write it (`1.200 g`, `03 chiếc`). Anything else, and any code the
/// organisation no longer knows, as the form writes it.
pub fn shown_values(
    org: &Org,
    lang: Lang,
    t: RecordType,
    content: &serde_json::Value,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for item in fields::form_of(t) {
        match item {
            Item::Field(field) => {
                let shown = shown_value(org, lang, field.kind, content, field.name);
                if let Some(v) = shown {
                    out.insert(field.name.to_string(), v);
                }
            }
            Item::Rows { name, fields, .. } => {
                if let Some(serde_json::Value::Array(rows)) = content.get(name) {
                    for (i, row) in rows.iter().enumerate() {
                        for field in fields {
                            if let Some(v) = shown_value(org, lang, field.kind, row, field.name) {
                                out.insert(format!("{name}[{i}].{}", field.name), v);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The value of `name` in `within` (a record or one of its rows), which
/// also holds the seized item a quantity is measured in.
fn shown_value(
    org: &Org,
    lang: Lang,
    kind: Kind,
    within: &serde_json::Value,
    name: &str,
) -> Option<String> {
    let v = match within.get(name) {
        Some(v) => v,
        // Records omit `verified`/`active` when true by default.
        None if kind == Kind::Bool => &serde_json::Value::Bool(true),
        None => return None,
    };
    let written = || fields::text_of(kind, v);
    let shown: Vec<String> = match kind {
        Kind::Unit | Kind::Units => written()
            .iter()
            .map(|code| unit_name(org, code, lang))
            .collect(),
        // Successor units by name; marker numbers (no unit) as written.
        Kind::Codes => match v {
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(serde_json::Value::as_str)
                .map(|code| unit_name(org, code, lang))
                .collect(),
            _ => written(),
        },
        Kind::Bool => vec![Tr(lang).get(if v.as_bool().unwrap_or(false) {
            "word-yes"
        } else {
            "word-no"
        })],
        Kind::Catalogue(c) => written()
            .iter()
            .map(|code| entry_name(org, lang, c, code))
            .collect(),
        Kind::Choice(_) => written().iter().map(|choice| lang.choice(choice)).collect(),
        Kind::Quantity => {
            let measure = within
                .get("item")
                .and_then(serde_json::Value::as_str)
                .and_then(|code| Code::parse(code).ok())
                .and_then(|code| org.catalogue.get(CatalogueKind::SeizedItem, &code))
                .and_then(|e| match lang {
                    Lang::Vi => e.measure_vi.as_ref(),
                    Lang::En => e.measure_en.as_ref().or(e.measure_vi.as_ref()),
                });
            // As the reports write a seized quantity: counts under ten
            // padded ("03 chiếc"), decimals with a comma ("0,43 g").
            let amount = serde_json::from_value::<bienphong_domain::Quantity>(v.clone())
                .map(|q| format::decimal(q.value(), measure.is_some()));
            match (amount, measure) {
                (Ok(q), Some(m)) => vec![format!("{q} {m}")],
                (Ok(q), None) => vec![q],
                (Err(_), _) => written(),
            }
        }
        _ => written(),
    };
    let shown = shown.join(", ");
    (!shown.is_empty()).then_some(shown)
}

/// A catalogue entry's label in `lang`, or its code when unknown.
fn entry_name(org: &Org, lang: Lang, kind: CatalogueKind, code: &str) -> String {
    Code::parse(code)
        .ok()
        .and_then(|c| org.catalogue.get(kind, &c))
        .map(|e| match lang {
            Lang::En => e.en.to_string(),
            Lang::Vi => e.vi.to_string(),
        })
        .unwrap_or_else(|| code.to_string())
}

/// One line saying what a record is, in the page's language.
pub fn describe(org: &Org, lang: Lang, c: &Content) -> String {
    let entry = |kind: CatalogueKind, code: &Code| {
        org.catalogue
            .get(kind, code)
            .map(|e| match lang {
                Lang::En => e.en.to_string(),
                Lang::Vi => e.vi.to_string(),
            })
            .unwrap_or_else(|| code.to_string())
    };
    let t = Tr(lang);
    match c {
        Content::Patrol(p) => {
            let persons: u32 = p.participants.iter().map(|f| f.persons).sum();
            let partners: Vec<String> = p
                .partner_units
                .iter()
                .map(|u| unit_name(org, u.as_str(), lang))
                .collect();
            format!(
                "{} · {} {}{}",
                t.choice(p.kind.as_str()),
                format::integer(i64::from(persons)),
                t.get("word-persons"),
                if partners.is_empty() {
                    String::new()
                } else {
                    format!(" · {}", partners.join(", "))
                }
            )
        }
        Content::Case(k) => format!(
            "{} · {} {}",
            entry(CatalogueKind::CaseType, &k.case_type),
            k.subjects,
            t.get("word-subjects")
        ),
        Content::Meeting(m) => format!(
            "{} · {}",
            entry(CatalogueKind::MeetingType, &m.meeting_type),
            m.content.as_str().chars().take(80).collect::<String>()
        ),
        Content::Document(d) => format!("{} · {}", d.number, d.title),
        Content::Programme(p) => format!(
            "{} · {} đ/{}",
            entry(CatalogueKind::Programme, &p.programme),
            format::integer(p.monthly_amount.dong()),
            t.get("word-month")
        ),
        Content::Propaganda(p) => format!(
            "{} · {} {} · {} {}",
            p.topic,
            p.sessions,
            t.get("word-sessions"),
            format::integer(i64::from(p.listeners)),
            t.get("word-listeners")
        ),
        Content::Disaster(d) => format!(
            "{} · {}",
            t.choice(match d.kind {
                bienphong_domain::record::DisasterKind::Plan => "plan",
                bienphong_domain::record::DisasterKind::Response => "response",
            }),
            d.title
        ),
        Content::BriefingReport(r) => format!(
            "{} · {} {}/{} · {}",
            unit_name(org, r.unit.as_str(), lang),
            t.get("field-quarter"),
            r.quarter,
            r.year,
            t.get(&format!("briefing-status-{}", r.status.as_str()))
        ),
        Content::Unit(u) => format!("{} · {}", u.name, t.choice(u.kind.as_str())),
        Content::Link(l) => format!(
            "{} → {}",
            unit_name(org, l.from.as_str(), lang),
            unit_name(org, l.to.as_str(), lang)
        ),
        Content::Marker(m) => format!("{} · {}", m.number, unit_name(org, m.post.as_str(), lang)),
        Content::Catalogue(e) => format!("{} · {}", e.code, e.vi),
        Content::CaseSubjects(s) => format!("{} {}", s.subjects.len(), t.get("word-subjects")),
        Content::Beneficiary(b) => b.name.to_string(),
        Content::Attachment(a) => format!(
            "{} · {}",
            a.name,
            bienphong_domain::attachment::size_text(a.size)
        ),
        Content::Signoff(a) => format!(
            "{} · {} · {}",
            t.get(&format!("choice-{}", a.decision.as_str())),
            unit_name(org, a.unit.as_str(), lang),
            a.signer
        ),
    }
}
