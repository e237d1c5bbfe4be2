//! The map: posts, markers coloured by coverage and patrol tracks of a
//! period, scope and leading unit, drawn by the vendored Leaflet over an
//! optional offline basemap (MBTiles, `serve --basemap`); its data as
//! GeoJSON at `GET /api/v1/map`, its exports at `GET /api/v1/map/export`,
//! and the coverage table beside it. Tracks are attached where files are
//! (`resources/attachments.rs`: a GPX on a patrol is a track).

use crate::error::{ApiError, Error};
use crate::extract::{ApiAdmin, ApiCaller, SignedIn, back_of, require_admin};
use crate::params;
use crate::view::{Frame, Tr, frame, render_with, unit_name};
use crate::{AppState, now_ms};
use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bienphong_domain::geo::export::{self, Format};
use bienphong_domain::geo::view;
use bienphong_domain::{Period, format};
use bienphong_i18n::Lang;
use bienphong_service::geo::{GeoOverview, GeoQuery};
use bienphong_service::{Principal, today};
use serde_json::{Value, json};

/// The map's query parameters, as the OpenAPI document states them.
pub const MAP_QUERY: &[(&str, &str)] = &[
    (
        "from",
        "first day (YYYY-MM-DD); by default 1 January of this year",
    ),
    ("to", "last day (YYYY-MM-DD); by default today"),
    ("year", "a reporting year instead of from/to"),
    ("scope", "a unit: its markers and the patrols of its units"),
    ("unit", "only the tracks of patrols led by this unit"),
    (
        "days",
        "markers not visited in this many days up to the last day are flagged (30)",
    ),
    (
        "tolerance",
        "how near a track must pass a marker, metres (100)",
    ),
];

/// The export's query parameters.
pub const MAP_EXPORT_QUERY: &[(&str, &str)] = &[
    ("format", "gpx, geojson (the default) or kml"),
    (
        "from",
        "first day (YYYY-MM-DD); by default 1 January of this year",
    ),
    ("to", "last day (YYYY-MM-DD); by default today"),
    ("year", "a reporting year instead of from/to"),
    ("scope", "a unit: its markers and the patrols of its units"),
    ("unit", "only the tracks of patrols led by this unit"),
    (
        "days",
        "markers not visited in this many days up to the last day are flagged (30)",
    ),
    (
        "tolerance",
        "how near a track must pass a marker, metres (100)",
    ),
];

/// Markers not visited in this many days are flagged, unless asked.
const DEFAULT_STALE_DAYS: i64 = 30;

/// What the map shows, from its query: `from`/`to` (or `year`; by default
/// this year up to today), `scope`, `unit` (leading the patrols whose
/// tracks are drawn), `days`, `tolerance` (metres).
async fn query_of(
    state: &AppState,
    who: &Principal,
    lang: Lang,
    q: &params::Query,
) -> Result<GeoQuery, ApiError> {
    let period = match params::period(lang, q)? {
        Some(p) => p,
        None => {
            let t = today();
            Period::new(bienphong_domain::Date::new(t.year(), 1, 1).unwrap_or(t), t)
                .unwrap_or(Period { from: t, to: t })
        }
    };
    let root = params::scope(state, who, lang, q).await?;
    let lead_unit = params::unit(lang, "unit", q.get("unit"))?;
    let number = |name: &str, default: f64, max: f64| -> Result<f64, ApiError> {
        match q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => s
                .replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0 && *v <= max)
                .ok_or_else(|| ApiError::bad_request(lang, name, format!("0 < {name} ≤ {max}"))),
        }
    };
    Ok(GeoQuery {
        root,
        period,
        stale_days: number("days", DEFAULT_STALE_DAYS as f64, 3660.0)? as i64,
        tolerance_m: number("tolerance", 100.0, 10_000.0)?,
        lead_unit,
    })
}

