//! The map page's upload of places (administrators): a CSV of points or a
//! GeoJSON of markers and posts (with the commune a marker stands in),
//! communes' areas and border lines, posted as `multipart/form-data` with
//! the session's CSRF token. The same reading, checks and refusals as `geo
//! places` and `POST /api/v1/map/places` (`Service::import_places_file`):
//! all written in one transaction or nothing, audited either way. Served
//! under the attachment limit (`routes::file_upload_router`), like the
//! API's route, so a province's outlines fit.

use crate::AppState;
use crate::error::Error;
use crate::extract::{PageAdmin, read_upload};
use crate::now_ms;
use crate::params;
use axum::extract::State;
use axum::response::Response;
use bienphong_domain::{ValidationError, format};
use bienphong_i18n::Lang;
use bienphong_service::ServiceError;

/// What an upload did, shown above the map.
pub struct Outcome {
    /// What was written, when it was.
    pub written: Option<String>,
    /// Why nothing was, each naming the row or feature.
    pub problems: Vec<String>,
}

/// A refusal as the page says it: "mục N" (the CSV line after the header,
/// or the feature's place in the collection) for the row the check names.
fn problem_text(lang: Lang, e: &ValidationError) -> String {
    match e.field.strip_prefix("row ") {
        Some(rest) => format!(
            "{}: {}",
            lang.text("map-places-row", &[("row", rest.to_string())]),
            lang.problem_only(e)
        ),
        None => lang.problem(e),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    PageAdmin(auth): PageAdmin,
    multipart: axum::extract::Multipart,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let (posted, file) = read_upload(multipart).await;
    auth.check_csrf(&posted)?;
    let outcome = match file.filter(|(_, b)| !b.is_empty()) {
        None => Outcome {
            written: None,
            problems: vec![format!(
                "{}: {}",
                lang.text("map-places-file", &[]),
                lang.text("field-missing", &[])
            )],
        },
        Some((name, bytes)) => {
            match state
                .service
                .import_places_file(&auth.principal, now_ms(), &name, &bytes)
                .await
            {
                Ok(r) => Outcome {
                    written: Some(lang.text(
                        "geo-places-written",
                        &[
                            ("rows", format::integer((r.points + r.shapes) as i64)),
                            ("count", format::integer(r.imported.records as i64)),
                            ("areas", format::integer(r.imported.areas as i64)),
                            ("borders", format::integer(r.imported.borders as i64)),
                        ],
                    )),
                    problems: Vec::new(),
                },
                Err(ServiceError::Invalid(e)) => Outcome {
                    written: None,
                    problems: vec![problem_text(lang, &e)],
                },
                Err(e) => return Err(e.into()),
            }
        }
    };
    // The page answers as the map does, with the default period.
    crate::resources::geo::map_page(
        &state,
        &auth,
        "/map",
        &params::Query::default(),
        Some(outcome),
    )
    .await
}
