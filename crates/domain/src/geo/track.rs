//! What a patrol's track measures and what it passed, and the checks that
//! refuse a track no patrol could have walked.

use super::gpx::Gpx;
use super::{BBox, GeoPoint, Plane, distance_m, segment_distance};
use crate::error::{Problem, ValidationError};
use serde::{Deserialize, Serialize};

/// How a patrol moved, for what speed is plausible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Means {
    Foot,
    Motorbike,
    Boat,
}

impl Means {
    pub const ALL: [Means; 3] = [Means::Foot, Means::Motorbike, Means::Boat];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Foot => "foot",
            Self::Motorbike => "motorbike",
            Self::Boat => "boat",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Problem> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| Problem::UnknownValue {
                value: s.to_string(),
                expected: "foot, motorbike, boat".into(),
            })
    }

    /// The fastest speed sustained over a minute that is plausible for this
    /// means on border terrain, km/h: above it the user is asked to confirm.
    pub fn plausible_kmh(&self) -> f64 {
        match self {
            Self::Foot => 12.0,
            Self::Motorbike => 90.0,
            Self::Boat => 60.0,
        }
    }
}

/// Above this speed between two recorded points nothing on the border
/// moves (360 km/h): the track is damaged.
pub const IMPOSSIBLE_SPEED_MS: f64 = 100.0;
/// A jump shorter than this is GPS noise, whatever the time between.
pub const JUMP_NOISE_M: f64 = 100.0;
/// Two consecutive untimed points farther apart than this are a damaged
/// track (no patrol records one point per 50 km).
pub const IMPOSSIBLE_UNTIMED_JUMP_M: f64 = 50_000.0;
/// Slower than this between two points counts as standing still (1,8 km/h).
pub const MOVING_SPEED_MS: f64 = 0.5;
/// Speeds are judged over at least this long, so one noisy fix does not
/// make a walk look like a ride.
pub const SPEED_WINDOW_MS: i64 = 60_000;
/// How near a track must pass a marker to have passed it, by default.
pub const DEFAULT_TOLERANCE_M: f64 = 100.0;
/// How far a line for display may stray from the recorded one.
pub const DISPLAY_TOLERANCE_M: f64 = 5.0;

/// What a track measures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrackFacts {
    pub points: usize,
    pub segments: usize,
    pub waypoints: usize,
    /// Along each segment (not across the gaps between segments), metres.
    pub distance_m: f64,
    /// From the first to the last time recorded, seconds.
    pub duration_s: Option<i64>,
    /// Time spent moving faster than [`MOVING_SPEED_MS`], seconds.
    pub moving_s: Option<i64>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// The fastest speed sustained over [`SPEED_WINDOW_MS`], km/h.
    pub max_speed_kmh: Option<f64>,
    pub bbox: Option<BBox>,
}

fn invalid(problem: Problem) -> ValidationError {
    ValidationError::new("track", problem)
}

/// Refuses a track that holds no point, whose time goes backwards, or that
/// jumps farther than anything on the border moves.
pub fn check(gpx: &Gpx) -> Result<(), ValidationError> {
    if gpx.point_count() == 0 {
        return Err(invalid(Problem::TrackEmpty));
    }
    let mut index = 0usize;
    let mut last_time: Option<i64> = None;
    for seg in &gpx.segments {
        let mut prev: Option<&super::gpx::TrackPoint> = None;
        for p in seg {
            index += 1;
            if let Some(t) = p.time_ms {
                if let Some(lt) = last_time.filter(|lt| t < *lt) {
                    return Err(invalid(Problem::TimeBackwards {
                        point: index,
                        time: time_text(t),
                        previous: time_text(lt),
                    }));
                }
                last_time = Some(t);
            }
            if let Some(q) = prev {
                let d = distance_m(q.at, p.at);
                let impossible = match (q.time_ms, p.time_ms) {
                    (Some(a), Some(b)) => {
                        let secs = ((b - a) as f64 / 1000.0).max(1.0);
                        d > JUMP_NOISE_M && d / secs > IMPOSSIBLE_SPEED_MS
                    }
                    _ => d > IMPOSSIBLE_UNTIMED_JUMP_M,
                };
                if impossible {
                    return Err(invalid(Problem::ImpossibleJump {
                        point: index,
                        distance: crate::format::integer(d.round() as i64),
                    }));
                }
            }
            prev = Some(p);
        }
    }
    Ok(())
}

/// Asks for confirmation of a track faster than `means` plausibly goes.
pub fn check_speed(facts: &TrackFacts, means: Means) -> Result<(), ValidationError> {
    match facts.max_speed_kmh {
        Some(v) if v > means.plausible_kmh() => Err(invalid(Problem::ImplausibleSpeed {
            speed: one_decimal(v),
            means: means.as_str().to_string(),
            max: one_decimal(means.plausible_kmh()),
        })),
        _ => Ok(()),
    }
}

/// `12,3` — a speed as people read it.
pub fn one_decimal(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let whole = crate::format::integer(tenths / 10);
    format!("{whole},{}", (tenths % 10).abs())
}

/// `2024-01-05 08:02:03 UTC` for messages.
pub fn time_text(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| ms.to_string())
}

