//! Documents between agencies on the web (ADR 0019): a document's edXML
//! packet downloaded (`GET /api/v1/documents/{id}/edxml`, "Tải gói edXML"
//! on its page) and a packet received (`POST /api/v1/edxml`, "Nhận gói
//! edXML"). A packet made here is unsigned: signing needs the user's own
//! key, which stays on their machine (`bienphong edxml export --sign`).

use crate::error::{ApiError, Error};
use crate::extract::{ApiCaller, SignedIn};
use crate::resources::attachments::{missing_file, read_upload};
use crate::resources::records::parse_record_id;
use crate::view::attachment;
use crate::{AppState, now_ms};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::Content;
use bienphong_domain::exchange::SignatureCheck;
use bienphong_i18n::Lang;
use bienphong_service::edxml::Imported;
use serde_json::{Value, json};

/// The words for a signature's state, in `lang`.
pub fn signature_words(lang: Lang, s: &SignatureCheck) -> String {
    lang.text(&format!("signature-state-{}", s.state.as_str()), &[])
}

fn imported_json(lang: Lang, i: &Imported) -> Value {
    let s = &i.exchange.signature;
    json!({
        "id": i.record.to_string(),
        "revision": i.revision.id.to_string(),
        "document_id": i.exchange.document_id,
        "kind": i.kind.as_str(),
        "files": i.files,
        "earlier": i.earlier.map(|e| e.to_string()),
        "signature": {
            "state": s.state.as_str(),
            "text": signature_words(lang, s),
            "subject": s.subject.as_str(),
            "reason": s.reason.as_str(),
        },
        "href": format!("/api/v1/documents/{}", i.record),
        "status_href": format!("/api/v1/documents/{}/edxml/status", i.record),
    })
}

/// A document record's packet, to save and send.
pub async fn export(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let id = parse_record_id(caller.lang, &id)?;
    let xml = state
        .service
        .document_packet_as(&caller.principal, now_ms(), id)
        .await?;
    Ok(xml_file(xml, &format!("edxml-{id}.xml")))
}

/// A packet as a download.
fn xml_file(xml: String, name: &str) -> Response {
    attachment(xml.into_bytes(), "application/xml", name)
}

/// The packet of a multipart upload (field `file`), up to the attachment
/// limit.
async fn packet_of(
    state: &AppState,
    lang: Lang,
    multipart: Multipart,
) -> Result<(Vec<u8>, crate::forms::Posted), ApiError> {
    let upload = read_upload(lang, multipart, state.config.max_attachment_bytes).await?;
    match upload.file {
        Some((_, bytes)) if !bytes.is_empty() => Ok((bytes, upload.fields)),
        _ => Err(missing_file(lang)),
    }
}

/// `POST /api/v1/edxml`: a packet received.
pub async fn import(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    multipart: Multipart,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let (bytes, _) = packet_of(&state, lang, multipart).await?;
    let imported = state
        .service
        .import_edxml_as(
            &caller.principal,
            now_ms(),
            &bytes,
            state.config.max_attachment_bytes,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(imported_json(lang, &imported))).into_response())
}

/// The "Nhận gói edXML" form: the new document's page, saying how its
/// signature was found.
pub async fn import_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    multipart: Multipart,
) -> Result<Response, Error> {
    let (bytes, fields) = packet_of(&state, auth.lang, multipart).await?;
    auth.check_csrf(&fields)?;
    let imported = state
        .service
        .import_edxml_as(
            &auth.principal,
            now_ms(),
            &bytes,
            state.config.max_attachment_bytes,
        )
        .await?;
    Ok(Redirect::to(&format!("/records/documents/{}?received", imported.record)).into_response())
}

/// `GET /api/v1/documents/{id}/edxml/status`: the status packet of a
/// document received as a packet, to hand back to its sender.
pub async fn status(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let id = parse_record_id(caller.lang, &id)?;
    let xml = state
        .service
        .status_packet_as(&caller.principal, now_ms(), id)
        .await?;
    Ok(xml_file(xml, &format!("edxml-status-{id}.xml")))
}

/// `POST /api/v1/edxml/status`: a recipient's status packet about a
/// document sent from here.
pub async fn receive_status(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    multipart: Multipart,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let (bytes, _) = packet_of(&state, lang, multipart).await?;
    let r = state
        .service
        .receive_status_as(&caller.principal, now_ms(), &bytes)
        .await?;
    Ok(Json(json!({
        "id": r.record.to_string(),
        "revision": r.revision.id.to_string(),
        "organ": r.organ,
        "status": r.status.as_str(),
        "text": lang.text(&format!("exchange-status-{}", r.status.as_str()), &[]),
    }))
    .into_response())
}

