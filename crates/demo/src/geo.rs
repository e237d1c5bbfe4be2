//! Illustrative places and tracks for the demo: coordinates of Hà Giang's
//! markers and posts laid along an approximate line of the border (not
//! survey data: marked so in each post's note), and GPX tracks of patrols
//! generated from the patrol itself, with no clock and no randomness but a
//! seed.

use crate::DemoRecord;
use crate::util::Rng;
use bienphong_domain::Date;
use bienphong_domain::RecordId;
use bienphong_domain::geo::GeoPoint;
use bienphong_domain::org::Code;
use bienphong_domain::record::Content;
use std::collections::HashMap;

/// A rough line of Hà Giang's border with China, west to east, as
/// (marker number, lat, lon): markers in between are spaced evenly.
const LINE: [(f64, f64, f64); 12] = [
    (172.0, 22.630, 104.380),
    (201.0, 22.800, 104.520),
    (233.0, 22.860, 104.680),
    (247.0, 22.870, 104.800),
    (276.0, 22.980, 104.950),
    (313.0, 23.100, 105.050),
    (340.0, 23.200, 105.150),
    (377.0, 23.280, 105.250),
    (410.0, 23.360, 105.320),
    (433.0, 23.300, 105.450),
    (491.0, 23.180, 105.580),
    (519.0, 23.120, 105.700),
];

/// The note every located demo post carries.
pub const ILLUSTRATIVE: &str = "Tọa độ của đồn và các mốc là minh họa (dọc một đường biên giới gần đúng), không phải số liệu đo đạc.";

/// `172` → 172,0; `519/2` → 519,2: where a marker sits between its
/// neighbours.
pub(crate) fn position(number: &str) -> Option<f64> {
    let (main, sub) = number.split_once('/').unwrap_or((number, "0"));
    let main: f64 = main.parse().ok()?;
    let sub: f64 = sub.parse().ok()?;
    Some(main + sub.min(9.0) / 10.0)
}

/// The illustrative place of Hà Giang marker `number`.
pub fn marker_location(number: &str) -> Option<GeoPoint> {
    let x = position(number)?;
    let (first, last) = (LINE[0], LINE[LINE.len() - 1]);
    if x < first.0 || x > last.0 + 1.0 {
        return None;
    }
    let i = LINE.iter().rposition(|(n, _, _)| *n <= x).unwrap_or(0);
    let a = LINE[i];
    let b = LINE.get(i + 1).copied().unwrap_or(last);
    let t = if b.0 > a.0 {
        (x - a.0) / (b.0 - a.0)
    } else {
        0.0
    };
    GeoPoint::new(a.1 + t * (b.1 - a.1), a.2 + t * (b.2 - a.2)).ok()
}

/// The illustrative place of a post answering for markers `from`–`to`:
/// 3 km inland (south) of the middle of its stretch.
pub fn post_location(from: u32, to: u32) -> Option<GeoPoint> {
    let mid = marker_location(&((from + to) / 2).to_string())?;
    GeoPoint::new(mid.lat - 0.027, mid.lon).ok()
}

/// A GPX 1.1 track of a patrol leaving `start` at 07:30 (UTC+7) on
/// `date`, walking to each of `stops` in turn and back, a point every
/// 15 s at about `speed_ms`, with a few metres of GPS noise from `seed`.
/// Long legs are split into two segments (the device paused at the middle
/// stop).
pub fn patrol_gpx(
    name: &str,
    start: GeoPoint,
    stops: &[GeoPoint],
    date: Date,
    speed_ms: f64,
    seed: u64,
) -> String {
    let mut rng = Rng::new(seed);
    let start_ms = date.to_datetime(jiff::civil::time(0, 30, 0, 0)).pipe_utc();
    let mut route = vec![start];
    route.extend_from_slice(stops);
    route.push(start);
    let mut segments: Vec<Vec<(GeoPoint, i64)>> = vec![Vec::new()];
    let mut t = start_ms;
    let half = route.len() / 2;
    for (leg, w) in route.windows(2).enumerate() {
        if leg == half && leg > 0 {
            // A rest at the middle stop: the device stops recording.
            t += 20 * 60 * 1000;
            segments.push(Vec::new());
        }
        let d = bienphong_domain::geo::distance_m(w[0], w[1]);
        let steps = ((d / (speed_ms * 15.0)).ceil() as usize).max(1);
        for s in 0..steps {
            let f = s as f64 / steps as f64;
            let noise = |rng: &mut Rng| {
                ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.000_06
            };
            let p = GeoPoint {
                lat: w[0].lat + f * (w[1].lat - w[0].lat) + noise(&mut rng),
                lon: w[0].lon + f * (w[1].lon - w[0].lon) + noise(&mut rng),
            };
            if let Some(seg) = segments.last_mut() {
                seg.push((p, t));
            }
            t += 15_000;
        }
    }
    if let Some(seg) = segments.last_mut() {
        seg.push((start, t));
    }
    gpx_text(name, &segments)
}

/// A long track for benchmarks: `points` points every 5 s along a
/// zigzag from `start`, at walking pace.
pub fn long_gpx(start: GeoPoint, points: usize, date: Date) -> String {
    let start_ms = date.to_datetime(jiff::civil::time(0, 0, 0, 0)).pipe_utc();
    let seg: Vec<(GeoPoint, i64)> = (0..points)
        .map(|i| {
            let leg = (i / 500) as f64;
            let along = (i % 500) as f64;
            let dir = if (i / 500) % 2 == 0 {
                along
            } else {
                500.0 - along
            };
            (
                GeoPoint {
                    lat: start.lat + leg * 0.000_2,
                    lon: start.lon + dir * 0.000_06,
                },
                start_ms + i as i64 * 5_000,
            )
        })
        .collect();
    gpx_text("bench", &[seg])
}

