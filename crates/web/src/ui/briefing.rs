//! The quarterly briefing pages: who owes a quarter's report and where each
//! stands, and a unit's report — figures from the records, the unit's
//! narrative, submission, and what changed after it was submitted.

use super::{
    Frame, Gate, Tr, attachment, csrf_ok, csrf_refused, frame, gate, here, markdown_html,
    page_error, parse_form, render, today, unit_name, unit_options, write_error_line,
};
use crate::AppState;
use crate::api::{briefing_quarter, briefing_unit, report_error, report_scope, submit_briefing};
use crate::error::ApiError;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::access::Access;
use bienphong_domain::format;
use bienphong_domain::org::Code;
use bienphong_domain::record::{BriefingReport, BriefingStatus};
use bienphong_domain::text::Text;
use bienphong_domain::{Content, Period, RevisionId};
use bienphong_report::{BriefingQuarter, BriefingView};
use bienphong_service::Principal;
use std::collections::HashMap;

/// The quarter asked for, or the one today falls in.
fn quarter_or_current(
    lang: bienphong_i18n::Lang,
    q: &HashMap<String, String>,
) -> Result<BriefingQuarter, ApiError> {
    let mut q = q.clone();
    let cutoff = match q.get("cutoff").map(String::as_str) {
        Some("calendar") => bienphong_domain::Cutoff::Calendar,
        _ => bienphong_domain::Cutoff::Decree09,
    };
    let (year, quarter) = Period::quarter_of(today(), cutoff);
    let blank = |v: Option<&String>| v.is_none_or(|s| s.trim().is_empty());
    if blank(q.get("year")) {
        q.insert("year".into(), year.to_string());
    }
    if blank(q.get("quarter")) {
        q.insert("quarter".into(), quarter.to_string());
    }
    briefing_quarter(lang, &q)
}

/// The unit and quarter of a report page, if `who` may read the unit's.
async fn target(
    state: &AppState,
    who: &Principal,
    lang: bienphong_i18n::Lang,
    unit: &str,
    q: &HashMap<String, String>,
) -> Result<(Code, BriefingQuarter), ApiError> {
    let quarter = quarter_or_current(lang, q)?;
    let unit = briefing_unit(state, who, lang, unit).await?;
    Ok((unit, quarter))
}

fn query_of(quarter: &BriefingQuarter) -> String {
    serde_urlencoded::to_string([
        ("year", quarter.year.to_string()),
        ("quarter", quarter.quarter.to_string()),
        ("cutoff", format!("{:?}", quarter.cutoff).to_lowercase()),
    ])
    .unwrap_or_default()
}

pub struct RollLine {
    pub unit: String,
    pub href: String,
    pub kind: String,
    pub state: String,
    pub state_class: &'static str,
    pub submitted_on: String,
}

pub struct ActionLine {
    pub text: String,
    pub owner: String,
    pub meeting_date: String,
    pub due: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "briefings.html")]
struct RollPage {
    f: Frame,
    units: Vec<(String, String)>,
    scope: String,
    year: String,
    quarter: String,
    name: String,
    from: String,
    to: String,
    due: String,
    counts: String,
    lines: Vec<RollLine>,
    actions: Vec<ActionLine>,
}

fn action_lines(
    org: &bienphong_domain::org::Org,
    lang: bienphong_i18n::Lang,
    actions: &[bienphong_report::CarriedAction],
) -> Vec<ActionLine> {
    actions
        .iter()
        .map(|a| ActionLine {
            text: a.text.clone(),
            owner: unit_name(org, &a.owner.code, lang),
            meeting_date: format::date(a.meeting_date),
            due: a.due.map(format::date).unwrap_or_default(),
            href: format!("/records/meetings/{}", a.meeting),
        })
        .collect()
}

