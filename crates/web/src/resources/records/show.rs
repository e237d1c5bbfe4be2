//! A record: its page (fields, whole history with what each revision
//! changed) and `GET /api/v1/<collection>/<id>` with its history.

use super::{in_collection, parse_record_id, record_json, record_path, revision_json};
use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, SignedIn};
use crate::view::{Frame, Tr, describe, field_label, frame, render, shown_values, unit_name, when};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use bienphong_domain::fields::{self, Item};
use bienphong_domain::org::Org;
use bienphong_domain::{Content, RecordType};
use bienphong_i18n::Lang;
use serde_json::{Value, json};
use std::collections::HashMap;

pub struct HistoryLine {
    pub revision: String,
    pub author: String,
    pub when: String,
    pub what: String,
    pub changes: Vec<String>,
}

/// A file attached to the record, as its page lists it.
pub struct FileLine {
    pub name: String,
    pub kind: String,
    pub size: String,
    pub by: String,
    pub when: String,
    pub hash: String,
    /// The node left it on its server: shown as not yet fetched.
    pub present: bool,
}

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    f: Frame,
    title: String,
    kind: String,
    id: String,
    revision: String,
    fields: Vec<(String, String)>,
    history: Vec<HistoryLine>,
    saved: bool,
    can_edit: bool,
    in_conflict: bool,
    files: Vec<FileLine>,
    /// The signed-in person may attach and remove files.
    can_attach: bool,
    max_size: String,
    attached: bool,
    /// This server is a field node's: a file left on its server can be
    /// fetched from here.
    on_node: bool,
    signoff: Option<SignoffSection>,
    /// How a document came or went as an edXML packet.
    exchange: Vec<(String, String)>,
    /// The reader may receive a packet (write documents).
    can_receive: bool,
    /// The page follows a packet just received.
    received: bool,
}

/// One required signer on the record page.
pub struct SignerLine {
    pub label: String,
    pub state_code: &'static str,
    pub state: String,
    pub detail: String,
}

/// The sign-off of a document or briefing report, as its page shows it.
pub struct SignoffSection {
    pub summary: String,
    pub lines: Vec<SignerLine>,
    /// The required positions the reader holds: `position@UNIT` and label.
    pub mine: Vec<(String, String)>,
    /// Recipient units the reader may acknowledge for.
    pub ack_units: Vec<(String, String)>,
    /// The required actions: index, text, owner, due day.
    pub actions: Vec<(u32, String, String, String)>,
    pub answers: Vec<String>,
    pub overdue: Vec<String>,
}

/// Who answered, when, and whether the store vouches for it.
fn answered_by(lang: Lang, a: &bienphong_domain::signoff::Answer) -> String {
    let tr = Tr(lang);
    let name = if a.signoff.signer_name.is_empty() {
        a.signoff.signer.as_str().to_string()
    } else {
        format!(
            "{} ({})",
            a.signoff.signer_name.as_str(),
            a.signoff.signer.as_str()
        )
    };
    let vouched = if a.verified {
        tr.get("signoff-verified")
    } else {
        tr.get("signoff-claimed")
    };
    let mut text = format!(
        "{name} · {} · {vouched}",
        bienphong_domain::format::date(a.signoff.date)
    );
    if !a.signoff.comment.is_empty() {
        text.push_str(&format!(" · «{}»", a.signoff.comment.as_str()));
    }
    text
}

