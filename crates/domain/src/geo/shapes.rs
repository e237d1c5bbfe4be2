//! Communes' areas and the border line: polygons and lines a unit record
//! carries (ADR 26), read from GeoJSON (`Polygon`/`MultiPolygon` for an
//! area, `LineString`/`MultiLineString` for the border), keyed by the
//! unit's code or its administrative code. Each is checked before anything
//! is written: WGS84, rings closed and not crossing themselves, lines of
//! two points or more, every
//! point inside the area of the province's places; a refusal names the
//! feature.

use super::places::{area_of, check_point};
use super::{BBox, GeoPoint};
use crate::error::{Problem, ValidationError};
use crate::org::{Code, Org, Unit};
use serde_json::Value;

/// A ring: closed (its last point is its first), four points or more.
pub type Ring = Vec<GeoPoint>;

/// A polygon: its outer ring, then its holes.
pub type Polygon = Vec<Ring>;

/// How a feature names its unit.
#[derive(Clone, Debug, PartialEq)]
pub enum UnitKey {
    /// The unit's code (`code` property).
    Code(Code),
    /// A code in the state's list of administrative units (`admin_code`).
    AdminCode(Code),
}

/// What a feature gives its unit.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Area(Vec<Polygon>),
    Border(Vec<Vec<GeoPoint>>),
}

/// One area or border feature of a file.
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeRow {
    /// 1-based: the feature's place in the collection.
    pub row: usize,
    pub unit: UnitKey,
    pub shape: Shape,
}

impl ShapeRow {
    /// How a refusal names the feature.
    pub fn field(&self) -> String {
        feature_field(self.row)
    }

    pub fn points(&self) -> Box<dyn Iterator<Item = GeoPoint> + '_> {
        match &self.shape {
            Shape::Area(polygons) => Box::new(polygons.iter().flatten().flatten().copied()),
            Shape::Border(lines) => Box::new(lines.iter().flatten().copied()),
        }
    }
}

fn feature_field(row: usize) -> String {
    format!("row {row}")
}

fn invalid(field: &str, what: impl Into<String>) -> ValidationError {
    ValidationError::new(field, Problem::ShapeInvalid(what.into()))
}

fn position(field: &str, v: &Value) -> Result<GeoPoint, ValidationError> {
    let c = v.as_array().map(Vec::as_slice).unwrap_or_default();
    match (
        c.first().and_then(Value::as_f64),
        c.get(1).and_then(Value::as_f64),
    ) {
        (Some(lon), Some(lat)) => {
            GeoPoint::new(lat, lon).map_err(|p| ValidationError::new(field, p))
        }
        _ => Err(ValidationError::new(
            field,
            Problem::CoordinateInvalid(v.to_string()),
        )),
    }
}

fn array<'a>(field: &str, v: &'a Value) -> Result<&'a [Value], ValidationError> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| invalid(field, format!("expected an array, found {v}")))
}

fn line(field: &str, v: &Value) -> Result<Vec<GeoPoint>, ValidationError> {
    array(field, v)?
        .iter()
        .map(|p| position(field, p))
        .collect()
}

fn polygon(field: &str, v: &Value) -> Result<Polygon, ValidationError> {
    array(field, v)?.iter().map(|r| line(field, r)).collect()
}