pub(super) async fn roll_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let t = Tr(lang);
    let result = async {
        let quarter = quarter_or_current(lang, &q)?;
        let asked = crate::api::unit_from_query(lang, "scope", q.get("scope"))?;
        let scope = report_scope(&state, &auth.principal, lang, asked).await?;
        let roll =
            bienphong_report::briefing_roll(&state.service, scope.as_ref(), quarter, today())
                .await
                .map_err(|e| report_error(lang, e))?;
        Ok::<_, ApiError>((quarter, scope, roll))
    }
    .await;
    let (quarter, scope, roll) = match result {
        Ok(r) => r,
        Err(e) => return page_error(lang, e),
    };
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let query = query_of(&quarter);
    let lines = roll
        .rows
        .iter()
        .map(|r| RollLine {
            unit: unit_name(&org, &r.unit.code, lang),
            href: format!("/briefings/{}?{query}", r.unit.code),
            kind: t.get(&format!("choice-{}", r.kind)),
            state: bienphong_report::state_text(lang, r.state, r.draft),
            state_class: r.state.as_str(),
            submitted_on: r.submitted_on.map(format::date).unwrap_or_default(),
        })
        .collect();
    let counts = lang.text(
        "briefing-counts",
        &[
            ("total", roll.rows.len().to_string()),
            (
                "submitted",
                (roll.submitted + roll.submitted_late).to_string(),
            ),
            ("late", roll.submitted_late.to_string()),
            ("overdue", roll.overdue.to_string()),
            ("pending", roll.pending.to_string()),
        ],
    );
    render(RollPage {
        units: unit_options(&org, lang),
        scope: scope.map(|s| s.to_string()).unwrap_or_default(),
        year: quarter.year.to_string(),
        quarter: quarter.quarter.to_string(),
        name: roll.name.clone(),
        from: format::date(roll.period.from),
        to: format::date(roll.period.to),
        due: format::date(roll.due),
        counts,
        lines,
        actions: action_lines(&org, lang, &roll.open_actions),
        f: frame(&auth, &org, &back),
    })
}

#[derive(Template)]
#[template(path = "briefing.html")]
struct ReportPage {
    f: Frame,
    title: String,
    state: String,
    due: String,
    html: String,
    query: String,
    unit: String,
    /// The narrative form, for those who may still change the report.
    editable: bool,
    revision: String,
    results: String,
    shortcomings: String,
    proposals: String,
    error: Option<String>,
    changed: bool,
}

/// Whether `who` may write `unit`'s report for the quarter.
async fn may_write(state: &AppState, who: &Principal, unit: &Code, view: &BriefingView) -> bool {
    let Ok(org) = state.service.org_shared().await else {
        return false;
    };
    let probe = Content::BriefingReport(draft(unit, view.quarter, &HashMap::new()));
    who.grant.allows(Access::Write, &org, &probe, None)
}

fn text_of(posted: &HashMap<String, Vec<String>>, name: &str) -> Text {
    Text::new(
        posted
            .get(name)
            .and_then(|v| v.first())
            .map_or("", String::as_str),
    )
}

fn draft(
    unit: &Code,
    quarter: BriefingQuarter,
    posted: &HashMap<String, Vec<String>>,
) -> BriefingReport {
    BriefingReport {
        unit: unit.clone(),
        year: quarter.year,
        quarter: quarter.quarter,
        cutoff: quarter.cutoff,
        results: text_of(posted, "results"),
        shortcomings: text_of(posted, "shortcomings"),
        proposals: text_of(posted, "proposals"),
        status: BriefingStatus::Draft,
        submitted_on: None,
        figures: vec![],
    }
}

async fn report_response(
    state: &AppState,
    auth: &crate::auth::Authenticated,
    unit: &Code,
    quarter: BriefingQuarter,
    back: &str,
    posted: Option<(&HashMap<String, Vec<String>>, String)>,
) -> Response {
    let lang = auth.lang;
    let t = Tr(lang);
    let view = match bienphong_report::briefing_view(&state.service, unit, quarter, today()).await {
        Ok(v) => v,
        Err(e) => return page_error(lang, report_error(lang, e)),
    };
    let md = match bienphong_report::briefing_to_markdown(&view) {
        Ok(md) => md,
        Err(e) => return page_error(lang, report_error(lang, e)),
    };
    let org = match state.service.org_shared().await {
        Ok(o) => o,
        Err(e) => return page_error(lang, ApiError::from_service(lang, e)),
    };
    let submitted = view
        .report
        .as_ref()
        .is_some_and(|r| r.status == BriefingStatus::Submitted);
    let editable = !submitted && may_write(state, &auth.principal, unit, &view).await;
    let stored_text = |f: fn(&BriefingReport) -> &Text| {
        view.report
            .as_ref()
            .map(|r| f(r).to_string())
            .unwrap_or_default()
    };
    let (results, shortcomings, proposals, error) = match posted {
        Some((p, error)) => (
            text_of(p, "results").to_string(),
            text_of(p, "shortcomings").to_string(),
            text_of(p, "proposals").to_string(),
            Some(error),
        ),
        None => (
            stored_text(|r| &r.results),
            stored_text(|r| &r.shortcomings),
            stored_text(|r| &r.proposals),
            None,
        ),
    };
    let status = if submitted {
        t.get("briefing-status-submitted")
    } else if view.report.is_some() {
        t.get("briefing-status-draft")
    } else {
        t.get("briefing-not-started")
    };
    render(ReportPage {
        title: format!("{} · {}", unit_name(&org, unit.as_str(), lang), view.name),
        state: format!(
            "{status} · {}",
            bienphong_report::state_text(lang, view.state, view.report.is_some() && !submitted)
        ),
        due: format::date(view.due),
        html: markdown_html(&md),
        query: query_of(&view.quarter),
        unit: unit.to_string(),
        editable,
        revision: view
            .stored
            .as_ref()
            .map(|s| s.record.revision_id.to_string())
            .unwrap_or_default(),
        results,
        shortcomings,
        proposals,
        error,
        changed: !view.changes.is_empty(),
        f: frame(auth, &org, back),
    })
}

