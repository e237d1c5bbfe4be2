//! Places supplied as files: the coordinates of border markers, posts and
//! stations, from CSV or GeoJSON. Every row is checked (WGS84, inside the
//! area of the province's places) before anything is written; a refusal
//! names the row. A marker's row may also name the commune it stands in.

use super::{BBox, GeoPoint};
use crate::error::{Problem, ValidationError};
use crate::org::{Code, Marker, Org};
use crate::record::RecordType;
use serde_json::Value;

/// What a row places.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    /// A border marker, by its post and number.
    Marker { post: Code, number: Code },
    /// A post, station or other unit, by its code.
    Unit(Code),
}

/// One row of a places file.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceRow {
    /// 1-based: the line after the header in CSV, the feature in GeoJSON.
    pub row: usize,
    pub place: Place,
    pub at: GeoPoint,
    /// For a marker, the commune it stands in as the file names it (a
    /// unit's code or an administrative code): [`commune_of`] reads it.
    pub commune: Option<Code>,
}

/// Mainland Việt Nam with its coastal islands (lat 8,1–23,4 N, lon
/// 102,1–109,5 E): the area used before a province has supplied places.
pub const VIETNAM: BBox = BBox {
    min_lat: 8.1,
    min_lon: 102.1,
    max_lat: 23.4,
    max_lon: 109.5,
};

/// How far beyond the province's places a new place may lie.
pub const AREA_MARGIN_M: f64 = 20_000.0;

fn at_row(row: usize, problem: Problem) -> ValidationError {
    ValidationError::new(format!("row {row}"), problem)
}

fn place_of(row: usize, kind: &str, code: &str, post: &str) -> Result<Place, ValidationError> {
    let code = Code::parse(code).map_err(|p| at_row(row, p))?;
    match kind.trim().to_ascii_lowercase().as_str() {
        "marker" | "moc" | "mốc" => {
            let post = Code::parse(post).map_err(|p| at_row(row, p))?;
            Ok(Place::Marker { post, number: code })
        }
        "post" | "station" | "unit" | "don" | "đồn" | "tram" | "trạm" => Ok(Place::Unit(code)),
        other => Err(at_row(
            row,
            Problem::UnknownValue {
                value: other.to_string(),
                expected: "marker, post, station".into(),
            },
        )),
    }
}

/// The commune a row names, read as a code; only a marker stands in one.
fn commune_named(row: usize, place: &Place, text: &str) -> Result<Option<Code>, ValidationError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let field = format!("row {row}: commune");
    let code = Code::parse(text).map_err(|p| ValidationError::new(&field, p))?;
    match place {
        Place::Marker { .. } => Ok(Some(code)),
        Place::Unit(_) => Err(ValidationError::new(
            field,
            Problem::UnknownValue {
                value: text.to_string(),
                expected: "a commune only for a marker".into(),
            },
        )),
    }
}

/// Rows of a CSV with a header naming the columns `type` (marker, post or
/// station), `code` (or `number`), `post` (for markers), `lat` and `lon`
/// (or `latitude`, `longitude`), optionally `commune` (or `xa`: the
/// commune a marker stands in); separated by commas or semicolons.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<PlaceRow>, ValidationError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| ValidationError::new("file", Problem::GpxMalformed("not UTF-8".into())))?;
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.contains(';') { b';' } else { b',' };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .map_err(|e| ValidationError::new("file", Problem::GpxMalformed(e.to_string())))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let need = |names: &[&'static str]| {
        col(names).ok_or_else(|| ValidationError::new(names[0], Problem::Missing))
    };
    let (kind, code, lat, lon) = (
        col(&["type", "kind"]),
        need(&["code", "number", "so_moc"])?,
        need(&["lat", "latitude", "vi_do"])?,
        need(&["lon", "lng", "longitude", "kinh_do"])?,
    );
    let post = col(&["post", "don"]);
    let commune = col(&["commune", "xa"]);
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let row = i + 1;
        let rec = rec.map_err(|e| at_row(row, Problem::GpxMalformed(e.to_string())))?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or_default();
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let kind_text = match get(kind) {
            "" if post.is_some_and(|_| !get(post).is_empty()) => "marker",
            "" => "post",
            k => k,
        };
        let place = place_of(row, kind_text, get(Some(code)), get(post))?;
        let at = GeoPoint::parse(get(Some(lat)), get(Some(lon))).map_err(|p| at_row(row, p))?;
        let commune = commune_named(row, &place, get(commune))?;
        out.push(PlaceRow {
            row,
            place,
            at,
            commune,
        });
    }
    Ok(out)
}

