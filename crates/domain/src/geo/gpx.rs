//! GPX as phones and handhelds write it: GPX 1.0 and 1.1, any namespace
//! prefix, vendor extensions (Garmin TrackPointExtension, OsmAnd, …)
//! skipped, several tracks and segments, routes, waypoints, points with or
//! without times. What is read is checked by [`super::track::check`].

use super::GeoPoint;
use crate::error::Problem;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// One recorded position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackPoint {
    pub at: GeoPoint,
    /// UTC milliseconds, when the device wrote a time.
    pub time_ms: Option<i64>,
    pub ele: Option<f64>,
}

/// A named point (a waypoint the user marked).
#[derive(Clone, Debug, PartialEq)]
pub struct Waypoint {
    pub at: GeoPoint,
    pub name: String,
    pub time_ms: Option<i64>,
}

/// What a GPX file holds: its track segments and routes (each a line), and
/// its waypoints.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gpx {
    pub name: Option<String>,
    /// Track segments, then routes, in file order.
    pub segments: Vec<Vec<TrackPoint>>,
    pub waypoints: Vec<Waypoint>,
}

impl Gpx {
    pub fn point_count(&self) -> usize {
        self.segments.iter().map(Vec::len).sum()
    }
}

fn malformed(detail: impl Into<String>) -> Problem {
    Problem::GpxMalformed(detail.into())
}

/// A time as GPX writes it (`2024-01-05T01:02:03Z`, with fractions or an
/// offset); without an offset it is UTC, as the format says.
pub fn parse_time(text: &str) -> Result<i64, Problem> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts.as_millisecond());
    }
    t.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| jiff::tz::TimeZone::UTC.to_timestamp(dt).ok())
        .map(|t| t.as_millisecond())
        .ok_or_else(|| malformed(format!("time \"{t}\"")))
}

/// The character an entity reference stands for.
pub(crate) fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[derive(Default)]
struct Pending {
    lat: Option<f64>,
    lon: Option<f64>,
    time: Option<String>,
    ele: Option<String>,
    name: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Track,
    Route,
    Way,
}

fn coordinates(e: &BytesStart<'_>, p: &mut Pending) -> Result<(), Problem> {
    for a in e.attributes() {
        let a = a.map_err(|e| malformed(e.to_string()))?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| malformed(e.to_string()))?;
        let num = || {
            value
                .trim()
                .parse::<f64>()
                .map_err(|_| Problem::CoordinateInvalid(value.to_string()))
        };
        match a.key.local_name().as_ref() {
            "lat" => p.lat = Some(num()?),
            "lon" => p.lon = Some(num()?),
            _ => {}
        }
    }
    Ok(())
}

