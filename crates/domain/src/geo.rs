//! Places on the map and the tracks patrols walk: points in WGS84, the
//! great-circle distance between them, GPX read from phones and handhelds,
//! what a track measures (distance, duration, moving time), simplification
//! for display, the border markers a track passes, the coverage of markers
//! by patrols over a period, and exports as GPX, GeoJSON and KML.
//!
//! Coordinates and distances are `f64` (degrees, metres): they are
//! measurements, not counted quantities.

pub mod coverage;
pub mod export;
pub mod gpx;
pub mod places;
pub mod rings;
pub mod shapes;
pub mod track;
pub mod view;

use crate::error::Problem;
use serde::{Deserialize, Serialize};

/// Mean Earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A point in WGS84: latitude and longitude in decimal degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// A point, refused unless both numbers are finite and in range
    /// (latitude −90…90, longitude −180…180), kept to 7 decimals (about
    /// 1 cm): so written, a coordinate reads back as the same number from
    /// the stored JSON (longer decimals may come back one bit off).
    pub fn new(lat: f64, lon: f64) -> Result<Self, Problem> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(Problem::CoordinateInvalid(format!("lat={lat}")));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(Problem::CoordinateInvalid(format!("lon={lon}")));
        }
        let keep = |v: f64| (v * 1e7).round() / 1e7;
        Ok(Self {
            lat: keep(lat),
            lon: keep(lon),
        })
    }

    /// Reads `lat` and `lon` as people write them: a dot or a comma as the
    /// decimal mark (`22.8234`, `22,8234`).
    pub fn parse(lat: &str, lon: &str) -> Result<Self, Problem> {
        let num = |s: &str| {
            let t = s.trim().replace(',', ".");
            t.parse::<f64>()
                .map_err(|_| Problem::CoordinateInvalid(s.trim().to_string()))
        };
        Self::new(num(lat)?, num(lon)?)
    }

    /// Refuses a point read as it was given (from a record's JSON) that
    /// [`GeoPoint::new`] would refuse.
    pub fn check(&self) -> Result<(), Problem> {
        Self::new(self.lat, self.lon).map(|_| ())
    }

    /// `22.823400, 104.983100` (6 decimals: about 10 cm).
    pub fn text(&self) -> String {
        format!("{:.6}, {:.6}", self.lat, self.lon)
    }
}

/// The great-circle (haversine) distance between two points, metres.
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dla = la2 - la1;
    let dlo = (b.lon - a.lon).to_radians();
    let h = (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// A rectangle of latitudes and longitudes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub min_lat: f64,
    pub min_lon: f64,
    pub max_lat: f64,
    pub max_lon: f64,
}

impl BBox {
    /// The smallest box holding `points` (`None` for none).
    pub fn around(points: impl IntoIterator<Item = GeoPoint>) -> Option<Self> {
        let mut it = points.into_iter();
        let first = it.next()?;
        let mut b = Self {
            min_lat: first.lat,
            min_lon: first.lon,
            max_lat: first.lat,
            max_lon: first.lon,
        };
        for p in it {
            b.min_lat = b.min_lat.min(p.lat);
            b.max_lat = b.max_lat.max(p.lat);
            b.min_lon = b.min_lon.min(p.lon);
            b.max_lon = b.max_lon.max(p.lon);
        }
        Some(b)
    }

    /// The box grown by `metres` on every side.
    pub fn grown(&self, metres: f64) -> Self {
        let dlat = (metres / EARTH_RADIUS_M).to_degrees();
        let mid = ((self.min_lat + self.max_lat) / 2.0)
            .to_radians()
            .cos()
            .max(0.01);
        let dlon = dlat / mid;
        Self {
            min_lat: self.min_lat - dlat,
            min_lon: self.min_lon - dlon,
            max_lat: self.max_lat + dlat,
            max_lon: self.max_lon + dlon,
        }
    }

    pub fn contains(&self, p: GeoPoint) -> bool {
        (self.min_lat..=self.max_lat).contains(&p.lat)
            && (self.min_lon..=self.max_lon).contains(&p.lon)
    }

    /// `21.0000–23.4000 N, 104.0000–106.0000 E` for messages.
    pub fn text(&self) -> String {
        format!(
            "{:.4}…{:.4}, {:.4}…{:.4}",
            self.min_lat, self.max_lat, self.min_lon, self.max_lon
        )
    }
}

/// A local flat projection around a latitude (equirectangular): metres
/// east and north of the origin; exact enough within tens of kilometres.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plane {
    origin: GeoPoint,
    kx: f64,
}

impl Plane {
    pub(crate) fn at(origin: GeoPoint) -> Self {
        Self {
            origin,
            kx: origin.lat.to_radians().cos(),
        }
    }

    pub(crate) fn xy(&self, p: GeoPoint) -> (f64, f64) {
        // metres per degree of latitude
        let m = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        (
            (p.lon - self.origin.lon) * m * self.kx,
            (p.lat - self.origin.lat) * m,
        )
    }
}

/// The distance from `p` to the segment `a`–`b` in a plane, metres.
pub(crate) fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (a.0 + t * dx, a.1 + t * dy);
    ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_hand_checked_distances() {
        // One degree of latitude along a meridian: πR/180.
        let a = GeoPoint::new(22.0, 105.0).unwrap();
        let b = GeoPoint::new(23.0, 105.0).unwrap();
        assert!((distance_m(a, b) - 111_195.08).abs() < 0.5);
        // Along the equator, 1° of longitude is the same arc; at 60° N half.
        let e0 = GeoPoint::new(0.0, 0.0).unwrap();
        let e1 = GeoPoint::new(0.0, 1.0).unwrap();
        assert!((distance_m(e0, e1) - 111_195.08).abs() < 0.5);
        // A quarter of a meridian: πR/2 = 10 007 557 m.
        let pole = GeoPoint::new(90.0, 0.0).unwrap();
        assert!((distance_m(e0, pole) - 10_007_557.2).abs() < 1.0);
        assert_eq!(distance_m(a, a), 0.0);
    }

    #[test]
    fn coordinates_out_of_range_are_refused() {
        assert!(GeoPoint::new(91.0, 0.0).is_err());
        assert!(GeoPoint::new(0.0, -180.5).is_err());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
        assert_eq!(
            GeoPoint::parse("22,5", " 105.25 ").unwrap(),
            GeoPoint::new(22.5, 105.25).unwrap()
        );
        assert!(GeoPoint::parse("22°N", "105").is_err());
        // Kept to 7 decimals, and read back from JSON as the same number.
        let p = GeoPoint::new(22.685068965517241, 104.44758620689655).unwrap();
        assert_eq!((p.lat, p.lon), (22.685069, 104.4475862));
        let back: GeoPoint = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn segment_distance_is_perpendicular_or_to_the_end() {
        assert_eq!(segment_distance((5.0, 3.0), (0.0, 0.0), (10.0, 0.0)), 3.0);
        assert_eq!(segment_distance((13.0, 4.0), (0.0, 0.0), (10.0, 0.0)), 5.0);
    }
}