/// A demo patrol's track: the GPX to attach and when it is attached.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoTrack {
    pub patrol: RecordId,
    pub name: String,
    pub gpx: String,
    pub created_ms: i64,
}

/// Tracks for some of the demo's 2024 patrols (one in eight of those whose
/// post and markers have places): walked from the post to the markers the
/// patrol lists and back. One in five skips its last marker, so that the
/// coverage shows a marker listed but not passed.
pub fn tracks(records: &[DemoRecord]) -> Vec<DemoTrack> {
    let mut posts: HashMap<Code, GeoPoint> = HashMap::new();
    let mut markers: HashMap<(Code, Code), GeoPoint> = HashMap::new();
    for r in records {
        match &r.content {
            Content::Unit(u) => {
                if let Some(at) = u.location {
                    posts.insert(u.code.clone(), at);
                }
            }
            Content::Marker(m) => {
                if let Some(at) = m.location {
                    markers.insert((m.post.clone(), m.number.clone()), at);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut eligible = 0usize;
    for r in records {
        let Content::Patrol(p) = &r.content else {
            continue;
        };
        if p.date.year() != 2024 || p.markers.is_empty() {
            continue;
        }
        let Some(start) = posts.get(&p.lead_unit) else {
            continue;
        };
        let stops: Option<Vec<GeoPoint>> = p
            .markers
            .iter()
            .map(|n| markers.get(&(p.lead_unit.clone(), n.clone())).copied())
            .collect();
        let Some(mut stops) = stops else {
            continue;
        };
        eligible += 1;
        if eligible % 8 != 1 {
            continue;
        }
        let n = out.len();
        if n % 5 == 4 && stops.len() > 1 {
            stops.pop();
        }
        let name = format!("{} {}", p.lead_unit, bienphong_domain::format::date(p.date));
        out.push(DemoTrack {
            patrol: r.record_id,
            gpx: patrol_gpx(&name, *start, &stops, p.date, 1.1, n as u64 + 1),
            name: format!("{name}.gpx"),
            created_ms: r.created_ms + 3_600_000,
        });
    }
    out
}

trait PipeUtc {
    fn pipe_utc(self) -> i64;
}

impl PipeUtc for jiff::civil::DateTime {
    /// Milliseconds of this UTC time.
    fn pipe_utc(self) -> i64 {
        jiff::tz::TimeZone::UTC
            .to_timestamp(self)
            .map(|t| t.as_millisecond())
            .unwrap_or(0)
    }
}

fn gpx_text(name: &str, segments: &[Vec<(GeoPoint, i64)>]) -> String {
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"bienphong demo\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n<trk><name>{}</name>\n",
        bienphong_domain::geo::export::xml_escape(name)
    );
    for seg in segments.iter().filter(|s| !s.is_empty()) {
        s.push_str("<trkseg>\n");
        for (p, t) in seg {
            let time = jiff::Timestamp::from_millisecond(*t)
                .map(|t| t.to_string())
                .unwrap_or_default();
            s.push_str(&format!(
                "<trkpt lat=\"{:.6}\" lon=\"{:.6}\"><time>{time}</time></trkpt>\n",
                p.lat, p.lon
            ));
        }
        s.push_str("</trkseg>\n");
    }
    s.push_str("</trk>\n</gpx>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use bienphong_domain::geo::{gpx, track};

    #[test]
    fn markers_lie_along_the_line_in_order() {
        let a = marker_location("172").unwrap();
        assert_eq!((a.lat, a.lon), (22.63, 104.38));
        let b = marker_location("519").unwrap();
        assert_eq!((b.lat, b.lon), (23.12, 105.70));
        let aux = marker_location("176/1").unwrap();
        let (m176, m177) = (
            marker_location("176").unwrap(),
            marker_location("177").unwrap(),
        );
        assert!(m176.lat < aux.lat && aux.lat < m177.lat);
        assert!(marker_location("1000").is_none());
        assert!(post_location(172, 200).is_some());
    }

    #[test]
    fn a_demo_track_is_accepted_and_passes_its_markers() {
        let stops = [
            marker_location("180").unwrap(),
            marker_location("182").unwrap(),
        ];
        let start = post_location(172, 200).unwrap();
        let date: Date = "2024-03-05".parse().unwrap();
        let text = patrol_gpx("t", start, &stops, date, 1.2, 7);
        assert_eq!(text, patrol_gpx("t", start, &stops, date, 1.2, 7));
        let g = gpx::parse(text.as_bytes()).unwrap();
        track::check(&g).unwrap();
        let f = track::measure(&g);
        track::check_speed(&f, track::Means::Foot).unwrap();
        assert_eq!(g.segments.len(), 2);
        let lines = track::display_lines(&g, track::DISPLAY_TOLERANCE_M);
        let passed = track::markers_passed(&lines, &[("180", stops[0]), ("182", stops[1])], 100.0);
        assert_eq!(passed.len(), 2);
        let demo = tracks(&crate::ha_giang());
        assert!(demo.len() >= 10, "{}", demo.len());
        for t in &demo {
            let g = gpx::parse(t.gpx.as_bytes()).unwrap();
            track::check(&g).unwrap();
            track::check_speed(&track::measure(&g), track::Means::Foot).unwrap();
        }
        let long = gpx::parse(long_gpx(start, 2_000, date).as_bytes()).unwrap();
        assert_eq!(long.point_count(), 2_000);
        track::check(&long).unwrap();
    }
}
