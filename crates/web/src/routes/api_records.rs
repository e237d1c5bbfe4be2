//! The API routes of the record collections: each type's list, item, history,
//! sign-off and attached files.

use super::{ApiRoute, CONFIRM_QUERY, LIST_QUERY, collection, route};
use crate::openapi;
use crate::resources::{attachments, edxml, records, reports, signoff};
use axum::http::Method;
use axum::routing::on;
use bienphong_domain::RecordType;

/// The API routes of every record collection.
pub(super) fn api_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    let mut routes = Vec::new();
    routes.push(ApiRoute {
        query: &[(
            "lang",
            "vi (default) or en: the document in English, for foreign partners",
        )],
        ..route(
            Method::GET,
            "/api/v1/documents/{id}/docx",
            "A document record as a DOCX: its letterhead, subject, recipients, actions and signer blocks",
            "reports",
            &[200, 404, 422],
            on(F::GET, reports::document_docx),
        )
    });
    routes.extend(edxml_routes());
    for t in [RecordType::Document, RecordType::BriefingReport] {
        let path = format!("/api/v1/{}/{{id}}/signoff", collection(t));
        routes.push(ApiRoute {
            response: Some("Signoff"),
            ..route(
                Method::GET,
                path.clone(),
                format!("The sign-off of a {t}: each required signer's state, every answer"),
                "signoff",
                &[200, 404, 422],
                on(F::GET, move |s, caller, id| signoff::get(t, s, caller, id)),
            )
        });
        routes.push(ApiRoute {
            body: Some("SignoffRequest"),
            response: Some("Signoff"),
            ..route(
                Method::POST,
                path,
                format!(
                    "Sign a {t} in a position you hold, return it with a comment, or \
                     acknowledge it for a recipient unit (with what it did on the required actions)"
                ),
                "signoff",
                &[201, 400, 403, 404, 409, 422],
                on(F::POST, move |s, caller, id, body| {
                    signoff::answer(t, s, caller, id, body)
                }),
            )
        });
    }
    for t in RecordType::ALL {
        if t == RecordType::Attachment {
            continue;
        }
        let c = collection(t);
        let base = format!("/api/v1/{c}");
        let item = format!("{base}/{{id}}");
        routes.push(ApiRoute {
            query: LIST_QUERY,
            response: Some("RecordList"),
            ..route(
                Method::GET,
                base.clone(),
                format!("List {t} records, a page at a time"),
                c,
                &[200, 400],
                on(F::GET, move |s, q, caller| {
                    records::list::list(t, s, q, caller)
                }),
            )
        });
        routes.push(ApiRoute {
            query: CONFIRM_QUERY,
            body: Some(openapi::content_schema(t)),
            response: Some("Record"),
            etag: true,
            ..route(
                Method::POST,
                base,
                format!("Create a {t} record"),
                c,
                &[201, 400, 403, 422],
                on(F::POST, move |s, caller, q, body| {
                    records::write::create(t, s, caller, q, body)
                }),
            )
        });
        routes.push(ApiRoute {
            response: Some("Record"),
            etag: true,
            ..route(
                Method::GET,
                item.clone(),
                format!("Get a {t} record"),
                c,
                &[200, 404],
                on(F::GET, move |s, caller, id| {
                    records::show::get(t, s, caller, id)
                }),
            )
        });
        routes.push(ApiRoute {
            query: CONFIRM_QUERY,
            body: Some("UpdateRequest"),
            response: Some("Record"),
            etag: true,
            ..route(
                Method::PUT,
                item.clone(),
                format!(
                    "Replace a {t} record's content (name the revision you edited: \
                     If-Match, or the body's revision)"
                ),
                c,
                &[200, 400, 403, 404, 409, 412, 422],
                on(F::PUT, move |s, caller, id, headers, q, body| {
                    records::write::update(t, s, caller, id, headers, q, body)
                }),
            )
        });
        routes.push(ApiRoute {
            query: &[(
                "revision",
                "the revision you are deleting (the server also takes a request without it \
                 when If-Match names it)",
            )],
            required: &["revision"],
            response: Some("Revision"),
            etag: true,
            ..route(
                Method::DELETE,
                item.clone(),
                format!("Delete a {t} record (its history stays)"),
                c,
                &[200, 400, 403, 404, 409, 412, 422],
                on(F::DELETE, move |s, caller, id, headers, q| {
                    records::write::delete(t, s, caller, id, headers, q)
                }),
            )
        });
        routes.push(ApiRoute {
            response: Some("History"),
            ..route(
                Method::GET,
                format!("{item}/history"),
                format!("Every revision of a {t} record"),
                c,
                &[200, 404],
                on(F::GET, move |s, caller, id| {
                    records::show::history(t, s, caller, id)
                }),
            )
        });
        attachment_api_routes(&mut routes, t, &item);
    }
    routes
}