pub(super) async fn report_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(unit): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let found = target(&state, &auth.principal, lang, &unit, &q).await;
    match found {
        Ok((unit, quarter)) => report_response(&state, &auth, &unit, quarter, &back, None).await,
        Err(e) => page_error(lang, e),
    }
}

/// Saves the narrative of a unit's report (creating the draft if needed)
/// and, when asked, submits it.
pub(super) async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(unit): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let back = here(&uri);
    let auth = signed_in!(state, headers, &back);
    let lang = auth.lang;
    let posted = parse_form(&body);
    if !csrf_ok(&auth, &posted) {
        return csrf_refused(lang);
    }
    let found = target(&state, &auth.principal, lang, &unit, &q).await;
    let (unit, quarter) = match found {
        Ok(x) => x,
        Err(e) => return page_error(lang, e),
    };
    let expected = posted
        .get("revision")
        .and_then(|v| v.first())
        .and_then(|r| r.parse::<RevisionId>().ok());
    let submit = posted
        .get("action")
        .and_then(|v| v.first())
        .is_some_and(|a| a == "submit");
    let now = crate::now_ms();
    let written = async {
        let stored = state
            .service
            .briefing_report(&unit, quarter.year, quarter.quarter)
            .await?;
        let rev = match stored {
            Some(s) => {
                let content = Content::BriefingReport(draft(
                    &unit,
                    BriefingQuarter {
                        cutoff: s.report.cutoff,
                        ..quarter
                    },
                    &posted,
                ));
                state
                    .service
                    .edit_as(&auth.principal, now, s.record.record_id, expected, content)
                    .await?
            }
            None => {
                let content = Content::BriefingReport(draft(&unit, quarter, &posted));
                state.service.add_as(&auth.principal, now, content).await?
            }
        };
        Ok::<_, bienphong_service::ServiceError>(rev)
    }
    .await;
    let rev = match written {
        Ok(rev) => rev,
        Err(e) => {
            let (status, message) = write_error_line(lang, e);
            let mut r = report_response(
                &state,
                &auth,
                &unit,
                quarter,
                &back,
                Some((&posted, message)),
            )
            .await;
            *r.status_mut() = status;
            return r;
        }
    };
    if submit
        && let Err(e) =
            submit_briefing(&state, &auth.principal, lang, &unit, quarter, Some(rev.id)).await
    {
        let mut r = report_response(
            &state,
            &auth,
            &unit,
            quarter,
            &back,
            Some((&posted, e.message)),
        )
        .await;
        *r.status_mut() = e.status;
        return r;
    }
    Redirect::to(&format!("/briefings/{unit}?{}", query_of(&quarter))).into_response()
}

/// The report as Markdown or DOCX (Decree 30 letterhead of the unit).
pub(super) async fn download(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(unit): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let auth = signed_in!(state, headers, "/briefings");
    let lang = auth.lang;
    let result = async {
        let (unit, quarter) = target(&state, &auth.principal, lang, &unit, &q).await?;
        let view = bienphong_report::briefing_view(&state.service, &unit, quarter, today())
            .await
            .map_err(|e| report_error(lang, e))?;
        let md =
            bienphong_report::briefing_to_markdown(&view).map_err(|e| report_error(lang, e))?;
        let name = format!(
            "bao-cao-giao-ban-{}-q{}-{}",
            unit.as_str().to_lowercase(),
            view.quarter.quarter,
            view.quarter.year
        );
        if q.get("format").map(String::as_str) == Some("docx") {
            let org = state
                .service
                .org_shared()
                .await
                .map_err(|e| ApiError::from_service(lang, e))?;
            let day = view
                .report
                .as_ref()
                .and_then(|r| r.submitted_on)
                .unwrap_or_else(today);
            let head =
                bienphong_report::Letterhead::for_scope(&org, Some(&unit), view.period.to, day);
            let bytes = bienphong_report::markdown_to_docx(&md, &head)
                .map_err(|e| report_error(lang, e))?;
            Ok::<_, ApiError>((
                bytes,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                format!("{name}.docx"),
            ))
        } else {
            Ok((
                md.into_bytes(),
                "text/markdown; charset=utf-8",
                format!("{name}.md"),
            ))
        }
    }
    .await;
    match result {
        Ok((body, kind, file)) => attachment(body, kind, &file),
        Err(e) => page_error(lang, e),
    }
}
