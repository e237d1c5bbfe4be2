//! Spreadsheets of a record type: the XLSX template, the export of a
//! list (XLSX or CSV) and the upload page that checks or imports a file.

use crate::error::{ApiError, Error};
use crate::extract::{SignedIn, back_of};
use crate::params;
use crate::routes::record_type_of;
use crate::view::{Frame, Tr, attachment, frame, render, render_with};
use crate::{AppState, now_ms};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use bienphong_domain::format;
use bienphong_domain::{Content, RecordType};
use bienphong_i18n::Lang;

/// The record type of a path, if it has a spreadsheet.
fn sheet_type(lang: Lang, kind: &str) -> Result<RecordType, ApiError> {
    record_type_of(kind)
        .filter(|t| bienphong_sheets::model::has_sheet(*t))
        .ok_or_else(|| ApiError::not_found(lang))
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The XLSX template of a record type.
pub async fn template(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Path(kind): Path<String>,
) -> Result<Response, Error> {
    let t = sheet_type(auth.lang, &kind)?;
    let org = state.service.org_shared().await?;
    let bytes = state
        .heavy
        .run(move || bienphong_sheets::template_xlsx(t, &org))
        .await?;
    Ok(attachment(bytes, XLSX, &format!("mau-{kind}.xlsx")))
}

/// The records of a list, with its filters, as XLSX or CSV: every record
/// the person may read, not only the page shown.
pub async fn export(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Path(kind): Path<String>,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let t = sheet_type(lang, &kind)?;
    let csv = q.get("format").is_some_and(|f| f == "csv");
    let bytes = {
        let org = state.service.org_shared().await?;
        let base = params::list_filter(lang, &org, t, &q)?;
        let mut records = Vec::new();
        let mut offset = 0u32;
        loop {
            let mut filter = base.clone();
            filter.limit = Some(500);
            filter.offset = offset;
            let page = state
                .service
                .list_as(&auth.principal, now_ms(), filter, params::search(&q))
                .await?;
            for r in &page.records {
                let content = Content::from_json(r.record_type, &r.content)?;
                records.push((r.record_id, r.revision_id, content));
            }
            match page.next {
                Some(next) => offset = next,
                None => break,
            }
        }
        if csv {
            let mut buf = Vec::new();
            bienphong_sheets::export_csv(t, &org, &records, &mut buf)?;
            buf
        } else {
            state
                .heavy
                .run(move || bienphong_sheets::export_xlsx(t, &org, &records))
                .await?
        }
    };
    Ok(if csv {
        attachment(bytes, "text/csv; charset=utf-8", &format!("{kind}.csv"))
    } else {
        attachment(bytes, XLSX, &format!("{kind}.xlsx"))
    })
}

/// What an upload found, for the page.
pub struct ImportResult {
    pub dry_run: bool,
    pub written: bool,
    pub summary: String,
    /// The counts of a re-import's classes (changed in the store, in both,
    /// deleted since, restored).
    pub classes: String,
    /// The rows of those classes, one line each.
    pub notes: Vec<String>,
    pub errors: Vec<String>,
    pub more: usize,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    f: Frame,
    title: String,
    kind: String,
    result: Option<ImportResult>,
}

/// The upload page of a record type, for those who may add records.
pub async fn import_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Path(kind): Path<String>,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let t = sheet_type(lang, &kind)?;
    if !auth.principal.grant.may_write_type(t) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            lang.text("sheet-not-allowed", &[]),
        )
        .into());
    }
    let org = state.service.org_shared().await?;
    Ok(render(ImportPage {
        title: Tr(lang).get(&format!("types-{t}")),
        f: frame(&auth, &org, &back_of(&uri)),
        kind,
        result: None,
    }))
}