async fn signoff_section(
    state: &AppState,
    auth: &crate::extract::Authenticated,
    org: &Org,
    record_id: bienphong_domain::RecordId,
) -> Result<Option<SignoffSection>, Error> {
    use bienphong_domain::signoff::{SignerState, is_recipient};
    let lang = auth.lang;
    let tr = Tr(lang);
    let view = match state
        .service
        .signoff_as(&auth.principal, now_ms(), record_id)
        .await
    {
        Ok(v) => v,
        Err(bienphong_service::ServiceError::Signoff(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let recipients: Vec<bienphong_domain::org::Code> = match &view.content {
        Content::Document(d) => d.recipients.iter().map(|r| r.unit.clone()).collect(),
        _ => Vec::new(),
    };
    if view.signers.is_empty() && recipients.is_empty() {
        return Ok(None);
    }
    let held = match &auth.principal.user_id {
        Some(id) => state
            .service
            .positions()
            .await?
            .remove(id)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let label = |s: &bienphong_domain::signoff::Signer| {
        format!(
            "{} · {}",
            tr.get(&format!("position-{}", s.position)),
            unit_name(org, s.unit.as_str(), lang)
        )
    };
    let lines = view
        .signers
        .iter()
        .map(|(s, st)| SignerLine {
            label: label(s),
            state_code: st.as_str(),
            state: tr.get(&format!("signoff-state-{}", st.as_str())),
            detail: match st {
                SignerState::Pending => String::new(),
                other => other
                    .answer()
                    .map(|a| answered_by(lang, a))
                    .unwrap_or_default(),
            },
        })
        .collect();
    let mine = view
        .signers
        .iter()
        .filter(|(s, _)| held.contains(s))
        .map(|(s, _)| (s.to_string(), label(s)))
        .collect();
    let day = bienphong_service::today();
    let grant = &auth.principal.grant;
    let ack_units = recipients
        .iter()
        .filter(|u| {
            grant.is_admin()
                || (grant.role == bienphong_domain::access::Role::Editor
                    && grant.write_scope(org, day).contains(*u))
                || held.iter().any(|h| &h.unit == *u)
        })
        .filter(|u| is_recipient(&view.content, u))
        .map(|u| (u.to_string(), unit_name(org, u.as_str(), lang)))
        .collect();
    let actions = bienphong_domain::signoff::actions(&view.content)
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                u32::try_from(i).unwrap_or(u32::MAX),
                a.text.as_str().to_string(),
                unit_name(org, a.owner_unit.as_str(), lang),
                a.due
                    .map(bienphong_domain::format::date)
                    .unwrap_or_default(),
            )
        })
        .collect();
    let answers = view
        .answers
        .iter()
        .map(|a| {
            format!(
                "{} · {} · {}",
                tr.get(&format!("signoff-decision-{}", a.signoff.decision.as_str())),
                unit_name(org, a.signoff.unit.as_str(), lang),
                answered_by(lang, a)
            )
        })
        .collect();
    let overdue = view
        .overdue
        .iter()
        .map(|o| {
            let what = match &o.action {
                Some((_, text)) => text.as_str().to_string(),
                None => tr.get("signoff-acknowledgement"),
            };
            format!(
                "{} · {what} · {} {}",
                unit_name(org, o.unit.as_str(), lang),
                tr.get("signoff-due"),
                bienphong_domain::format::date(o.due)
            )
        })
        .collect();
    let summary = if view.fully_signed {
        tr.get("signoff-fully-signed")
    } else if view
        .signers
        .iter()
        .any(|(_, s)| matches!(s, SignerState::Void(_)))
    {
        tr.get("signoff-voided")
    } else if view.signers.is_empty() {
        String::new()
    } else {
        tr.get("signoff-awaiting")
    };
    Ok(Some(SignoffSection {
        summary,
        lines,
        mine,
        ack_units,
        actions,
        answers,
        overdue,
    }))
}

/// The fields of a stored record as label/value lines, values as people
/// read them ([`shown_values`]).
fn shown_fields(org: &Org, lang: Lang, t: RecordType, value: &Value) -> Vec<(String, String)> {
    let shown = shown_values(org, lang, t, value);
    let mut keys: Vec<&String> = shown.keys().collect();
    keys.sort_by_key(|k| {
        let base = k.split(['[', '.']).next().unwrap_or(k).to_string();
        let order = fields::form_of(t)
            .iter()
            .position(|i| match i {
                Item::Field(f) => f.name == base,
                Item::Rows { name, .. } => *name == base,
            })
            .unwrap_or(usize::MAX);
        (order, (*k).clone())
    });
    keys.into_iter()
        .map(|k| (field_label(lang, k), shown[k].clone()))
        .collect()
}

/// What a revision changed, "field: before → after", read like the page.
fn changes(org: &Org, lang: Lang, t: RecordType, before: &str, after: &str) -> Vec<String> {
    let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
    let (a, b) = (
        shown_values(org, lang, t, &parse(before)),
        shown_values(org, lang, t, &parse(after)),
    );
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let show =
                |p: &HashMap<String, String>| p.get(k).cloned().unwrap_or_else(|| "—".into());
            format!("{}: {} → {}", field_label(lang, k), show(&a), show(&b))
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Path((kind, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, Error> {
    let back = format!("/records/{kind}/{id}");
    let lang = auth.lang;
    let (t, record_id) = record_path(&kind, &id).ok_or_else(|| ApiError::not_found(lang))?;
    let org = state.service.org_shared().await?;
    let (record, content) = state
        .service
        .read_as(&auth.principal, now_ms(), record_id)
        .await?;
    let revisions = state
        .service
        .history_as(&auth.principal, now_ms(), record_id)
        .await?;
    if record.record_type != t {
        return Err(ApiError::not_found(lang).into());
    }
    let in_conflict =
        bienphong_domain::revision::heads(revisions.iter().map(|r| (r.id, r.parents.as_slice())))
            .len()
            > 1;
    let by = state.service.attributions(&revisions).await?;
    let tr = Tr(lang);
    let mut history = Vec::new();
    for (r, by) in revisions.iter().zip(&by) {
        let what = if r.deleted {
            tr.get("history-deleted")
        } else if r.parents.is_empty() {
            tr.get("history-created")
        } else {
            tr.get("history-edited")
        };
        let changed = match bienphong_domain::revision::parent_content(&revisions, r) {
            Some(before) if !r.deleted => changes(&org, lang, t, before, &r.content),
            _ => vec![],
        };
        history.push(HistoryLine {
            revision: r.id.to_string(),
            author: lang.attribution(by),
            when: when(r.created_ms),
            what,
            changes: changed,
        });
    }
    history.reverse();
    let files = state
        .service
        .attachments_of(record_id)
        .await?
        .into_iter()
        .map(|v| FileLine {
            name: v.attachment.name.to_string(),
            kind: file_kind(&v.attachment.content_type),
            size: bienphong_domain::attachment::size_text(v.attachment.size),
            by: lang.attribution(&bienphong_domain::revision::attribution(&v.author, None)),
            when: when(v.created_ms),
            hash: v.attachment.hash,
            present: v.present,
        })
        .collect();
    let value: Value = serde_json::from_str(&record.content).unwrap_or(Value::Null);
    let signoff = match t {
        RecordType::Document | RecordType::BriefingReport => {
            signoff_section(&state, &auth, &org, record_id).await?
        }
        _ => None,
    };
    let can_edit = auth.principal.grant.may_write_type(t)
        && auth.principal.grant.allows(
            bienphong_domain::access::Access::Write,
            &org,
            &content,
            None,
        );
    let can_attach = auth.principal.grant.is_admin()
        || (auth.principal.grant.may_write_type(RecordType::Attachment) && can_edit);
    // Only a document that came as a packet has a handling to show.
    let handling = match &content {
        Content::Document(d) if d.exchange.is_some() => {
            state.service.incoming_status(record_id).await.ok()
        }
        _ => None,
    };
    Ok(render(RecordPage {
        title: format!(
            "{} · {}",
            tr.get(&format!("type-{t}")),
            describe(&org, lang, &content)
        ),
        f: frame(&auth, &org, &back),
        kind,
        id: record_id.to_string(),
        revision: record.revision_id.to_string(),
        fields: shown_fields(&org, lang, t, &value),
        history,
        saved: q.contains_key("saved"),
        can_edit: can_edit && !in_conflict,
        in_conflict,
        files,
        can_attach,
        max_size: bienphong_domain::attachment::size_text(state.config.max_attachment_bytes),
        attached: q.contains_key("attached"),
        on_node: auth.on_node,
        signoff,
        exchange: crate::resources::edxml::exchange_lines(lang, &content, handling),
        can_receive: t == RecordType::Document
            && auth.principal.grant.may_write_type(RecordType::Document),
        received: q.contains_key("received"),
    }))
}

/// A content type as a short name people know: PDF, DOCX, JPEG…
fn file_kind(content_type: &str) -> String {
    match content_type {
        "application/pdf" => "PDF",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "XLSX",
        "application/vnd.oasis.opendocument.text" => "ODT",
        "application/vnd.oasis.opendocument.spreadsheet" => "ODS",
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        t if t.starts_with("text/plain") => "TXT",
        other => other,
    }
    .to_string()
}

pub async fn get(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let (record, _) = state
        .service
        .read_as(&caller.principal, now_ms(), id)
        .await?;
    in_collection(lang, t, &record)?;
    Ok((
        super::etag::etag_header(record.revision_id),
        Json(record_json(&record)),
    )
        .into_response())
}

pub async fn history(
    t: RecordType,
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    let lang = caller.lang;
    let id = parse_record_id(lang, &id)?;
    let revisions = state
        .service
        .history_as(&caller.principal, now_ms(), id)
        .await?;
    if revisions.first().is_some_and(|r| r.record_type != t) {
        return Err(ApiError::not_found(lang).into());
    }
    Ok(Json(json!({
        "items": revisions.iter().map(revision_json).collect::<Vec<_>>()
    })))
}
