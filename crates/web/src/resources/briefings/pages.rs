//! The briefing pages: the roll of a quarter, a unit's report with its
//! narrative form, and its download.

use super::{briefing_unit, submit_briefing};
use crate::error::Error;
use crate::extract::{Authenticated, CsrfForm, SignedIn, back_of};
use crate::params;
use crate::view::{
    Frame, Tr, frame, markdown_html, render, unit_name, unit_options, write_error_line,
};
use crate::{AppState, now_ms};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::access::Access;
use bienphong_domain::format;
use bienphong_domain::org::Code;
use bienphong_domain::record::{BriefingReport, BriefingStatus};
use bienphong_domain::text::Text;
use bienphong_domain::{Content, RevisionId};
use bienphong_i18n::Lang;
use bienphong_report::{BriefingQuarter, BriefingView};
use bienphong_service::{Principal, today};
use std::collections::HashMap;

/// The unit and quarter of a report page, if `who` may read the unit's.
pub(super) async fn target(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    unit: &str,
    q: &params::Query,
) -> Result<(Code, BriefingQuarter), Error> {
    let quarter = params::quarter_or_current(lang, q)?;
    let unit = briefing_unit(state, who, lang, unit).await?;
    Ok((unit, quarter))
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
    lang: Lang,
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

pub async fn roll_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let lang = auth.lang;
    let t = Tr(lang);
    let quarter = params::quarter_or_current(lang, &q)?;
    let scope = params::scope(&state, &auth.principal, lang, &q).await?;
    let roll =
        bienphong_report::briefing_roll(&state.service, scope.as_ref(), quarter, today()).await?;
    let org = state.service.org_shared().await?;
    let query = params::briefing_query(&quarter);
    let lines = roll
        .rows
        .iter()
        .map(|r| RollLine {
            unit: unit_name(&org, &r.unit.code, lang),
            href: format!("/briefings/{}?{query}", r.unit.code),
            kind: t.choice(r.kind),
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
    Ok(render(RollPage {
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
    }))
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
    /// The same, as the DOCX settings form's hidden fields.
    query_fields: Vec<(String, String)>,
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
        signers: vec![],
    }
}

async fn report_response(
    state: &AppState,
    auth: &Authenticated,
    unit: &Code,
    quarter: BriefingQuarter,
    back: &str,
    posted: Option<(&HashMap<String, Vec<String>>, String)>,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let t = Tr(lang);
    let view = bienphong_report::briefing_view(&state.service, unit, quarter, today()).await?;
    let md = bienphong_report::briefing_to_markdown(&view)?;
    let org = state.service.org_shared().await?;
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
    Ok(render(ReportPage {
        title: format!("{} · {}", unit_name(&org, unit.as_str(), lang), view.name),
        state: format!(
            "{status} · {}",
            bienphong_report::state_text(lang, view.state, view.report.is_some() && !submitted)
        ),
        due: format::date(view.due),
        html: markdown_html(&md),
        query: params::briefing_query(&view.quarter),
        query_fields: serde_urlencoded::from_str(&params::briefing_query(&view.quarter))
            .unwrap_or_default(),
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
    }))
}

pub async fn report_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Path(unit): Path<String>,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let (unit, quarter) = target(&state, &auth.principal, auth.lang, &unit, &q).await?;
    report_response(&state, &auth, &unit, quarter, &back, None).await
}

/// Saves the narrative of a unit's report (creating the draft if needed)
/// and, when asked, submits it.
pub async fn save(
    State(state): State<AppState>,
    uri: axum::http::Uri,
    Path(unit): Path<String>,
    Query(q): Query<params::Query>,
    CsrfForm { auth, form: posted }: CsrfForm,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let lang = auth.lang;
    let (unit, quarter) = target(&state, &auth.principal, lang, &unit, &q).await?;
    let expected = posted
        .get("revision")
        .and_then(|v| v.first())
        .and_then(|r| r.parse::<RevisionId>().ok());
    let submit = posted
        .get("action")
        .and_then(|v| v.first())
        .is_some_and(|a| a == "submit");
    let now = now_ms();
    let written = async {
        let stored = state
            .service
            .briefing_report(&unit, quarter.year, quarter.quarter)
            .await?;
        let rev = match stored {
            Some(s) => {
                let mut report = draft(
                    &unit,
                    BriefingQuarter {
                        cutoff: s.report.cutoff,
                        ..quarter
                    },
                    &posted,
                );
                // The page does not set who must sign: it keeps them.
                report.signers = s.report.signers.clone();
                let content = Content::BriefingReport(report);
                state
                    .service
                    .edit_as(
                        &auth.principal,
                        now,
                        s.record.record_id,
                        expected,
                        content,
                        false,
                    )
                    .await?
            }
            None => {
                let content = Content::BriefingReport(draft(&unit, quarter, &posted));
                state
                    .service
                    .add_as(&auth.principal, now, content, false)
                    .await?
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
            .await?;
            *r.status_mut() = status;
            return Ok(r);
        }
    };
    if submit
        && let Err(e) =
            submit_briefing(&state, &auth.principal, lang, &unit, quarter, Some(rev.id)).await
    {
        let e = e.answer(lang);
        let mut r = report_response(
            &state,
            &auth,
            &unit,
            quarter,
            &back,
            Some((&posted, e.message)),
        )
        .await?;
        *r.status_mut() = e.status;
        return Ok(r);
    }
    Ok(Redirect::to(&format!(
        "/briefings/{unit}?{}",
        params::briefing_query(&quarter)
    ))
    .into_response())
}