/// An uploaded file: checked ("check", a dry run showing every refused
/// row) or imported ("import", all rows or none), as the signed-in person.
pub async fn import_upload(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Path(kind): Path<String>,
    multipart: axum::extract::Multipart,
) -> Result<Response, Error> {
    let back = back_of(&uri);
    let lang = auth.lang;
    let t = sheet_type(lang, &kind)?;
    let (posted, file) = crate::extract::read_upload(multipart).await;
    auth.check_csrf(&posted)?;
    let org = state.service.org_shared().await?;
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(ApiError::bad_request(lang, "file", lang.text("field-missing", &[])).into());
    };
    let dry_run = posted
        .get("action")
        .and_then(|v| v.first())
        .is_none_or(|a| a != "import");
    let checked = |name: &str| posted.get(name).is_some_and(|v| !v.is_empty());
    let (prefer_file, restore_deleted) = (checked("prefer_file"), checked("restore_deleted"));
    let confirm = checked("confirm");
    let stem = std::path::Path::new(&file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let report = bienphong_sheets::import::import(
        &*state.service,
        bienphong_sheets::import::Writer::Person {
            who: &auth.principal,
            now_ms: now_ms(),
        },
        bienphong_sheets::Input::Bytes(&bytes),
        &stem,
        bienphong_sheets::import::Options {
            record_type: Some(t),
            dry_run,
            prefer_file,
            restore_deleted,
            confirm,
            ..Default::default()
        },
        &mut |_| {},
    )
    .await;
    let tr = Tr(lang);
    let result = match report {
        Ok(r) => {
            let mut errors: Vec<String> = r.errors().map(|e| e.message(lang)).collect();
            // Unconfirmed, values possible but unlikely stop the import
            // like refused rows; the dry run lists them either way.
            if !confirm || dry_run {
                errors.extend(r.doubts.iter().map(|d| d.message(lang)));
                if !r.doubts.is_empty() {
                    errors.push(lang.text("import-needs-confirm", &[]));
                }
            }
            let shown = 500;
            let n = |v: usize| format::integer(v as i64);
            let row_note = |key: &str, c: &bienphong_sheets::import::RowChange| {
                lang.text(
                    key,
                    &[("place", c.place(lang)), ("columns", c.columns(lang))],
                )
            };
            // Preferred, the file's values were taken over the store's.
            let mut notes: Vec<String> = if prefer_file {
                r.kept
                    .iter()
                    .chain(&r.both)
                    .map(|c| row_note("import-file-taken", c))
                    .collect()
            } else {
                r.kept.iter().map(|c| row_note("import-kept", c)).collect()
            };
            notes.extend(r.deleted.iter().map(|c| row_note("import-deleted", c)));
            ImportResult {
                dry_run,
                written: r.written,
                summary: lang.text(
                    "import-summary",
                    &[
                        ("type", tr.get(&format!("types-{t}"))),
                        ("rows", format::integer(r.rows_read as i64)),
                        ("created", format::integer(r.created as i64)),
                        ("updated", format::integer(r.updated as i64)),
                        ("unchanged", format::integer(r.unchanged as i64)),
                        ("rejected", n(r.refused())),
                    ],
                ),
                classes: lang.text(
                    "import-classes",
                    &[
                        ("kept", n(r.kept.len())),
                        ("both", n(r.both.len())),
                        ("deleted", n(r.deleted.len())),
                        ("restored", n(r.restored)),
                    ],
                ),
                more: errors.len().saturating_sub(shown),
                notes: notes.into_iter().take(shown).collect(),
                errors: errors.into_iter().take(shown).collect(),
            }
        }
        Err(e) => ImportResult {
            dry_run,
            written: false,
            summary: String::new(),
            classes: String::new(),
            notes: vec![],
            errors: vec![e.message(lang)],
            more: 0,
        },
    };
    let status = if result.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(
        status,
        ImportPage {
            title: tr.get(&format!("types-{t}")),
            f: frame(&auth, &org, &back),
            kind,
            result: Some(result),
        },
    ))
}