/// The map's layers as a GeoJSON FeatureCollection: posts, markers (with
/// their coverage), tracks (simplified, each linking to its patrol), the
/// units' areas (`layer: area`) and border lines (`layer: border`).
pub fn map_geojson(o: &GeoOverview) -> Value {
    let mut features: Vec<Value> = o
        .posts
        .iter()
        .map(|p| {
            json!({"type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.at.lon, p.at.lat]},
                "properties": {"layer": "post", "code": p.code, "name": p.name}})
        })
        .collect();
    for (m, c) in &o.markers {
        let Some(at) = m.location else { continue };
        let mut props = bienphong_service::geo::coverage_json(m, c);
        props["layer"] = json!("marker");
        props["last_visit_text"] = json!(c.last_visit.map(format::date));
        props["state"] = json!(if c.unvisited {
            "unvisited"
        } else if c.disagreements.is_empty() {
            "visited"
        } else {
            "disputed"
        });
        features.push(json!({"type": "Feature",
            "geometry": {"type": "Point", "coordinates": [at.lon, at.lat]},
            "properties": props}));
    }
    for t in &o.tracks {
        let coords: Vec<Value> = t
            .track
            .line
            .iter()
            .map(|s| Value::Array(s.iter().map(|p| json!([p.lon, p.lat])).collect()))
            .collect();
        features.push(json!({"type": "Feature",
        "geometry": {"type": "MultiLineString", "coordinates": coords},
        "properties": {
            "layer": "track",
            "patrol": t.track.patrol.to_string(),
            "href": format!("/records/patrols/{}", t.track.patrol),
            "date": t.date.to_string(),
            "date_text": format::date(t.date),
            "lead_unit": t.lead_unit,
            "file": t.track.attachment.name.as_str(),
            "distance_m": t.track.facts.distance_m,
            "distance_text": view::km(t.track.facts.distance_m),
            "duration_s": t.track.facts.duration_s,
            "moving_s": t.track.facts.moving_s,
            "points": t.track.facts.points,
        }}));
    }
    for u in &o.shapes {
        if !u.area.is_empty() {
            let polygons: Vec<Value> = u
                .area
                .iter()
                .map(|p| {
                    Value::Array(
                        p.iter()
                            .map(|r| {
                                Value::Array(r.iter().map(|a| json!([a.lon, a.lat])).collect())
                            })
                            .collect(),
                    )
                })
                .collect();
            features.push(json!({"type": "Feature",
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
                "properties": {"layer": "area", "code": u.code, "name": u.name, "kind": u.kind.as_str()}}));
        }
        if !u.border.is_empty() {
            let lines: Vec<Value> = u
                .border
                .iter()
                .map(|l| Value::Array(l.iter().map(|a| json!([a.lon, a.lat])).collect()))
                .collect();
            features.push(json!({"type": "Feature",
                "geometry": {"type": "MultiLineString", "coordinates": lines},
                "properties": {"layer": "border", "code": u.code, "name": u.name}}));
        }
    }
    json!({
        "type": "FeatureCollection",
        "features": features,
        "from": o.period.from.to_string(),
        "to": o.period.to.to_string(),
        "stale_days": o.stale_days,
        "tolerance_m": o.tolerance_m,
    })
}

pub async fn map_json(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<params::Query>,
) -> Result<Json<Value>, Error> {
    let gq = query_of(&state, &caller.principal, caller.lang, &q).await?;
    let o = state.service.geo_overview(&gq, now_ms()).await?;
    Ok(Json(map_geojson(&o)))
}

