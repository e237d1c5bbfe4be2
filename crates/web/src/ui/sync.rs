//! The sync page ("Đồng bộ", docs/sync-protocol.md §10): on a server, each
//! node with its last sync and what waits for it; on a node, its server,
//! its last sync and what it has still to send. The same figures as `GET
//! /api/v1/sync/status`.

use super::{Frame, Gate, frame, gate, page_error, render};
use crate::AppState;
use crate::api::{PeerOut, SyncStatusOut, sync_status_of};
use crate::error::ApiError;
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use bienphong_domain::format;

#[derive(Template)]
#[template(path = "sync.html")]
struct SyncPage {
    f: Frame,
    s: SyncStatusOut,
    /// The list of nodes is left out on a node that no node syncs with.
    show_nodes: bool,
}

impl SyncPage {
    fn count(&self, n: &u64) -> String {
        format::integer(i64::try_from(*n).unwrap_or(i64::MAX))
    }

    fn waiting(&self, p: &PeerOut) -> String {
        let n = self.count(&p.waiting);
        if p.waiting_exact {
            n
        } else {
            format!("≥ {n}")
        }
    }

    fn every(&self, seconds: &u64) -> String {
        let key = match seconds {
            s if s % 3600 == 0 => ("hours", s / 3600),
            s if s % 60 == 0 => ("minutes", s / 60),
            s => ("seconds", *s),
        };
        self.f.t.0.text(
            &format!("sync-every-{}", key.0),
            &[("n", key.1.to_string())],
        )
    }
}

pub async fn status_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let auth = signed_in!(state, headers, "/sync");
    let lang = auth.lang;
    let result = async {
        let s = sync_status_of(&state, &auth.principal, lang).await?;
        let org = state
            .service
            .org_shared()
            .await
            .map_err(|e| ApiError::from_service(lang, e))?;
        Ok::<_, ApiError>((s, org))
    }
    .await;
    let (s, org) = match result {
        Ok(v) => v,
        Err(e) => return page_error(lang, e),
    };
    render(SyncPage {
        f: frame(&auth, &org, "/sync"),
        show_nodes: s.node.is_none() || !s.nodes.is_empty(),
        s,
    })
}