/// Reads a GPX document. Refuses what is not XML, not GPX, or has a point
/// without valid coordinates or with an unreadable time; zero points are
/// refused by [`super::track::check`], not here.
pub fn parse(bytes: &[u8]) -> Result<Gpx, Problem> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| malformed("not UTF-8 text"))?;
    let mut r = Reader::from_str(text);
    let mut gpx = Gpx::default();
    let mut seen_root = false;
    // Element names from the root down, by local name.
    let mut path: Vec<String> = Vec::new();
    let mut skip_depth: Option<usize> = None;
    let mut point: Option<(Kind, Pending)> = None;
    let mut segment: Option<Vec<TrackPoint>> = None;
    let mut text_buf = String::new();
    loop {
        let ev = r
            .read_event()
            .map_err(|e| malformed(format!("XML at byte {}: {e}", r.buffer_position())))?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(e) | Event::Empty(e) if skip_depth.is_none() => {
                let local = e.local_name().as_ref().to_string();
                if !seen_root {
                    if local != "gpx" {
                        return Err(malformed(format!("the document is <{local}>, not <gpx>")));
                    }
                    seen_root = true;
                }
                match local.as_str() {
                    "extensions" if !empty => skip_depth = Some(path.len()),
                    "trkseg" | "rte" => segment = Some(Vec::new()),
                    "trkpt" | "rtept" | "wpt" => {
                        let kind = match local.as_str() {
                            "trkpt" => Kind::Track,
                            "rtept" => Kind::Route,
                            _ => Kind::Way,
                        };
                        let mut p = Pending::default();
                        coordinates(&e, &mut p)?;
                        point = Some((kind, p));
                        if empty {
                            finish_point(&mut point, &mut segment, &mut gpx)?;
                        }
                    }
                    _ => {}
                }
                if !empty {
                    path.push(local);
                    text_buf.clear();
                }
            }
            Event::Start(_) => path.push(String::new()),
            Event::Empty(_) => {}
            Event::End(_) => {
                let Some(local) = path.pop() else {
                    return Err(malformed("unbalanced end tag"));
                };
                if skip_depth.is_some_and(|d| path.len() <= d) {
                    skip_depth = None;
                    continue;
                }
                if skip_depth.is_some() {
                    continue;
                }
                let value = std::mem::take(&mut text_buf);
                let parent = path.last().map(String::as_str);
                match (local.as_str(), parent) {
                    ("time", Some("trkpt" | "rtept" | "wpt")) => {
                        if let Some((_, p)) = point.as_mut() {
                            p.time = Some(value);
                        }
                    }
                    ("ele", Some("trkpt" | "rtept" | "wpt")) => {
                        if let Some((_, p)) = point.as_mut() {
                            p.ele = Some(value);
                        }
                    }
                    ("name", Some("wpt")) => {
                        if let Some((_, p)) = point.as_mut() {
                            p.name = Some(value);
                        }
                    }
                    ("name", Some("trk" | "metadata" | "gpx")) if gpx.name.is_none() => {
                        let n = value.trim();
                        if !n.is_empty() {
                            gpx.name = Some(n.to_string());
                        }
                    }
                    ("trkpt" | "rtept" | "wpt", _) => {
                        finish_point(&mut point, &mut segment, &mut gpx)?;
                    }
                    ("trkseg" | "rte", _) => {
                        if let Some(s) = segment.take().filter(|s| !s.is_empty()) {
                            gpx.segments.push(s);
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if skip_depth.is_none() => text_buf.push_str(&t.xml10_content()),
            Event::CData(t) if skip_depth.is_none() => {
                text_buf.push_str(&t.into_inner());
            }
            Event::GeneralRef(g) if skip_depth.is_none() => {
                let name = g.xml10_content();
                let c = entity(&name).ok_or_else(|| malformed(format!("entity &{name};")))?;
                text_buf.push(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err(malformed("no <gpx> element"));
    }
    if !path.is_empty() {
        return Err(malformed("the document ends before its elements close"));
    }
    Ok(gpx)
}

fn finish_point(
    point: &mut Option<(Kind, Pending)>,
    segment: &mut Option<Vec<TrackPoint>>,
    gpx: &mut Gpx,
) -> Result<(), Problem> {
    let Some((kind, p)) = point.take() else {
        return Ok(());
    };
    let (Some(lat), Some(lon)) = (p.lat, p.lon) else {
        return Err(malformed("a point without lat or lon"));
    };
    let at = GeoPoint::new(lat, lon)?;
    let time_ms = match p.time.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => Some(parse_time(t)?),
        _ => None,
    };
    let ele = p.ele.and_then(|e| e.trim().parse::<f64>().ok());
    match kind {
        Kind::Way => gpx.waypoints.push(Waypoint {
            at,
            name: p.name.unwrap_or_default().trim().to_string(),
            time_ms,
        }),
        Kind::Track | Kind::Route => {
            let tp = TrackPoint { at, time_ms, ele };
            match segment.as_mut() {
                Some(s) => s.push(tp),
                // A point outside a segment: a segment of its own.
                None => gpx.segments.push(vec![tp]),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