pub async fn map_export(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = caller.lang;
    let fmt = Format::parse(q.get("format").map_or("geojson", String::as_str))
        .map_err(|p| ApiError::bad_request(lang, "format", p.to_string()))?;
    let gq = query_of(&state, &caller.principal, lang, &q).await?;
    let o = state.service.geo_overview(&gq, now_ms()).await?;
    let (lines, points, areas) = o.features();
    let body = export::write(fmt, &lines, &points, &areas);
    let name = format!(
        "bienphong-{}-{}.{}",
        gq.period.from,
        gq.period.to,
        fmt.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, fmt.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Imports a places file (the body: a CSV of points, or a GeoJSON of
/// points, areas and border lines) as `geo places` does: all or nothing,
/// audited (administrators). Its body may be as large as an attachment
/// (`serve --max-attachment`, 20 MB by default), not the 2 MB of other
/// API bodies: a province's communes' outlines run to megabytes.
pub async fn api_import_places(
    State(state): State<AppState>,
    ApiAdmin(caller): ApiAdmin,
    body: axum::body::Bytes,
) -> Result<Json<Value>, Error> {
    require_admin(&caller.principal, caller.lang)?;
    // GeoJSON is told from CSV by its first character.
    let r = state
        .service
        .import_places_file(&caller.principal, now_ms(), "body", &body)
        .await?;
    Ok(Json(json!({
        "points": r.points,
        "shapes": r.shapes,
        "records": r.imported.records,
        "areas": r.imported.areas,
        "borders": r.imported.borders,
    })))
}

/// One row of the coverage table.
pub struct CoverageRow {
    pub post: String,
    pub number: String,
    pub visits: String,
    pub listed: String,
    pub by_track: String,
    pub last_visit: String,
    pub unvisited: bool,
    pub disputed: String,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    f: Frame,
    from: String,
    to: String,
    scope: String,
    unit: String,
    days: i64,
    data_url: String,
    export_query: String,
    basemap: bool,
    basemap_min: u8,
    basemap_max: u8,
    rows: Vec<CoverageRow>,
    tracks: usize,
    places: Option<crate::resources::geo_places::Outcome>,
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    map_page(&state, &auth, &back_of(&uri), &q, None).await
}

/// The map page of query `q`, with what a places upload did when there
/// was one (refused: 422).
pub(crate) async fn map_page(
    state: &AppState,
    auth: &crate::extract::Authenticated,
    back: &str,
    q: &params::Query,
    places: Option<crate::resources::geo_places::Outcome>,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let org = state.service.org_shared().await?;
    let gq = query_of(state, &auth.principal, lang, q).await?;
    let o = state.service.geo_overview(&gq, now_ms()).await?;
    let t = Tr(lang);
    let rows = o
        .markers
        .iter()
        .map(|(_, c)| CoverageRow {
            post: unit_name(&org, c.post.as_str(), lang),
            number: c.number.to_string(),
            visits: format::integer(c.visits as i64),
            listed: format::integer(c.listed as i64),
            by_track: format::integer(c.by_track as i64),
            last_visit: c.last_visit.map(format::date).unwrap_or_else(|| "—".into()),
            unvisited: c.unvisited,
            disputed: c
                .disagreements
                .iter()
                .map(|(_, e)| t.get(&format!("geo-evidence-{}", e.as_str())))
                .collect::<Vec<_>>()
                .join("; "),
        })
        .collect();
    let mut pairs = vec![
        ("from", gq.period.from.to_string()),
        ("to", gq.period.to.to_string()),
        ("days", gq.stale_days.to_string()),
    ];
    if let Some(s) = &gq.root {
        pairs.push(("scope", s.to_string()));
    }
    if let Some(u) = &gq.lead_unit {
        pairs.push(("unit", u.to_string()));
    }
    let query: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let bm = state.config.basemap.as_ref();
    let status = if places.as_ref().is_some_and(|p| !p.problems.is_empty()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_with(
        status,
        MapPage {
            f: frame(auth, &org, back),
            from: format::date(gq.period.from),
            to: format::date(gq.period.to),
            scope: gq.root.map(|c| c.to_string()).unwrap_or_default(),
            unit: gq.lead_unit.map(|c| c.to_string()).unwrap_or_default(),
            days: gq.stale_days,
            data_url: format!("/api/v1/map?{query}"),
            export_query: query,
            basemap: bm.is_some(),
            basemap_min: bm.map_or(0, |b| b.min_zoom),
            basemap_max: bm.map_or(18, |b| b.max_zoom),
            tracks: o.tracks.len(),
            rows,
            places,
        },
    ))
}

/// A tile of the offline basemap; 404 without one or outside it.
pub async fn tile(
    State(state): State<AppState>,
    _: SignedIn,
    Path((z, x, y)): Path<(u8, u32, String)>,
) -> Result<Response, Error> {
    let Some(bm) = state.config.basemap.as_ref() else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let Ok(y) = y
        .trim_end_matches(".png")
        .trim_end_matches(".jpg")
        .parse::<u32>()
    else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    match bm
        .tile(z, x, y)
        .await
        .map_err(bienphong_service::ServiceError::from)?
    {
        Some(bytes) => Ok((
            [
                (header::CONTENT_TYPE, bm.content_type),
                (header::CACHE_CONTROL, "private, max-age=86400"),
            ],
            bytes,
        )
            .into_response()),
        None => Ok(StatusCode::NOT_FOUND.into_response()),
    }
}