/// The area and border features of a GeoJSON FeatureCollection (points
/// are places: [`super::places::read_geojson`]); each names its unit by
/// the property `code` or `admin_code`.
pub fn read_geojson(bytes: &[u8]) -> Result<Vec<ShapeRow>, ValidationError> {
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| ValidationError::new("file", Problem::MalformedJson(e.to_string())))?;
    let features = v
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| ValidationError::new("features", Problem::Missing))?;
    let mut out = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let row = i + 1;
        let field = feature_field(row);
        let geometry = f.get("geometry").unwrap_or(&Value::Null);
        let coords = geometry.get("coordinates").unwrap_or(&Value::Null);
        let shape = match geometry.get("type").and_then(Value::as_str) {
            Some("Polygon") => Shape::Area(vec![polygon(&field, coords)?]),
            Some("MultiPolygon") => Shape::Area(
                array(&field, coords)?
                    .iter()
                    .map(|p| polygon(&field, p))
                    .collect::<Result<_, _>>()?,
            ),
            Some("LineString") => Shape::Border(vec![line(&field, coords)?]),
            Some("MultiLineString") => Shape::Border(
                array(&field, coords)?
                    .iter()
                    .map(|l| line(&field, l))
                    .collect::<Result<_, _>>()?,
            ),
            _ => continue,
        };
        let props = f.get("properties").unwrap_or(&Value::Null);
        let text = |k: &str| {
            props
                .get(k)
                .and_then(|v| match v {
                    Value::String(s) => Some(s.trim().to_string()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
        };
        let unit = match (text("code"), text("admin_code").or_else(|| text("ma"))) {
            (Some(c), _) => {
                UnitKey::Code(Code::parse(&c).map_err(|p| ValidationError::new(&field, p))?)
            }
            (None, Some(a)) => {
                UnitKey::AdminCode(Code::parse(&a).map_err(|p| ValidationError::new(&field, p))?)
            }
            (None, None) => {
                return Err(ValidationError::new(
                    format!("{field}: code"),
                    Problem::Missing,
                ));
            }
        };
        let r = ShapeRow { row, unit, shape };
        check_shape(&field, &r.shape)?;
        out.push(r);
    }
    Ok(out)
}

/// Refuses an area with a ring open, of fewer than four points or crossing
/// or touching itself ([`super::rings`]), or a border with a line of fewer
/// than two, or a point not WGS84: the one rule for files imported (CLI,
/// API, the map page's form) and for an area set in a record.
pub fn check_shape(field: &str, shape: &Shape) -> Result<(), ValidationError> {
    match shape {
        Shape::Area(polygons) => {
            for (i, p) in polygons.iter().enumerate() {
                if p.is_empty() {
                    return Err(invalid(field, format!("polygon {} has no ring", i + 1)));
                }
                for (j, ring) in p.iter().enumerate() {
                    for at in ring {
                        at.check().map_err(|e| ValidationError::new(field, e))?;
                    }
                    let n = i + 1;
                    if ring.len() < 4 {
                        return Err(invalid(
                            field,
                            format!(
                                "ring {} of polygon {n} has {} points (4 or more)",
                                j + 1,
                                ring.len()
                            ),
                        ));
                    }
                    if ring.first() != ring.last() {
                        return Err(invalid(
                            field,
                            format!(
                                "ring {} of polygon {n} is not closed (its last point is not its first)",
                                j + 1
                            ),
                        ));
                    }
                    if let Some(at) = super::rings::self_crossing(ring) {
                        return Err(ValidationError::new(
                            field,
                            Problem::RingCrosses {
                                polygon: n,
                                ring: j + 1,
                                point: at.text(),
                            },
                        ));
                    }
                }
            }
        }
        Shape::Border(lines) => {
            for (i, l) in lines.iter().enumerate() {
                for at in l {
                    at.check().map_err(|e| ValidationError::new(field, e))?;
                }
                if l.len() < 2 {
                    return Err(invalid(
                        field,
                        format!("line {} has {} point (2 or more)", i + 1, l.len()),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Refuses the first point of `points` outside `area`, naming `field`.
pub fn check_inside(
    field: &str,
    points: impl IntoIterator<Item = GeoPoint>,
    area: &BBox,
) -> Result<(), ValidationError> {
    for at in points {
        check_point(field, at, area)?;
    }
    Ok(())
}

/// Checks a unit's `location`, `area` and `border` as its record carries
/// them: each well formed, and what is new or moved inside the area of
/// `org`'s places (the rule files imported follow).
pub fn check_unit(u: &Unit, org: &Org) -> Result<(), ValidationError> {
    let before = org.unit(&u.code);
    let mut area: Option<BBox> = None;
    let mut inside = |field: &str, points: Vec<GeoPoint>| {
        let a = *area.get_or_insert_with(|| area_of(org));
        check_inside(field, points, &a)
    };
    if let Some(at) = u.location {
        at.check()
            .map_err(|p| ValidationError::new("location", p))?;
        if before.and_then(|b| b.location) != Some(at) {
            inside("location", vec![at])?;
        }
    }
    if !u.area.is_empty() {
        check_shape("area", &Shape::Area(u.area.clone()))?;
        if before.is_none_or(|b| b.area != u.area) {
            inside("area", u.area.iter().flatten().flatten().copied().collect())?;
        }
    }
    if !u.border.is_empty() {
        check_shape("border", &Shape::Border(u.border.clone()))?;
        if before.is_none_or(|b| b.border != u.border) {
            inside("border", u.border.iter().flatten().copied().collect())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","geometry":{"type":"Point","coordinates":[105.0,22.9]},"properties":{"number":"172","post":"P1"}},
      {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[105.0,22.8],[105.1,22.8],[105.1,22.9],[105.0,22.8]]]},"properties":{"admin_code":"00001"}},
      {"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[105.0,22.95],[105.1,22.97]]]},"properties":{"code":"BP-1"}}]}"#;

    #[test]
    fn areas_and_lines_are_read_keyed_by_unit() {
        let rows = read_geojson(FILE.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 2);
        assert_eq!(
            rows[0].unit,
            UnitKey::AdminCode(Code::parse("00001").unwrap())
        );
        let Shape::Area(p) = &rows[0].shape else {
            panic!("an area")
        };
        assert_eq!(p[0][0].len(), 4);
        assert_eq!(rows[1].unit, UnitKey::Code(Code::parse("BP-1").unwrap()));
        assert_eq!(rows[1].points().count(), 2);
    }

    #[test]
    fn an_open_ring_a_short_line_or_a_bad_point_names_the_feature() {
        let open = FILE.replace("[105.0,22.8]]]}", "[105.0,22.85]]]}");
        let e = read_geojson(open.as_bytes()).unwrap_err();
        assert_eq!(e.field, "row 2");
        assert!(matches!(&e.problem, Problem::ShapeInvalid(s) if s.contains("not closed")));
        let short = FILE.replace("[[[105.0,22.95],[105.1,22.97]]]", "[[[105.0,22.95]]]");
        let e = read_geojson(short.as_bytes()).unwrap_err();
        assert_eq!(e.field, "row 3");
        let far = FILE.replace("[105.1,22.97]", "[195.1,22.97]");
        let e = read_geojson(far.as_bytes()).unwrap_err();
        assert_eq!(e.field, "row 3");
        assert!(matches!(e.problem, Problem::CoordinateInvalid(_)));
        // A bow-tie: the second ring of a multipolygon's first polygon
        // crosses itself, and the refusal says which and where.
        let bow_tie = FILE.replace(
            r#""Polygon","coordinates":[[[105.0,22.8],[105.1,22.8],[105.1,22.9],[105.0,22.8]]]"#,
            r#""MultiPolygon","coordinates":[[[[105.0,22.8],[105.3,22.8],[105.3,23.1],[105.0,23.1],[105.0,22.8]],[[105.1,22.9],[105.2,23.0],[105.2,22.9],[105.1,23.0],[105.1,22.9]]]]"#,
        );
        let e = read_geojson(bow_tie.as_bytes()).unwrap_err();
        assert_eq!(e.field, "row 2");
        assert_eq!(
            e.problem,
            Problem::RingCrosses {
                polygon: 1,
                ring: 2,
                point: "22.950000, 105.150000".into()
            }
        );
        let (key, args) = e.problem.message(&e.field);
        assert_eq!(key, "field-ring-crosses");
        assert!(args.contains(&("ring", "2".to_string())), "{args:?}");
        // The same rule for an area set by hand in a unit's record.
        let p = |lat, lon| GeoPoint::new(lat, lon).unwrap();
        let bow_tie = vec![
            p(22.0, 105.0),
            p(22.2, 105.2),
            p(22.0, 105.2),
            p(22.2, 105.0),
            p(22.0, 105.0),
        ];
        let e = check_shape("area", &Shape::Area(vec![vec![bow_tie]])).unwrap_err();
        assert_eq!(e.field, "area");
        assert!(matches!(e.problem, Problem::RingCrosses { ring: 1, .. }));
        let nameless = FILE.replace(r#"{"code":"BP-1"}"#, "{}");
        assert_eq!(
            read_geojson(nameless.as_bytes()).unwrap_err().field,
            "row 3: code"
        );
    }
}