/// Point features of a GeoJSON FeatureCollection, their properties naming
/// the place as the CSV columns do (`type`, `code` or `number`, `post`,
/// `commune`; a commune's administrative code may be a number).
pub fn read_geojson(bytes: &[u8]) -> Result<Vec<PlaceRow>, ValidationError> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| ValidationError::new("file", Problem::MalformedJson(e.to_string())))?;
    let features = v
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| ValidationError::new("features", Problem::Missing))?;
    let mut out = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let row = i + 1;
        let geometry = f.get("geometry").unwrap_or(&Value::Null);
        if geometry.get("type").and_then(Value::as_str) != Some("Point") {
            // Lines and areas are layers, not places.
            continue;
        }
        let props = f.get("properties").unwrap_or(&Value::Null);
        let s = |k: &str| props.get(k).and_then(Value::as_str).unwrap_or_default();
        let commune = match props.get("commune").or_else(|| props.get("xa")) {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(t)) => t.clone(),
            _ => String::new(),
        };
        let code = [s("code"), s("number"), s("name")]
            .into_iter()
            .find(|c| !c.is_empty())
            .unwrap_or_default();
        let kind = match s("type") {
            "" if !s("post").is_empty() => "marker",
            "" => "post",
            k => k,
        };
        let place = place_of(row, kind, code, s("post"))?;
        let c = geometry
            .get("coordinates")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let num = |i: usize| c.get(i).and_then(Value::as_f64);
        let (Some(lon), Some(lat)) = (num(0), num(1)) else {
            return Err(at_row(
                row,
                Problem::CoordinateInvalid(Value::Array(c.clone()).to_string()),
            ));
        };
        let at = GeoPoint::new(lat, lon).map_err(|p| at_row(row, p))?;
        let commune = commune_named(row, &place, &commune)?;
        out.push(PlaceRow {
            row,
            place,
            at,
            commune,
        });
    }
    Ok(out)
}

/// The area new places must lie in: around the places already supplied
/// (grown by [`AREA_MARGIN_M`]), or Việt Nam when there are none.
pub fn area(existing: &[GeoPoint]) -> BBox {
    BBox::around(existing.iter().copied())
        .map(|b| b.grown(AREA_MARGIN_M))
        .unwrap_or(VIETNAM)
}

/// The area new places of `org` must lie in: around its located markers
/// and units (see [`area`]). The one rule for files imported and for a
/// record's coordinates set by hand.
pub fn area_of(org: &Org) -> BBox {
    let existing: Vec<GeoPoint> = org
        .markers
        .values()
        .filter_map(|m| m.location)
        .chain(org.units.values().filter_map(|u| u.location))
        .collect();
    area(&existing)
}

/// The commune row `row` names for its marker, as a person names a unit
/// ([`Org::named_unit`]: its code, else an administrative code, the unit
/// holding it last when several did), refused unless it is a commune.
pub fn commune_of(org: &Org, row: usize, named: &Code) -> Result<Code, ValidationError> {
    let field = format!("row {row}: commune");
    let code = org
        .named_unit(named.as_str(), None)
        .map_err(|p| ValidationError::new(&field, p))?;
    let kinds = crate::validate::unit_kinds(RecordType::Marker, "commune").unwrap_or_default();
    match org.unit(&code) {
        Some(u) if kinds.contains(&u.kind) => Ok(code),
        Some(u) => Err(ValidationError::new(
            field,
            Problem::WrongUnitKind {
                code: named.to_string(),
                actual: u.kind.as_str().to_string(),
                expected: kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" | "),
            },
        )),
        None => Err(ValidationError::new(
            field,
            Problem::UnknownUnit(named.to_string()),
        )),
    }
}

