//! The API routes of reports, the map, briefings and overdue duties.

use super::BRIEFING_QUERY;
use super::{ApiRoute, route};
use crate::resources::{briefings, geo, registers, reports, signoff};
use axum::http::Method;
use axum::routing::on;

/// `params`, then the settings of a DOCX (`LetterheadSettings`' keys), the
/// same on every route that writes one.
/// A unit's briefing report: the quarter, and the aggregate-only channel.
const BRIEFING_VIEW_QUERY: &[(&str, &str)] = &[
    ("year", "the year"),
    ("quarter", "1–4"),
    ("cutoff", "decree09 (default) or calendar"),
    (
        "due_days",
        "days after the quarter a report is due (default 5)",
    ),
    (
        "aggregate_only",
        "true: the report's counts alone, for the unclassified national reporting system \
         (Decree 09/2019): no narrative, no names, no case details, counts 1–4 shown as <5, \
         with a statement of the channel",
    ),
    (
        "format",
        "with aggregate_only: json (default), md, xlsx or csv",
    ),
];

macro_rules! with_docx_settings {
    ($($param:expr),* $(,)?) => {
        &[
            $($param,)*
            ("style", "docx: state (default) or party"),
            ("lang", "docx: vi (default) or en, English for foreign partners (unit names stay Vietnamese)"),
            (
                "number",
                "docx: the number in the issuer's register (POST /api/v1/registers/next takes the next one)",
            ),
            (
                "date",
                "docx: the document's date, YYYY-MM-DD or DD/MM/YYYY (default: today)",
            ),
            (
                "issuer",
                "docx: the issuing body (default: derived from the scope)",
            ),
            ("parent_body", "docx: the body above the issuer"),
            ("symbol", "docx: the symbol after the number"),
            ("place", "docx: the place in the date line"),
            (
                "signing_for",
                "docx: TM., KT., … on whose behalf the signer signs",
            ),
            ("signer_title", "docx: the signer's title"),
            ("signer_name", "docx: the signer's name"),
            (
                "recipients",
                "docx: recipients after the superior, one a line or separated by ;",
            ),
            ("classification", "docx: a classification mark such as MẬT"),
            ("term", "docx, party style: the committee's term, 2025-2030"),
        ]
    };
}

