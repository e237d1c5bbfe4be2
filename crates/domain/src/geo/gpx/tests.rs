use super::*;

const GARMIN: &str = include_str!("../../../tests/gpx/garmin-etrex.gpx");
const OSMAND: &str = include_str!("../../../tests/gpx/osmand.gpx");
const GPX10: &str = include_str!("../../../tests/gpx/gpx10-handheld.gpx");

fn p(lat: f64, lon: f64) -> GeoPoint {
    GeoPoint::new(lat, lon).unwrap()
}

#[test]
fn garmin_handheld_with_extensions_and_two_segments() {
    let g = parse(GARMIN.as_bytes()).unwrap();
    assert_eq!(g.name.as_deref(), Some("03-FEB-24 08:00:00"));
    assert_eq!(g.segments.len(), 2);
    assert_eq!(g.segments[0].len(), 3);
    assert_eq!(g.segments[1].len(), 2);
    assert_eq!(g.segments[0][1].at, p(22.001, 105.0));
    assert_eq!(g.segments[0][0].ele, Some(1200.1));
    // 2024-02-03T01:00:00Z
    assert_eq!(g.segments[0][0].time_ms, Some(1_706_922_000_000));
    assert_eq!(g.waypoints.len(), 1);
    assert_eq!(g.waypoints[0].name, "Mốc 172");
    assert_eq!(g.waypoints[0].at, p(22.0015, 105.0009));
}

#[test]
fn osmand_with_fractional_times_and_file_extensions() {
    let g = parse(OSMAND.as_bytes()).unwrap();
    assert_eq!(g.name.as_deref(), Some("2024-02-03_08-00_Sat"));
    assert_eq!(g.point_count(), 3);
    assert_eq!(g.segments[0][1].time_ms, Some(1_706_922_060_500));
    assert_eq!(g.segments[0][2].ele, None);
}

#[test]
fn gpx_1_0_with_route_waypoint_and_missing_times() {
    let g = parse(GPX10.as_bytes()).unwrap();
    // The route first (file order), then the track.
    assert_eq!(g.segments.len(), 2);
    assert_eq!(g.segments[0].len(), 2);
    assert!(g.segments[0].iter().all(|p| p.time_ms.is_none()));
    assert_eq!(g.segments[1][1].time_ms, None);
    assert_eq!(g.segments[1][2].time_ms, Some(1_706_922_120_000));
    assert_eq!(g.waypoints[0].name, "M172");
}

#[test]
fn any_namespace_prefix_and_entities() {
    let doc = r#"<?xml version="1.0"?>
<g:gpx xmlns:g="http://www.topografix.com/GPX/1/1" version="1.1">
 <g:trk><g:name>Đồn A &amp; B &#272;</g:name><g:trkseg>
  <g:trkpt lat="22.5" lon="104.5"><g:time>2024-02-03T08:00:00+07:00</g:time></g:trkpt>
 </g:trkseg></g:trk></g:gpx>"#;
    let g = parse(doc.as_bytes()).unwrap();
    assert_eq!(g.name.as_deref(), Some("Đồn A & B Đ"));
    assert_eq!(g.segments[0][0].time_ms, Some(1_706_922_000_000));
    // A time without an offset is UTC, as GPX says.
    assert_eq!(
        parse_time("2024-02-03T01:00:00").unwrap(),
        1_706_922_000_000
    );
}

#[test]
fn bad_documents_are_refused_with_a_reason() {
    let cases: [&[u8]; 7] = [
        b"",
        b"not xml at all",
        b"<kml><Document/></kml>",
        b"<gpx><trk><trkseg><trkpt lat='1' lon='2'></trkseg></trk></gpx>",
        b"<gpx><trk><trkseg><trkpt lat='1' lon='2'/>",
        b"<gpx><trk><trkseg><trkpt lat='1'/></trkseg></trk></gpx>",
        b"<gpx><trk><trkseg><trkpt lat='1' lon='2'><time>yesterday</time></trkpt></trkseg></trk></gpx>",
    ];
    for c in cases {
        let e = parse(c).unwrap_err();
        assert!(
            matches!(e, Problem::GpxMalformed(_)),
            "{e:?} for {:?}",
            String::from_utf8_lossy(c)
        );
    }
    let e = parse(b"<gpx><wpt lat='95' lon='2'/></gpx>").unwrap_err();
    assert!(matches!(e, Problem::CoordinateInvalid(_)), "{e:?}");
    let e = parse(b"<gpx><wpt lat='north' lon='2'/></gpx>").unwrap_err();
    assert!(matches!(e, Problem::CoordinateInvalid(_)), "{e:?}");
    assert!(parse(&[0xff, 0xfe, 0x00]).is_err());
}
