//! The audit log, for administrators: the page and `GET /api/v1/audit`.

use crate::AppState;
use crate::error::Error;
use crate::extract::{ApiAdmin, PageAdmin, back_of};
use crate::params;
use crate::view::{Frame, frame, render, when};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::{Value, json};

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    f: Frame,
    entries: Vec<bienphong_store::AuditEntry>,
    actor: String,
    action: String,
    outcome: String,
    older: Option<String>,
}

impl AuditPage {
    fn when(&self, ms: &i64) -> String {
        when(*ms)
    }

    /// An action's or an outcome's label; the code when it has none.
    fn label(&self, prefix: &str, code: &str) -> String {
        self.f.t.0.label(prefix, code)
    }

    /// A record type's label ("Tuần tra"), the code when it has none.
    fn record_type(&self, code: &str) -> String {
        self.f.t.0.label("type-", code)
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageAdmin(auth): PageAdmin,
    uri: axum::http::Uri,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let mut filter = params::audit_filter(auth.lang, &q)?;
    filter.limit = 100;
    let entries = state.service.audit_entries(&filter).await?;
    let org = state.service.org_shared().await?;
    let text = |k: &str| q.get(k).cloned().unwrap_or_default();
    let older = (entries.len() == 100)
        .then(|| entries.last().map(|e| e.seq))
        .flatten()
        .map(|seq| {
            serde_urlencoded::to_string([
                ("actor", text("actor")),
                ("action", text("action")),
                ("outcome", text("outcome")),
                ("before", seq.to_string()),
            ])
            .unwrap_or_default()
        });
    Ok(render(AuditPage {
        f: frame(&auth, &org, &back_of(&uri)),
        entries,
        actor: text("actor"),
        action: text("action"),
        outcome: text("outcome"),
        older,
    }))
}

pub async fn list(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    Query(q): Query<params::Query>,
) -> Result<Json<Value>, Error> {
    let filter = params::audit_filter(caller.lang, &q)?;
    let entries = state.service.audit_entries(&filter).await?;
    Ok(Json(json!({
        "items": entries.iter().map(|e| json!({
            "seq": e.seq, "at_ms": e.at_ms, "actor": e.actor, "action": e.action,
            "outcome": e.outcome, "record_type": e.record_type, "record_id": e.record_id,
            "unit": e.unit, "detail": e.detail, "address": e.address,
        })).collect::<Vec<_>>()
    })))
}