/// Distance, duration, moving time and top speed of a track.
pub fn measure(gpx: &Gpx) -> TrackFacts {
    let mut distance = 0.0;
    let mut moving_ms: i64 = 0;
    let mut timed = false;
    let mut max_speed: Option<f64> = None;
    let (mut start, mut end): (Option<i64>, Option<i64>) = (None, None);
    for seg in &gpx.segments {
        // Cumulative distance along the segment, for windowed speeds.
        let mut cum = Vec::with_capacity(seg.len());
        let mut along = 0.0;
        for (i, p) in seg.iter().enumerate() {
            if i > 0 {
                let q = &seg[i - 1];
                let d = distance_m(q.at, p.at);
                along += d;
                if let (Some(a), Some(b)) = (q.time_ms, p.time_ms) {
                    let dt = b - a;
                    if dt > 0 && d / (dt as f64 / 1000.0) >= MOVING_SPEED_MS {
                        moving_ms += dt;
                    }
                }
            }
            cum.push(along);
            if let Some(t) = p.time_ms {
                timed = true;
                start = Some(start.map_or(t, |s| s.min(t)));
                end = Some(end.map_or(t, |e| e.max(t)));
            }
        }
        distance += along;
        // Fastest speed over a window of at least a minute (two pointers
        // over the timed points).
        let timed_idx: Vec<usize> = (0..seg.len())
            .filter(|&i| seg[i].time_ms.is_some())
            .collect();
        let mut j = 0;
        for (a, &i) in timed_idx.iter().enumerate() {
            let ti = seg[i].time_ms.unwrap_or_default();
            j = j.max(a + 1);
            while j < timed_idx.len()
                && seg[timed_idx[j]].time_ms.unwrap_or_default() - ti < SPEED_WINDOW_MS
            {
                j += 1;
            }
            let Some(&k) = timed_idx.get(j) else {
                break;
            };
            let dt = seg[k].time_ms.unwrap_or_default() - ti;
            let v = (cum[k] - cum[i]) / (dt as f64 / 1000.0) * 3.6;
            max_speed = Some(max_speed.map_or(v, |m: f64| m.max(v)));
        }
    }
    TrackFacts {
        points: gpx.point_count(),
        segments: gpx.segments.len(),
        waypoints: gpx.waypoints.len(),
        distance_m: distance,
        duration_s: start.zip(end).map(|(s, e)| (e - s) / 1000),
        moving_s: timed.then_some(moving_ms / 1000),
        start_ms: start,
        end_ms: end,
        max_speed_kmh: max_speed,
        bbox: BBox::around(gpx.segments.iter().flatten().map(|p| p.at)),
    }
}

/// The line `points` with as few points as keep it within `tolerance_m`
/// of the original (Douglas–Peucker); first and last points stay.
pub fn simplify(points: &[GeoPoint], tolerance_m: f64) -> Vec<GeoPoint> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let plane = Plane::at(points[0]);
    let xy: Vec<(f64, f64)> = points.iter().map(|p| plane.xy(*p)).collect();
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut stack = vec![(0usize, points.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut far, mut far_d) = (a, -1.0);
        for (i, p) in xy.iter().enumerate().take(b).skip(a + 1) {
            let d = segment_distance(*p, xy[a], xy[b]);
            if d > far_d {
                far = i;
                far_d = d;
            }
        }
        if far_d > tolerance_m {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// Each segment of `gpx` simplified for display.
pub fn display_lines(gpx: &Gpx, tolerance_m: f64) -> Vec<Vec<GeoPoint>> {
    gpx.segments
        .iter()
        .map(|s| simplify(&s.iter().map(|p| p.at).collect::<Vec<_>>(), tolerance_m))
        .collect()
}

/// The nearest the lines come to `point`, metres (`None` without lines).
pub fn nearest_approach(lines: &[Vec<GeoPoint>], point: GeoPoint) -> Option<f64> {
    let plane = Plane::at(point);
    let mut best: Option<f64> = None;
    for line in lines {
        let xy: Vec<(f64, f64)> = line.iter().map(|p| plane.xy(*p)).collect();
        let d = match xy.as_slice() {
            [] => continue,
            [one] => (one.0 * one.0 + one.1 * one.1).sqrt(),
            _ => xy
                .windows(2)
                .map(|w| segment_distance((0.0, 0.0), w[0], w[1]))
                .fold(f64::INFINITY, f64::min),
        };
        best = Some(best.map_or(d, |b| b.min(d)));
    }
    best
}

/// Which of `markers` the lines pass within `tolerance_m`, with how near.
pub fn markers_passed<K: Clone>(
    lines: &[Vec<GeoPoint>],
    markers: &[(K, GeoPoint)],
    tolerance_m: f64,
) -> Vec<(K, f64)> {
    let Some(bbox) = BBox::around(lines.iter().flatten().copied()) else {
        return Vec::new();
    };
    let near = bbox.grown(tolerance_m);
    markers
        .iter()
        .filter(|(_, p)| near.contains(*p))
        .filter_map(|(k, p)| {
            nearest_approach(lines, *p)
                .filter(|d| *d <= tolerance_m)
                .map(|d| (k.clone(), d))
        })
        .collect()
}

#[cfg(test)]
mod tests;
