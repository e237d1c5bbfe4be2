//! Tracks and markers written as GPX 1.1, GeoJSON and KML 2.2, and the
//! placemarks of a KML read back (GPX reads back with [`super::gpx::parse`],
//! GeoJSON with [`super::places::read_geojson`]).

use super::GeoPoint;
use crate::error::Problem;
use serde_json::{Value, json};

/// A line to export: a patrol's track, one line per segment.
#[derive(Clone, Debug, PartialEq)]
pub struct LineFeature {
    pub name: String,
    /// The patrol's record id, kept as a property.
    pub id: String,
    pub segments: Vec<Vec<GeoPoint>>,
}

/// A point to export: a marker or a post.
#[derive(Clone, Debug, PartialEq)]
pub struct PointFeature {
    pub name: String,
    pub id: String,
    pub at: GeoPoint,
    /// Extra properties (`post`, `kind`, `visits`…), written as text.
    pub properties: Vec<(String, String)>,
}

/// An area to export: a commune's polygons (outer ring, then holes).
#[derive(Clone, Debug, PartialEq)]
pub struct AreaFeature {
    pub name: String,
    /// The unit's code.
    pub id: String,
    pub polygons: Vec<super::shapes::Polygon>,
}

/// The file formats of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Gpx,
    GeoJson,
    Kml,
}

impl Format {
    pub fn parse(s: &str) -> Result<Self, Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gpx" => Ok(Self::Gpx),
            "geojson" | "json" => Ok(Self::GeoJson),
            "kml" => Ok(Self::Kml),
            other => Err(Problem::UnknownValue {
                value: other.to_string(),
                expected: "gpx, geojson, kml".into(),
            }),
        }
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            Self::Gpx => "application/gpx+xml",
            Self::GeoJson => "application/geo+json",
            Self::Kml => "application/vnd.google-earth.kml+xml",
        }
    }

    pub fn extension(&self) -> &'static str {
        match self {
            Self::Gpx => "gpx",
            Self::GeoJson => "geojson",
            Self::Kml => "kml",
        }
    }
}

/// Text safe inside an XML element or attribute.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The features in `format`; GPX has no areas, so they are left out of it.
pub fn write(
    format: Format,
    lines: &[LineFeature],
    points: &[PointFeature],
    areas: &[AreaFeature],
) -> String {
    match format {
        Format::Gpx => gpx(lines, points),
        Format::GeoJson => {
            let mut v = geojson(lines, points);
            if let Some(f) = v["features"].as_array_mut() {
                f.extend(areas.iter().map(geojson_area));
            }
            v.to_string()
        }
        Format::Kml => kml(lines, points, areas),
    }
}

fn geojson_area(a: &AreaFeature) -> Value {
    let coords: Vec<Value> = a
        .polygons
        .iter()
        .map(|p| {
            Value::Array(
                p.iter()
                    .map(|r| Value::Array(r.iter().map(position).collect()))
                    .collect(),
            )
        })
        .collect();
    json!({"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": coords}, "properties": {"name": a.name, "id": a.id, "code": a.id}})
}

/// GPX 1.1: markers as waypoints, tracks as tracks of segments.
pub fn gpx(lines: &[LineFeature], points: &[PointFeature]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"bienphong\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
    );
    for p in points {
        s.push_str(&format!(
            "  <wpt lat=\"{}\" lon=\"{}\"><name>{}</name><desc>{}</desc></wpt>\n",
            p.at.lat,
            p.at.lon,
            xml_escape(&p.name),
            xml_escape(&p.id)
        ));
    }
    for l in lines {
        s.push_str(&format!(
            "  <trk><name>{}</name><desc>{}</desc>\n",
            xml_escape(&l.name),
            xml_escape(&l.id)
        ));
        for seg in &l.segments {
            s.push_str("    <trkseg>");
            for p in seg {
                s.push_str(&format!("<trkpt lat=\"{}\" lon=\"{}\"/>", p.lat, p.lon));
            }
            s.push_str("</trkseg>\n");
        }
        s.push_str("  </trk>\n");
    }
    s.push_str("</gpx>\n");
    s
}

fn position(p: &GeoPoint) -> Value {
    json!([p.lon, p.lat])
}

