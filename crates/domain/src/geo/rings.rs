//! Whether a ring of an area crosses or touches itself (a bow-tie, a
//! figure of eight, a spike folding back along an edge): such an outline
//! has no inside that a map, an export or a point-in-area test would agree
//! on, so it is refused where areas are checked ([`super::shapes`]).
//!
//! Edges are compared in the plane of longitude and latitude (a commune is
//! small enough for that to decide crossing the same as on the sphere),
//! swept by their western end so that only edges whose longitudes overlap
//! are compared: a commune's few thousand points take milliseconds.

use super::GeoPoint;

/// The sign of the turn a → b → c: positive left, negative right, zero
/// when the three are in line.
fn turn(a: GeoPoint, b: GeoPoint, c: GeoPoint) -> f64 {
    (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon)
}

/// `p` lies on segment a–b, knowing it is in line with it.
fn within(a: GeoPoint, b: GeoPoint, p: GeoPoint) -> bool {
    p.lon >= a.lon.min(b.lon)
        && p.lon <= a.lon.max(b.lon)
        && p.lat >= a.lat.min(b.lat)
        && p.lat <= a.lat.max(b.lat)
}

/// Where segments a–b and c–d meet, if they do (touching counts): the
/// crossing point, or for segments in line the first shared end.
fn meet(a: GeoPoint, b: GeoPoint, c: GeoPoint, d: GeoPoint) -> Option<GeoPoint> {
    let (d1, d2) = (turn(c, d, a), turn(c, d, b));
    let (d3, d4) = (turn(a, b, c), turn(a, b, d));
    if ((d1 > 0.0 && d2 < 0.0) || (d1 < 0.0 && d2 > 0.0))
        && ((d3 > 0.0 && d4 < 0.0) || (d3 < 0.0 && d4 > 0.0))
    {
        let t = d1 / (d1 - d2);
        return Some(GeoPoint {
            lat: a.lat + t * (b.lat - a.lat),
            lon: a.lon + t * (b.lon - a.lon),
        });
    }
    [(d1, c, d, a), (d2, c, d, b), (d3, a, b, c), (d4, a, b, d)]
        .into_iter()
        .find(|(t, s, e, p)| *t == 0.0 && within(*s, *e, *p))
        .map(|(_, _, _, p)| p)
}

/// The first place where closed `ring` crosses or touches itself, if any.
/// Repeated consecutive points are one point; two consecutive edges meet
/// only at their shared point, unless the second folds back along the
/// first.
pub fn self_crossing(ring: &[GeoPoint]) -> Option<GeoPoint> {
    let mut pts: Vec<GeoPoint> = Vec::with_capacity(ring.len());
    for p in ring {
        if pts.last() != Some(p) {
            pts.push(*p);
        }
    }
    // A ring is closed: its last point is its first.
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let n = pts.len();
    if n < 3 {
        return None;
    }
    let edge = |i: usize| (pts[i], pts[(i + 1) % n]);
    // A point visited twice (a figure of eight through a vertex).
    let mut seen: Vec<(u64, u64, usize)> = pts
        .iter()
        .enumerate()
        .map(|(i, p)| (p.lat.to_bits(), p.lon.to_bits(), i))
        .collect();
    seen.sort_unstable();
    if let Some(w) = seen
        .windows(2)
        .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
    {
        return Some(pts[w[0].2]);
    }
    // Consecutive edges folding back on each other.
    for i in 0..n {
        let (a, b) = edge(i);
        let c = edge((i + 1) % n).1;
        if turn(a, b, c) == 0.0 && (within(a, b, c) || within(b, c, a)) {
            return Some(b);
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    let west = |i: usize| {
        let (a, b) = edge(i);
        a.lon.min(b.lon)
    };
    order.sort_by(|x, y| west(*x).total_cmp(&west(*y)));
    let mut active: Vec<usize> = Vec::new();
    for &i in &order {
        let (a, b) = edge(i);
        let from = a.lon.min(b.lon);
        active.retain(|&j| {
            let (c, d) = edge(j);
            c.lon.max(d.lon) >= from
        });
        for &j in &active {
            let adjacent = (i + 1) % n == j || (j + 1) % n == i;
            if adjacent {
                continue;
            }
            let (c, d) = edge(j);
            if let Some(p) = meet(a, b, c, d) {
                return Some(p);
            }
        }
        active.push(i);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(points: &[(f64, f64)]) -> Vec<GeoPoint> {
        points
            .iter()
            .map(|(lon, lat)| GeoPoint::new(*lat, *lon).unwrap())
            .collect()
    }

    #[test]
    fn a_bow_tie_crosses_itself_at_its_waist() {
        // (0,0) → (2,2) → (2,0) → (0,2) → (0,0): the diagonals cross at (1,1).
        let bow_tie = ring(&[
            (105.0, 22.0),
            (105.2, 22.2),
            (105.2, 22.0),
            (105.0, 22.2),
            (105.0, 22.0),
        ]);
        let at = self_crossing(&bow_tie).unwrap();
        assert!((at.lon - 105.1).abs() < 1e-9 && (at.lat - 22.1).abs() < 1e-9);
    }

    #[test]
    fn simple_rings_do_not() {
        let square = ring(&[
            (105.0, 22.0),
            (105.2, 22.0),
            (105.2, 22.2),
            (105.0, 22.2),
            (105.0, 22.0),
        ]);
        assert_eq!(self_crossing(&square), None);
        // Concave, with a repeated point and collinear points on one edge.
        let notch = ring(&[
            (105.0, 22.0),
            (105.1, 22.0),
            (105.1, 22.0),
            (105.2, 22.0),
            (105.2, 22.2),
            (105.1, 22.05),
            (105.0, 22.2),
            (105.0, 22.0),
        ]);
        assert_eq!(self_crossing(&notch), None);
        let mut reversed = notch.clone();
        reversed.reverse();
        assert_eq!(self_crossing(&reversed), None);
    }

    #[test]
    fn touching_or_folding_back_is_refused() {
        // A figure of eight through one vertex.
        let eight = ring(&[
            (105.0, 22.0),
            (105.1, 22.1),
            (105.2, 22.0),
            (105.2, 22.2),
            (105.1, 22.1),
            (105.0, 22.2),
            (105.0, 22.0),
        ]);
        let at = self_crossing(&eight).unwrap();
        assert_eq!((at.lon, at.lat), (105.1, 22.1));
        // A vertex lying on a far edge.
        let touch = ring(&[
            (105.0, 22.0),
            (105.2, 22.0),
            (105.1, 22.0),
            (105.1, 22.2),
            (105.0, 22.0),
        ]);
        assert!(self_crossing(&touch).is_some());
        // A spike going out and back along the same line.
        let spike = ring(&[
            (105.0, 22.0),
            (105.2, 22.0),
            (105.3, 22.0),
            (105.2, 22.0),
            (105.2, 22.2),
            (105.0, 22.0),
        ]);
        assert!(self_crossing(&spike).is_some());
    }
}