/// The API routes of this area, in the order the OpenAPI document lists them.
pub(super) fn api_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    vec![
        ApiRoute {
            required: &["year"],
            query: with_docx_settings!(
                ("year", "the year"),
                ("scope", "unit code (default: the caller's unit)"),
                ("cutoff", "decree09 (default) or calendar"),
                (
                    "map_to",
                    "with scope: count the year's records for the units of this day (YYYY-MM-DD or DD/MM/YYYY) instead of as the units were",
                ),
                ("format", "json (default), md, xlsx, csv or docx"),
                (
                    "aggregate_only",
                    "true: aggregates only, for the unclassified national reporting system \
                     (Decree 09/2019): tables of counts with a statement of the channel, no \
                     names, no case details, counts 1–4 shown as <5 with complementary \
                     suppression (md, json, xlsx or csv)",
                ),
            ),
            ..route(
                Method::GET,
                "/api/v1/reports/annual",
                "The annual review",
                "reports",
                &[200, 400, 403, 404, 422],
                on(F::GET, reports::annual),
            )
        },
        ApiRoute {
            required: &["year", "period"],
            query: with_docx_settings!(
                ("year", "the year"),
                (
                    "period",
                    "q1–q4, m1–m12, half-1, half-2, nine-months or year",
                ),
                ("scope", "unit code (default: the caller's unit)"),
                ("cutoff", "decree09 (default) or calendar"),
                (
                    "map_to",
                    "with scope: count the period's records for the units of this day instead of as the units were",
                ),
                ("format", "json (default), md, xlsx, csv or docx"),
                (
                    "aggregate_only",
                    "true: aggregates only, for the unclassified national reporting system",
                ),
            ),
            ..route(
                Method::GET,
                "/api/v1/reports/summary",
                "The summary of a period (a quarter, a month, a half, nine months, a year) compared with the same period last year",
                "reports",
                &[200, 400, 403, 404, 422],
                on(F::GET, reports::summary),
            )
        },
        ApiRoute {
            query: with_docx_settings!(("scope", "the issuing unit (default: the caller's unit)"),),
            ..route(
                Method::POST,
                "/api/v1/registers/next",
                "Take the next number of the issuer's register for a document on scope with these \
                 settings (state: one series a calendar year; Party: each kind through the term); \
                 audited; concurrent calls never get the same number",
                "reports",
                &[200, 400, 403, 404, 422],
                on(F::POST, registers::next),
            )
        },
        ApiRoute {
            query: geo::MAP_QUERY,
            response: Some("MapLayers"),
            ..route(
                Method::GET,
                "/api/v1/map",
                "The map's layers as GeoJSON: posts, markers with their coverage (visits, \
                 listed, by track, last visit, unvisited, disagreements) and patrol tracks \
                 simplified for display, each linking to its patrol",
                "map",
                &[200, 400, 403, 404],
                on(F::GET, geo::map_json),
            )
        },
        ApiRoute {
            query: geo::MAP_EXPORT_QUERY,
            ..route(
                Method::GET,
                "/api/v1/map/export",
                "The tracks and markers of the map as a GPX, GeoJSON or KML file",
                "map",
                &[200, 400, 403, 404],
                on(F::GET, geo::map_export),
            )
        },
        ApiRoute {
            body: Some("PlacesFile"),
            response: Some("PlacesResult"),
            // Communes' outlines run to megabytes: the attachment limit,
            // not the 2 MB of other bodies.
            file_upload: true,
            ..route(
                Method::POST,
                "/api/v1/map/places",
                "Import the coordinates of markers and posts (and the commune a marker stands \
                 in), communes' areas and border lines (a CSV or GeoJSON file as the body, as \
                 `geo places`): checked whole, written in one transaction as marker and unit \
                 revisions, or refused naming the row; audited (administrators). The body may be \
                 as large as an attachment (`serve --max-attachment`, 20 MB by default), else 413",
                "map",
                &[200, 400, 403, 413, 422],
                on(F::POST, geo::api_import_places),
            )
        },
        ApiRoute {
            query: BRIEFING_QUERY,
            required: &["year", "quarter"],
            ..route(
                Method::GET,
                "/api/v1/briefings",
                "Who owes a quarter's briefing report, and who has submitted or is late",
                "briefings",
                &[200, 400, 403, 422],
                on(F::GET, briefings::roll),
            )
        },
        ApiRoute {
            query: BRIEFING_VIEW_QUERY,
            required: &["year", "quarter"],
            ..route(
                Method::GET,
                "/api/v1/briefings/{unit}",
                "A unit's briefing report: frozen figures once submitted, with later changes",
                "briefings",
                &[200, 400, 403, 422],
                on(F::GET, briefings::view),
            )
        },
        ApiRoute {
            query: with_docx_settings!(
                ("year", "the year"),
                ("quarter", "1–4"),
                ("cutoff", "decree09 (default) or calendar"),
            ),
            required: &["year", "quarter"],
            ..route(
                Method::GET,
                "/api/v1/briefings/{unit}/docx",
                "A unit's briefing report as an official document (DOCX), with the annual review's settings",
                "briefings",
                &[200, 400, 403, 404, 422],
                on(F::GET, briefings::docx::api_docx),
            )
        },
        ApiRoute {
            query: BRIEFING_QUERY,
            required: &["year", "quarter"],
            ..route(
                Method::POST,
                "/api/v1/briefings/{unit}/submit",
                "Submit a unit's draft briefing report, freezing its figures",
                "briefings",
                &[200, 400, 403, 404, 409, 422],
                on(F::POST, briefings::submit),
            )
        },
        ApiRoute {
            response: Some("OverdueList"),
            ..route(
                Method::GET,
                "/api/v1/overdue",
                "Overdue acknowledgements and required actions on the documents the caller may read",
                "signoff",
                &[200],
                on(F::GET, signoff::overdue),
            )
        },
    ]
}