/// Refuses `at` outside `area`, naming `field`.
pub fn check_point(field: &str, at: GeoPoint, area: &BBox) -> Result<(), ValidationError> {
    if area.contains(at) {
        return Ok(());
    }
    Err(ValidationError::new(
        field,
        Problem::OutsideArea {
            point: at.text(),
            area: area.text(),
        },
    ))
}

/// Refuses the first row outside `area`, naming it.
pub fn check_area(rows: &[PlaceRow], area: &BBox) -> Result<(), ValidationError> {
    for r in rows {
        check_point(&format!("row {}", r.row), r.at, area)?;
    }
    Ok(())
}

/// Checks a marker's `location` as a record carries it: WGS84, and where
/// it is new or moved, inside the area of `org`'s places.
pub fn check_marker(m: &Marker, org: &Org) -> Result<(), ValidationError> {
    let Some(at) = m.location else {
        return Ok(());
    };
    at.check()
        .map_err(|p| ValidationError::new("location", p))?;
    let before = org
        .markers
        .get(&(m.post.clone(), m.number.clone()))
        .and_then(|b| b.location);
    if before == Some(at) {
        return Ok(());
    }
    check_point("location", at, &area_of(org))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_read_and_bad_rows_named() {
        let csv = "type;code;post;lat;lon\nmarker;172;DBP-MT;22,8801;104,5123\npost;DBP-MT;;22.85;104.5\n";
        let rows = read_csv(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].place,
            Place::Marker {
                post: Code::parse("DBP-MT").unwrap(),
                number: Code::parse("172").unwrap()
            }
        );
        assert_eq!(rows[0].at, GeoPoint::new(22.8801, 104.5123).unwrap());
        assert_eq!(rows[1].place, Place::Unit(Code::parse("DBP-MT").unwrap()));

        let bad = "code,post,lat,lon\n172,P1,22.1,104.1\n173,P1,95,104.1\n";
        let e = read_csv(bad.as_bytes()).unwrap_err();
        assert_eq!(e.field, "row 2");
        assert!(matches!(e.problem, Problem::CoordinateInvalid(_)));
    }

    #[test]
    fn a_marker_row_may_name_its_commune_a_post_row_may_not() {
        let csv = "type;code;post;commune;lat;lon\nmarker;172;DBP-MT;XA-MT;22,88;104,51\nmarker;173;DBP-MT;;22,89;104,52\n";
        let rows = read_csv(csv.as_bytes()).unwrap();
        assert_eq!(rows[0].commune, Some(Code::parse("XA-MT").unwrap()));
        assert_eq!(rows[1].commune, None);
        let bad = "type;code;commune;lat;lon\npost;DBP-MT;XA-MT;22,85;104,5\n";
        let e = read_csv(bad.as_bytes()).unwrap_err();
        assert_eq!(e.field, "row 1: commune");
        // In GeoJSON an administrative code may be written as a number.
        let rows = read_geojson(
            br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[105.0,22.9]},"properties":{"number":"172","post":"P1","commune":1234}}]}"#,
        )
        .unwrap();
        assert_eq!(rows[0].commune, Some(Code::parse("1234").unwrap()));
    }

    #[test]
    fn places_outside_the_province_are_refused_by_row() {
        let existing = [
            GeoPoint::new(22.8, 104.9).unwrap(),
            GeoPoint::new(23.2, 105.3).unwrap(),
        ];
        let a = area(&existing);
        let rows = read_geojson(
            br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","geometry":{"type":"Point","coordinates":[105.0,22.9]},"properties":{"number":"172","post":"P1"}},
            {"type":"Feature","geometry":{"type":"LineString","coordinates":[[105.0,22.9],[105.1,22.9]]},"properties":{}},
            {"type":"Feature","geometry":{"type":"Point","coordinates":[105.85,21.03]},"properties":{"type":"post","code":"P2"}}]}"#,
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        let e = check_area(&rows, &a).unwrap_err();
        assert_eq!(e.field, "row 3");
        assert!(matches!(e.problem, Problem::OutsideArea { .. }));
        assert!(check_area(&rows[..1], &a).is_ok());
        // Without places yet, Việt Nam is the area.
        assert!(check_area(&rows, &area(&[])).is_ok());
    }
}