/// A GeoJSON FeatureCollection: points, then lines (MultiLineString).
pub fn geojson(lines: &[LineFeature], points: &[PointFeature]) -> Value {
    let mut features: Vec<Value> = points
        .iter()
        .map(|p| {
            let mut props = serde_json::Map::new();
            props.insert("name".into(), json!(p.name));
            props.insert("id".into(), json!(p.id));
            for (k, v) in &p.properties {
                props.insert(k.clone(), json!(v));
            }
            json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": position(&p.at)}, "properties": props})
        })
        .collect();
    features.extend(lines.iter().map(|l| {
        let coords: Vec<Value> = l
            .segments
            .iter()
            .map(|s| Value::Array(s.iter().map(position).collect()))
            .collect();
        json!({"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": coords}, "properties": {"name": l.name, "id": l.id}})
    }));
    json!({"type": "FeatureCollection", "features": features})
}

fn kml_coords(points: &[GeoPoint]) -> String {
    points
        .iter()
        .map(|p| format!("{},{}", p.lon, p.lat))
        .collect::<Vec<_>>()
        .join(" ")
}

/// KML 2.2: a placemark per point, per track (a MultiGeometry of lines)
/// and per area (a MultiGeometry of polygons).
pub fn kml(lines: &[LineFeature], points: &[PointFeature], areas: &[AreaFeature]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n",
    );
    for p in points {
        s.push_str(&format!(
            "<Placemark><name>{}</name><description>{}</description><Point><coordinates>{}</coordinates></Point></Placemark>\n",
            xml_escape(&p.name),
            xml_escape(&p.id),
            kml_coords(&[p.at])
        ));
    }
    for l in lines {
        s.push_str(&format!(
            "<Placemark><name>{}</name><description>{}</description><MultiGeometry>",
            xml_escape(&l.name),
            xml_escape(&l.id)
        ));
        for seg in &l.segments {
            s.push_str(&format!(
                "<LineString><coordinates>{}</coordinates></LineString>",
                kml_coords(seg)
            ));
        }
        s.push_str("</MultiGeometry></Placemark>\n");
    }
    for a in areas {
        s.push_str(&format!(
            "<Placemark><name>{}</name><description>{}</description><MultiGeometry>",
            xml_escape(&a.name),
            xml_escape(&a.id)
        ));
        for p in &a.polygons {
            s.push_str("<Polygon>");
            for (i, ring) in p.iter().enumerate() {
                let edge = if i == 0 {
                    "outerBoundaryIs"
                } else {
                    "innerBoundaryIs"
                };
                s.push_str(&format!(
                    "<{edge}><LinearRing><coordinates>{}</coordinates></LinearRing></{edge}>",
                    kml_coords(ring)
                ));
            }
            s.push_str("</Polygon>");
        }
        s.push_str("</MultiGeometry></Placemark>\n");
    }
    s.push_str("</Document></kml>\n");
    s
}

/// A placemark read from KML: its name, description and geometries (a
/// point is a line of one position).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placemark {
    pub name: String,
    pub description: String,
    pub points: Vec<GeoPoint>,
    pub lines: Vec<Vec<GeoPoint>>,
}