/// The schemas of the routes above, for the OpenAPI document.
pub fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "EdxmlUpload",
            json!({"type": "object", "required": ["file"], "properties": {
                "file": {"type": "string", "format": "binary",
                    "description": "an edXML packet (QCVN 102:2016/BTTTT), at most the attachment limit"}}}),
        ),
        (
            "EdxmlImported",
            json!({"type": "object",
                "required": ["id", "revision", "document_id", "kind", "files", "earlier", "signature", "href", "status_href"],
                "properties": {
                    "id": {"type": "string", "format": "uuid", "description": "the new document record"},
                    "revision": {"type": "string"},
                    "document_id": {"type": "string", "description": "the document's identifier across the exchange (OrganId,year,number)"},
                    "kind": {"type": "string", "enum": ["new", "replacement", "revocation", "update"]},
                    "files": {"type": "integer", "description": "files taken in"},
                    "earlier": {"type": "string", "format": "uuid", "nullable": true,
                        "description": "the earlier document marked replaced, revoked or updated"},
                    "signature": {"type": "object", "required": ["state", "text", "subject", "reason"],
                        "properties": {
                            "state": {"type": "string", "enum": ["valid", "invalid", "unsigned"]},
                            "text": {"type": "string", "description": "the state in words, in the caller's language"},
                            "subject": {"type": "string", "description": "the signer's certificate subject"},
                            "reason": {"type": "string", "description": "why it is invalid"}}},
                    "href": {"type": "string"},
                    "status_href": {"type": "string",
                        "description": "the status packet (received) to hand back to the sender"}}}),
        ),
        (
            "EdxmlStatusReceived",
            json!({"type": "object", "required": ["id", "revision", "organ", "status", "text"],
                "properties": {
                    "id": {"type": "string", "format": "uuid", "description": "the outgoing document answered for"},
                    "revision": {"type": "string"},
                    "organ": {"type": "string", "description": "the recipient's agency identifier"},
                    "status": {"type": "string", "enum": ["received", "accepted", "rejected", "processing", "done", "failed"]},
                    "text": {"type": "string", "description": "the status in words, in the caller's language"}}}),
        ),
    ]
}

/// How a document came or went as a packet, as its page shows it: the
/// exchange identifier, the sender, each signature's state in words.
/// `handling`: where an incoming document's handling stands here (what
/// its status packet would tell the sender).
pub fn exchange_lines(
    lang: Lang,
    content: &Content,
    handling: Option<bienphong_domain::exchange::Status>,
) -> Vec<(String, String)> {
    let Content::Document(d) = content else {
        return Vec::new();
    };
    let Some(x) = d.exchange.as_deref() else {
        return Vec::new();
    };
    let t = |k: &str| lang.text(k, &[]);
    let signature = |s: &SignatureCheck| {
        let mut words = signature_words(lang, s);
        for more in [s.subject.as_str(), s.reason.as_str()] {
            if !more.is_empty() {
                words.push_str(" · ");
                words.push_str(more);
            }
        }
        words
    };
    let mut lines = vec![
        (t("exchange-document-id"), x.document_id.clone()),
        (
            t("exchange-sender"),
            format!("{} ({})", x.sender_name.as_str(), x.sender),
        ),
        (t("exchange-signature"), signature(&x.signature)),
    ];
    if let Some(status) = handling {
        lines.push((
            t("exchange-handling"),
            t(&format!("exchange-status-{}", status.as_str())),
        ));
    }
    for f in &x.file_signatures {
        lines.push((
            format!("{} {}", t("exchange-file-signature"), f.file.as_str()),
            signature(f),
        ));
    }
    for r in &x.deliveries {
        let mut words = t(&format!("exchange-status-{}", r.status.as_str()));
        for more in [r.at.as_str(), r.description.as_str()] {
            if !more.is_empty() {
                words.push_str(" · ");
                words.push_str(more);
            }
        }
        let name = if r.organ_name.is_empty() {
            r.organ.clone()
        } else {
            format!("{} ({})", r.organ_name.as_str(), r.organ)
        };
        lines.push((format!("{} {name}", t("exchange-delivery")), words));
    }
    if let Some(s) = &x.superseded {
        lines.push((
            t(&format!("exchange-superseded-{}", s.kind.as_str())),
            s.by.clone(),
        ));
    }
    lines
}
