use super::*;
use crate::geo::gpx::parse;

const GARMIN: &str = include_str!("../../../tests/gpx/garmin-etrex.gpx");
const OSMAND: &str = include_str!("../../../tests/gpx/osmand.gpx");
const GPX10: &str = include_str!("../../../tests/gpx/gpx10-handheld.gpx");

/// 0,001° of latitude: πR/180 × 0,001 with R = 6 371 008,8 m.
const MILLI_LAT_M: f64 = 111.195_080;
/// 0,001° of longitude at 22,001° N: the same × cos 22,001°.
const MILLI_LON_22_M: f64 = 103.097_556;

fn p(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

#[test]
fn garmin_track_measures_hand_checked_values() {
    let g = parse(GARMIN.as_bytes()).unwrap();
    check(&g).unwrap();
    let f = measure(&g);
    // Two segments of 2 and 1 steps north; the gap between them is no walk.
    assert!(close(f.distance_m, 3.0 * MILLI_LAT_M), "{}", f.distance_m);
    assert_eq!(f.points, 5);
    assert_eq!(f.segments, 2);
    assert_eq!(f.waypoints, 1);
    assert_eq!(f.duration_s, Some(11 * 60));
    assert_eq!(f.moving_s, Some(3 * 60));
    // 111,195 m a minute = 6,67 km/h.
    let v = f.max_speed_kmh.unwrap();
    assert!((v - MILLI_LAT_M * 60.0 / 1000.0).abs() < 0.001, "{v}");
    assert!(check_speed(&f, Means::Foot).is_ok());
}

#[test]
fn osmand_track_turning_east() {
    let g = parse(OSMAND.as_bytes()).unwrap();
    let f = measure(&g);
    assert!(
        close(f.distance_m, MILLI_LAT_M + MILLI_LON_22_M),
        "{}",
        f.distance_m
    );
    assert_eq!(f.duration_s, Some(120));
}

#[test]
fn missing_times_measure_distance_but_not_time_between_them() {
    let g = parse(GPX10.as_bytes()).unwrap();
    check(&g).unwrap();
    let f = measure(&g);
    // Route 2 steps + track 2 steps.
    assert!(close(f.distance_m, 4.0 * MILLI_LAT_M), "{}", f.distance_m);
    assert_eq!(f.duration_s, Some(120));
    // Only pairs of timed neighbours count as moving: none here.
    assert_eq!(f.moving_s, Some(0));
}

#[test]
fn markers_passed_within_the_tolerance() {
    let g = parse(GARMIN.as_bytes()).unwrap();
    let lines = display_lines(&g, DISPLAY_TOLERANCE_M);
    // 0,0009° east of the track at 22,0015° N: 92,79 m from it.
    let markers = [
        ("172", p(22.0015, 105.0009)),
        ("173", p(22.0015, 105.0011)),
        // North of the end, 0,0005° beyond it: 55,6 m.
        ("174", p(22.0045, 105.0)),
        // In the gap between the segments, 0,0001° off: not on a walk, but
        // within 100 m of both ends.
        ("175", p(22.0025, 105.0001)),
    ];
    let passed = markers_passed(&lines, &markers, 100.0);
    let names: Vec<&str> = passed.iter().map(|(k, _)| *k).collect();
    assert_eq!(names, ["172", "174", "175"]);
    assert!((passed[0].1 - 92.787).abs() < 0.05, "{}", passed[0].1);
    assert!(
        (passed[1].1 - MILLI_LAT_M / 2.0).abs() < 0.05,
        "{}",
        passed[1].1
    );
    let tight = markers_passed(&lines, &markers, 90.0);
    assert_eq!(tight.len(), 2);
}

#[test]
fn simplification_keeps_the_shape_and_drops_the_rest() {
    // A straight line of 1 001 points with 1 m of noise keeps its ends only.
    let line: Vec<GeoPoint> = (0..=1000)
        .map(|i| {
            let wiggle = if i % 2 == 0 { 0.0 } else { 0.000_01 };
            p(22.0 + i as f64 * 0.000_01, 105.0 + wiggle)
        })
        .collect();
    let s = simplify(&line, DISPLAY_TOLERANCE_M);
    assert_eq!(s, vec![line[0], line[1000]]);
    // A corner stays.
    let corner = [p(22.0, 105.0), p(22.01, 105.0), p(22.01, 105.01)];
    assert_eq!(simplify(&corner, 5.0).len(), 3);
    // Every dropped point lies within the tolerance of the simplified line.
    let s = simplify(&line, 0.5);
    for q in &line {
        assert!(nearest_approach(std::slice::from_ref(&s), *q).unwrap() <= 0.5 + 1e-6);
    }
}

fn doc(points: &[(f64, f64, &str)]) -> String {
    let mut s = String::from("<gpx version=\"1.1\"><trk><trkseg>");
    for (lat, lon, t) in points {
        s.push_str(&format!(
            "<trkpt lat=\"{lat}\" lon=\"{lon}\"><time>{t}</time></trkpt>"
        ));
    }
    s.push_str("</trkseg></trk></gpx>");
    s
}

#[test]
fn impossible_tracks_are_refused() {
    let empty =
        parse(b"<gpx version=\"1.1\"><trk><trkseg/></trk><wpt lat=\"22\" lon=\"105\"/></gpx>")
            .unwrap();
    assert_eq!(check(&empty).unwrap_err().problem, Problem::TrackEmpty);

    let backwards = doc(&[
        (22.0, 105.0, "2024-02-03T01:00:00Z"),
        (22.001, 105.0, "2024-02-03T01:01:00Z"),
        (22.002, 105.0, "2024-02-03T00:59:00Z"),
    ]);
    let e = check(&parse(backwards.as_bytes()).unwrap()).unwrap_err();
    assert_eq!(
        e.problem,
        Problem::TimeBackwards {
            point: 3,
            time: "2024-02-03 00:59:00 UTC".into(),
            previous: "2024-02-03 01:01:00 UTC".into(),
        }
    );

    // 55 km in a minute.
    let jump = doc(&[
        (22.0, 105.0, "2024-02-03T01:00:00Z"),
        (22.5, 105.0, "2024-02-03T01:01:00Z"),
    ]);
    let e = check(&parse(jump.as_bytes()).unwrap()).unwrap_err();
    assert!(
        matches!(e.problem, Problem::ImpossibleJump { point: 2, .. }),
        "{e:?}"
    );

    // Untimed: 55 km between neighbours.
    let e = check(
        &parse(b"<gpx><rte><rtept lat=\"22\" lon=\"105\"/><rtept lat=\"22.5\" lon=\"105\"/></rte></gpx>")
            .unwrap(),
    )
    .unwrap_err();
    assert!(matches!(e.problem, Problem::ImpossibleJump { .. }), "{e:?}");

    // GPS noise of 30 m in the same second is not a jump.
    let noise = doc(&[
        (22.0, 105.0, "2024-02-03T01:00:00Z"),
        (22.0003, 105.0, "2024-02-03T01:00:00Z"),
    ]);
    check(&parse(noise.as_bytes()).unwrap()).unwrap();
}

#[test]
fn implausible_speed_for_the_means_asks_for_confirmation() {
    // 111 m every 10 s for two minutes: 40 km/h.
    let pts: Vec<(f64, f64, String)> = (0..=12)
        .map(|i| {
            (
                22.0 + i as f64 * 0.001,
                105.0,
                format!("2024-02-03T01:{:02}:{:02}Z", i * 10 / 60, i * 10 % 60),
            )
        })
        .collect();
    let pts: Vec<(f64, f64, &str)> = pts.iter().map(|(a, b, c)| (*a, *b, c.as_str())).collect();
    let g = parse(doc(&pts).as_bytes()).unwrap();
    check(&g).unwrap();
    let f = measure(&g);
    let v = f.max_speed_kmh.unwrap();
    assert!((v - MILLI_LAT_M * 6.0 * 60.0 / 1000.0).abs() < 0.01, "{v}");
    let e = check_speed(&f, Means::Foot).unwrap_err();
    assert_eq!(
        e.problem,
        Problem::ImplausibleSpeed {
            speed: "40,0".into(),
            means: "foot".into(),
            max: "12,0".into()
        }
    );
    assert!(check_speed(&f, Means::Motorbike).is_ok());
    assert!(check_speed(&f, Means::Boat).is_ok());
}