/// The files of a `t` record (`resources/attachments.rs`).
fn attachment_api_routes(routes: &mut Vec<ApiRoute>, t: RecordType, item: &str) {
    use axum::routing::MethodFilter as F;
    let c = collection(t);
    let files = format!("{item}/attachments");
    let file = format!("{files}/{{hash}}");
    routes.push(ApiRoute {
        response: Some("AttachmentList"),
        ..route(
            Method::GET,
            files.clone(),
            format!("The files attached to a {t} record"),
            c,
            &[200, 404],
            on(F::GET, move |s, caller, id| {
                attachments::list(t, s, caller, id)
            }),
        )
    });
    routes.push(ApiRoute {
        body: Some("AttachmentUpload"),
        response: Some("AttachmentItem"),
        file_upload: true,
        ..route(
            Method::POST,
            files,
            format!(
                "Attach a file to a {t} record (multipart, field `file`): its type is read \
                 from its bytes (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, UTF-8 text, GPX), it is \
                 kept once per content, and one above the server's limit is refused with 413 \
                 before it is read whole; 200 when the record has the same file already. A \
                 GPX on a patrol is its track: checked (422 when damaged), measured, and \
                 refused when too fast for field `means` (foot, motorbike, boat) unless \
                 field `confirm` is 1"
            ),
            c,
            &[200, 201, 400, 403, 404, 409, 413, 422],
            on(F::POST, move |s, caller, id, body| {
                attachments::upload(t, s, caller, id, body)
            }),
        )
    });
    routes.push(route(
        Method::GET,
        file.clone(),
        format!(
            "Download a file of a {t} record under its original name \
             (409 not_fetched: a node left it on its server)"
        ),
        c,
        &[200, 404, 409],
        on(F::GET, move |s, caller, ids| {
            attachments::download(t, s, caller, ids)
        }),
    ));
    routes.push(route(
        Method::DELETE,
        file,
        format!("Remove a file from a {t} record (its link's history keeps it)"),
        c,
        &[204, 403, 404],
        on(F::DELETE, move |s, caller, ids| {
            attachments::remove(t, s, caller, ids)
        }),
    ));
}

/// The routes of documents exchanged as edXML packets (`resources/edxml.rs`).
fn edxml_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    vec![
        route(
            Method::GET,
            "/api/v1/documents/{id}/edxml",
            "A document record as an edXML packet (QCVN 102:2016/BTTTT) with its files, unsigned: \
             signing is done with the user's own key (`bienphong edxml export --sign`). 422 when \
             the document has no number or a unit in it no agency identifier",
            "documents",
            &[200, 404, 422],
            on(F::GET, edxml::export),
        ),
        ApiRoute {
            body: Some("EdxmlUpload"),
            response: Some("EdxmlImported"),
            file_upload: true,
            ..route(
                Method::POST,
                "/api/v1/edxml",
                "Receive an edXML packet (multipart, field `file`): it becomes a document of the \
                 first recipient that is a unit here, with its files and its signature state; a \
                 replacement, revocation or update marks the earlier document. 403 when the \
                 caller may not write documents of that unit; 400 or 422 when it cannot be read or \
                 taken in, 409 when taken in before; nothing is written then",
                "documents",
                &[201, 400, 403, 409, 413, 422],
                on(F::POST, edxml::import),
            )
        },
        route(
            Method::GET,
            "/api/v1/documents/{id}/edxml/status",
            "The status packet of a document received as an edXML packet: its registering unit \
             tells the sender where it stands (received, accepted, processing, done, refused). \
             422 for a document that did not come as a packet",
            "documents",
            &[200, 404, 422],
            on(F::GET, edxml::status),
        ),
        ApiRoute {
            body: Some("EdxmlUpload"),
            response: Some("EdxmlStatusReceived"),
            file_upload: true,
            ..route(
                Method::POST,
                "/api/v1/edxml/status",
                "Receive a recipient's status packet (multipart, field `file`) about a document sent \
                 from here: the document keeps each recipient's latest state. 403 when the caller \
                 may not write that document; 400 or 422 when it cannot be read or answers for a \
                 document this store did not send; nothing is written then",
                "documents",
                &[200, 400, 403, 413, 422],
                on(F::POST, edxml::receive_status),
            )
        },
    ]
}