/// The placemarks of a KML document.
pub fn read_kml(text: &str) -> Result<Vec<Placemark>, Problem> {
    use quick_xml::events::Event;
    let bad = |d: String| Problem::GpxMalformed(d);
    let mut r = quick_xml::Reader::from_str(text);
    let mut out = Vec::new();
    let mut current: Option<Placemark> = None;
    let mut path: Vec<String> = Vec::new();
    let mut buf = String::new();
    loop {
        match r.read_event().map_err(|e| bad(e.to_string()))? {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_string();
                if local == "Placemark" {
                    current = Some(Placemark::default());
                }
                path.push(local);
                buf.clear();
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::GeneralRef(g) => {
                let name = g.xml10_content();
                buf.push(super::gpx::entity(&name).ok_or_else(|| bad(format!("&{name};")))?);
            }
            Event::End(_) => {
                let local = path.pop().unwrap_or_default();
                let parent = path.last().cloned().unwrap_or_default();
                let value = std::mem::take(&mut buf);
                let Some(pm) = current.as_mut() else {
                    continue;
                };
                match local.as_str() {
                    "name" if parent == "Placemark" => pm.name = value,
                    "description" if parent == "Placemark" => pm.description = value,
                    "coordinates" => {
                        let pts = value
                            .split_whitespace()
                            .map(|tuple| {
                                let mut it = tuple.split(',');
                                let lon = it.next().unwrap_or_default();
                                let lat = it.next().unwrap_or_default();
                                GeoPoint::parse(lat, lon)
                            })
                            .collect::<Result<Vec<_>, _>>()?;
                        if parent == "Point" {
                            pm.points.extend(pts);
                        } else {
                            pm.lines.push(pts);
                        }
                    }
                    "Placemark" => {
                        if let Some(pm) = current.take() {
                            out.push(pm);
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::{gpx, places};

    fn sample() -> (Vec<LineFeature>, Vec<PointFeature>) {
        let p = |lat, lon| GeoPoint::new(lat, lon).unwrap();
        (
            vec![LineFeature {
                name: "Tuần tra 03/02/2024 & đêm".into(),
                id: "0190-abc".into(),
                segments: vec![
                    vec![p(22.0, 105.0), p(22.001, 105.0)],
                    vec![p(22.003, 105.0), p(22.004, 105.000_123_4)],
                ],
            }],
            vec![PointFeature {
                name: "172".into(),
                id: "DBP-MT/172".into(),
                at: p(22.0015, 105.0009),
                properties: vec![
                    ("post".into(), "DBP-MT".into()),
                    ("type".into(), "marker".into()),
                ],
            }],
        )
    }

    #[test]
    fn gpx_reads_back() {
        let (lines, points) = sample();
        let g = gpx::parse(write(Format::Gpx, &lines, &points, &[]).as_bytes()).unwrap();
        assert_eq!(g.name.as_deref(), Some(lines[0].name.as_str()));
        let segs: Vec<Vec<GeoPoint>> = g
            .segments
            .iter()
            .map(|s| s.iter().map(|t| t.at).collect())
            .collect();
        assert_eq!(segs, lines[0].segments);
        assert_eq!(g.waypoints[0].at, points[0].at);
        assert_eq!(g.waypoints[0].name, "172");
    }

    #[test]
    fn geojson_reads_back() {
        let (lines, points) = sample();
        let text = write(Format::GeoJson, &lines, &points, &[]);
        let rows = places::read_geojson(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].at, points[0].at);
        assert_eq!(
            rows[0].place,
            places::Place::Marker {
                post: crate::org::Code::parse("DBP-MT").unwrap(),
                number: crate::org::Code::parse("172").unwrap()
            }
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        let coords = &v["features"][1]["geometry"]["coordinates"];
        assert_eq!(coords[1][1], json!([105.000_123_4, 22.004]));
        assert_eq!(v["features"][1]["properties"]["id"], "0190-abc");
    }

    #[test]
    fn kml_reads_back() {
        let (lines, points) = sample();
        let pms = read_kml(&write(Format::Kml, &lines, &points, &[])).unwrap();
        assert_eq!(pms.len(), 2);
        assert_eq!(pms[0].name, "172");
        assert_eq!(pms[0].points, vec![points[0].at]);
        assert_eq!(pms[1].name, lines[0].name);
        assert_eq!(pms[1].description, "0190-abc");
        assert_eq!(pms[1].lines, lines[0].segments);
    }

    #[test]
    fn areas_are_written_as_polygons_and_read_back() {
        let p = |lat, lon| GeoPoint::new(lat, lon).unwrap();
        let ring = vec![
            p(22.8, 105.0),
            p(22.8, 105.1),
            p(22.9, 105.1),
            p(22.8, 105.0),
        ];
        let areas = vec![AreaFeature {
            name: "Xã Lũng Cú".into(),
            id: "XA-LC".into(),
            polygons: vec![vec![ring.clone()]],
        }];
        let text = write(Format::GeoJson, &[], &[], &areas);
        let rows = crate::geo::shapes::read_geojson(text.as_bytes()).unwrap();
        assert_eq!(
            rows[0].shape,
            crate::geo::shapes::Shape::Area(vec![vec![ring.clone()]])
        );
        let pms = read_kml(&write(Format::Kml, &[], &[], &areas)).unwrap();
        assert_eq!(pms[0].description, "XA-LC");
        assert_eq!(pms[0].lines, vec![ring]);
    }
}
