//! `bienphong geo …` on the demo store: a GPX attached to a patrol, measured
//! and checked against the markers it passes; every kind of bad track
//! refused with nothing written; coverage of markers; tracks and markers
//! exported as GPX, GeoJSON and KML and read back; coordinates imported
//! from a file, a row outside the province refused by its number.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "tests"
)]

mod common;

use bienphong_domain::geo::{export, gpx, places};
use common::{bin, demo, list_json, revision_count, run, stdout};
use serde_json::Value;
use std::path::Path;

const POST: &str = "BP-XINMAN";

/// A 2024 patrol of the post that lists markers and has no track yet, with
/// the place of its first marker.
fn patrol_without_track(data: &Path) -> (String, String, (f64, f64), String) {
    let markers = list_json(data, &["marker"]);
    let place = |n: &str| {
        markers
            .iter()
            .find(|m| m["content"]["post"] == POST && m["content"]["number"] == n)
            .map(|m| {
                let l = &m["content"]["location"];
                (l["lat"].as_f64().unwrap(), l["lon"].as_f64().unwrap())
            })
    };
    for p in list_json(
        data,
        &["patrol", "--from", "01/01/2024", "--to", "31/12/2024"],
    ) {
        let c = &p["content"];
        if c["lead_unit"] != POST || c["markers"].as_array().unwrap().is_empty() {
            continue;
        }
        let id = p["id"].as_str().unwrap().to_string();
        let tracks: Value =
            serde_json::from_str(&stdout(bin(data).args(["geo", "tracks", &id, "--json"])))
                .unwrap();
        if !tracks["tracks"].as_array().unwrap().is_empty() {
            continue;
        }
        let first = c["markers"][0].as_str().unwrap().to_string();
        let at = place(&first).expect("demo markers have places");
        return (id, first, at, c["date"].as_str().unwrap().to_string());
    }
    panic!("no patrol of {POST} without a track");
}

/// A track walking north along the meridian 0,0005° east of `at`, from
/// 0,003° south of it to 0,003° north, a point a minute: 6 steps of
/// 0,001° of latitude (6 × 111,195 m = 667,17 m) at 6,7 km/h.
fn walk_past(at: (f64, f64)) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\" xmlns:gpxtpx=\"http://www.garmin.com/xmlschemas/TrackPointExtension/v1\"><trk><name>Tuần tra</name><trkseg>",
    );
    for i in 0..=6 {
        s.push_str(&format!(
            "<trkpt lat=\"{}\" lon=\"{}\"><time>2024-05-06T01:{:02}:00Z</time><extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>110</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>",
            at.0 - 0.003 + f64::from(i) * 0.001,
            at.1 + 0.0005,
            i
        ));
    }
    s.push_str("</trkseg></trk></gpx>");
    s
}

#[test]
fn a_track_is_measured_passes_its_marker_and_counts_in_coverage() {
    let d = demo();
    let data = d.path();
    let (id, marker, at, day) = patrol_without_track(data);
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("walk.gpx");
    std::fs::write(&file, walk_past(at)).unwrap();
    let before = revision_count(data);
    let said = stdout(bin(data).args(["geo", "track", &id]).arg(&file));
    assert!(said.contains("Đã đính kèm tệp"), "{said}");
    assert!(said.contains("667 m · 0:06:00"), "{said}");
    assert_eq!(revision_count(data), before + 1);

    let tracks: Value =
        serde_json::from_str(&stdout(bin(data).args(["geo", "tracks", &id, "--json"]))).unwrap();
    let t = &tracks["tracks"][0];
    assert!(
        (t["facts"]["distance_m"].as_f64().unwrap() - 667.17).abs() < 0.05,
        "{t}"
    );
    assert_eq!(t["facts"]["duration_s"], 360);
    assert_eq!(t["facts"]["moving_s"], 360);
    // 0,0005° of longitude at the marker's latitude, hand-checked:
    // 111 195,08 m × 0,0005 × cos(lat).
    let expected = 111_195.08 * 0.0005 * at.0.to_radians().cos();
    let passed = t["markers_passed"].as_array().unwrap();
    let mine = passed
        .iter()
        .find(|m| m["number"] == marker.as_str() && m["post"] == POST)
        .unwrap_or_else(|| panic!("{marker} not passed: {passed:?}"));
    assert!(
        (mine["distance_m"].as_f64().unwrap() - expected).abs() < 0.5,
        "{mine} vs {expected}"
    );

    let cov: Value = serde_json::from_str(&stdout(bin(data).args([
        "geo", "coverage", "--from", &day, "--to", &day, "--scope", POST, "--json",
    ])))
    .unwrap();
    let row = cov["markers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["number"] == marker.as_str())
        .unwrap();
    let visit = row["patrols"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id.as_str())
        .unwrap_or_else(|| panic!("{row}"));
    assert_eq!(visit["evidence"], "both");
    assert_eq!(row["unvisited"], false);
    // The table names the columns in Vietnamese.
    let table = stdout(bin(data).args([
        "geo", "coverage", "--from", &day, "--to", &day, "--scope", POST,
    ]));
    assert!(table.contains("chưa đến"), "{table}");

    // Exports read back.
    for format in ["gpx", "geojson", "kml"] {
        let out = files.path().join(format!("out.{format}"));
        stdout(
            bin(data)
                .args([
                    "geo", "export", "--from", &day, "--to", &day, "--scope", POST, "--format",
                    format, "-o",
                ])
                .arg(&out),
        );
        let text = std::fs::read_to_string(&out).unwrap();
        let first = (at.0 - 0.003, at.1 + 0.0005);
        let near = |p: bienphong_domain::geo::GeoPoint| {
            (p.lat - first.0).abs() < 1e-9 && (p.lon - first.1).abs() < 1e-9
        };
        match format {
            "gpx" => {
                let g = gpx::parse(text.as_bytes()).unwrap();
                assert!(g.segments.iter().any(|s| near(s[0].at)), "{format}");
                assert!(g.waypoints.iter().any(|w| w.name == marker), "{format}");
            }
            "geojson" => {
                let v: Value = serde_json::from_str(&text).unwrap();
                let line = v["features"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["properties"]["id"] == id.as_str())
                    .unwrap();
                let c = &line["geometry"]["coordinates"][0][0];
                assert!(near(
                    bienphong_domain::geo::GeoPoint::new(
                        c[1].as_f64().unwrap(),
                        c[0].as_f64().unwrap()
                    )
                    .unwrap()
                ));
                let points = places::read_geojson(text.as_bytes()).unwrap();
                assert!(points.iter().any(|p| p.place
                    == places::Place::Marker {
                        post: bienphong_domain::org::Code::parse(POST).unwrap(),
                        number: bienphong_domain::org::Code::parse(&marker).unwrap()
                    }
                    && (p.at.lat - at.0).abs() < 1e-9));
            }
            _ => {
                let pms = export::read_kml(&text).unwrap();
                let track = pms.iter().find(|p| p.description == id).unwrap();
                assert!(near(track.lines[0][0]));
                assert!(pms.iter().any(|p| p.name == marker && !p.points.is_empty()));
            }
        }
    }
}

#[test]
fn bad_tracks_are_refused_and_nothing_is_written() {
    let d = demo();
    let data = d.path();
    let (id, _, at, _) = patrol_without_track(data);
    let files = tempfile::tempdir().unwrap();
    let before = revision_count(data);
    let pt = |lat: f64, t: &str| {
        format!(
            "<trkpt lat=\"{lat}\" lon=\"{}\"><time>{t}</time></trkpt>",
            at.1
        )
    };
    let doc = |pts: &[String]| {
        format!(
            "<gpx version=\"1.1\"><trk><trkseg>{}</trkseg></trk></gpx>",
            pts.join("")
        )
    };
    let cases = [
        (
            "broken.gpx",
            "<gpx><trk><trkseg><trkpt lat=\"1\" lon=\"2\"></trkseg>".to_string(),
            "GPX",
        ),
        ("empty.gpx", doc(&[]), "không có điểm"),
        (
            "backwards.gpx",
            doc(&[
                pt(at.0, "2024-05-06T01:05:00Z"),
                pt(at.0 + 0.001, "2024-05-06T01:04:00Z"),
            ]),
            "thời gian bị lùi tại điểm 2",
        ),
        (
            "jump.gpx",
            doc(&[
                pt(at.0, "2024-05-06T01:00:00Z"),
                pt(at.0 + 0.5, "2024-05-06T01:01:00Z"),
            ]),
            "nhảy",
        ),
        (
            "ride.gpx",
            doc(&(0..=12)
                .map(|i| {
                    pt(
                        at.0 + f64::from(i) * 0.001,
                        &format!("2024-05-06T01:{:02}:{:02}Z", i * 10 / 60, i * 10 % 60),
                    )
                })
                .collect::<Vec<_>>()),
            "40,0 km/h",
        ),
    ];
    for (name, text, said) in &cases {
        let file = files.path().join(name);
        std::fs::write(&file, text).unwrap();
        let r = run(bin(data).args(["geo", "track", &id]).arg(&file));
        assert_ne!(r.code, 0, "{name}");
        assert!(r.stderr.contains(said), "{name}: {}", r.stderr);
        assert_eq!(revision_count(data), before, "{name}");
    }
    // 40 km/h is plausible by motorbike, and on foot once confirmed.
    let ride = files.path().join("ride.gpx");
    stdout(
        bin(data)
            .args(["geo", "track", &id, "--means", "motorbike"])
            .arg(&ride),
    );
    assert_eq!(revision_count(data), before + 1);
    let (id2, _, _, _) = patrol_without_track(data);
    stdout(
        bin(data)
            .args(["geo", "track", &id2, "--confirm"])
            .arg(&ride),
    );
    assert_eq!(revision_count(data), before + 2);
}

#[test]
fn places_are_imported_all_or_nothing_and_a_row_outside_is_named() {
    let d = demo();
    let data = d.path();
    let files = tempfile::tempdir().unwrap();
    let before = revision_count(data);
    let bad = files.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("type;code;post;lat;lon\nmarker;173;{POST};22,6400;104,3900\nmarker;174;{POST};10,7769;106,7009\n"),
    )
    .unwrap();
    let r = run(bin(data).args(["geo", "places"]).arg(&bad));
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("row 2") && r.stderr.contains("ngoài khu vực"),
        "{}",
        r.stderr
    );
    assert_eq!(revision_count(data), before);
    let good = files.path().join("good.geojson");
    std::fs::write(
        &good,
        format!(r#"{{"type":"FeatureCollection","features":[
          {{"type":"Feature","geometry":{{"type":"Point","coordinates":[104.39,22.64]}},"properties":{{"number":"173","post":"{POST}"}}}},
          {{"type":"Feature","geometry":{{"type":"Point","coordinates":[104.4,22.6]}},"properties":{{"type":"post","code":"{POST}"}}}}]}}"#),
    )
    .unwrap();
    let said = stdout(bin(data).args(["geo", "places"]).arg(&good));
    assert!(said.contains("2 cột mốc và đơn vị"), "{said}");
    assert_eq!(revision_count(data), before + 2);
    let m = list_json(data, &["marker"])
        .into_iter()
        .find(|m| m["content"]["post"] == POST && m["content"]["number"] == "173")
        .unwrap();
    assert_eq!(
        m["content"]["location"],
        serde_json::json!({"lat": 22.64, "lon": 104.39})
    );
    // The same file again changes nothing.
    let said = stdout(bin(data).args(["geo", "places"]).arg(&good));
    assert!(said.contains("0 cột mốc"), "{said}");
    assert_eq!(revision_count(data), before + 2);
}

/// A marker's commune from a GeoJSON property, by unit code or by the
/// administrative code of the commune; a post named as a commune, or a
/// commune no one knows, is refused naming the row, with nothing written.
/// Exported markers carry their commune, so the export imports again as it
/// was.
#[test]
fn geo_places_sets_the_commune_a_marker_stands_in() {
    let d = demo();
    let data = d.path();
    let files = tempfile::tempdir().unwrap();
    let marker = |n: &str| {
        list_json(data, &["marker"])
            .into_iter()
            .find(|m| m["content"]["post"] == POST && m["content"]["number"] == n)
            .unwrap()
    };
    // The demo puts marker 172, the first of the post's stretch, in the
    // first of its communes.
    assert_eq!(marker("172")["content"]["commune"], "XA-XINMAN");
    let file = |commune: &str| {
        // The second feature writes an administrative code as a number.
        let second = if commune.bytes().all(|b| b.is_ascii_digit()) {
            commune.to_string()
        } else {
            format!("\"{commune}\"")
        };
        let path = files.path().join("communes.geojson");
        std::fs::write(
            &path,
            format!(r#"{{"type":"FeatureCollection","features":[
              {{"type":"Feature","geometry":{{"type":"Point","coordinates":[104.38,22.63]}},"properties":{{"number":"172","post":"{POST}","commune":"{commune}"}}}},
              {{"type":"Feature","geometry":{{"type":"Point","coordinates":[104.385,22.635]}},"properties":{{"number":"173","post":"{POST}","commune":{second}}}}}]}}"#),
        )
        .unwrap();
        path
    };
    let before = revision_count(data);
    for (bad, says) in [("BP-LUNGCU", "border_post"), ("XA-KHONGCO", "XA-KHONGCO")] {
        let r = run(bin(data).args(["geo", "places"]).arg(file(bad)));
        assert_ne!(r.code, 0);
        assert!(
            r.stderr.contains("row 1: commune") && r.stderr.contains(says),
            "{}",
            r.stderr
        );
        assert_eq!(revision_count(data), before);
    }
    // 93302: Pà Vầy Sủ's administrative code until 30/6/2025.
    let said = stdout(bin(data).args(["geo", "places"]).arg(file("93302")));
    assert!(said.contains("2 cột mốc và đơn vị"), "{said}");
    assert_eq!(revision_count(data), before + 2);
    assert_eq!(marker("172")["content"]["commune"], "XA-PAVAYSU");
    assert_eq!(marker("173")["content"]["commune"], "XA-PAVAYSU");
    // Exported (a month without tracks: a track is no place), and
    // imported again: nothing changes.
    let exported = stdout(bin(data).args([
        "geo",
        "export",
        "--from",
        "01/01/2023",
        "--to",
        "31/01/2023",
        "--scope",
        POST,
        "--format",
        "geojson",
    ]));
    assert!(exported.contains(r#""commune":"XA-PAVAYSU""#), "{exported}");
    let again = files.path().join("again.geojson");
    std::fs::write(&again, exported).unwrap();
    let said = stdout(bin(data).args(["geo", "places"]).arg(&again));
    assert!(said.contains(" 0 cột mốc"), "{said}");
    assert_eq!(revision_count(data), before + 2);
}

#[test]
fn areas_and_border_lines_are_imported_by_geo_places_with_history() {
    let d = demo();
    let data = d.path();
    let files = tempfile::tempdir().unwrap();
    let before = revision_count(data);
    // An open ring: refused, naming the feature; nothing written.
    let open = files.path().join("open.geojson");
    std::fs::write(
        &open,
        r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[104.38,22.62],[104.40,22.62],[104.40,22.64],[104.38,22.64]]]},"properties":{"code":"XA-XINMAN"}}]}"#,
    )
    .unwrap();
    let r = run(bin(data).args(["geo", "places"]).arg(&open));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("row 1"), "{}", r.stderr);
    assert_eq!(revision_count(data), before);
    let good = files.path().join("xa.geojson");
    std::fs::write(
        &good,
        format!(
            r#"{{"type":"FeatureCollection","features":[
          {{"type":"Feature","geometry":{{"type":"MultiPolygon","coordinates":[[[[104.38,22.62],[104.40,22.62],[104.40,22.64],[104.38,22.64],[104.38,22.62]]]]}},"properties":{{"code":"XA-XINMAN"}}}},
          {{"type":"Feature","geometry":{{"type":"LineString","coordinates":[[104.38,22.65],[104.40,22.66]]}},"properties":{{"code":"{POST}"}}}}]}}"#
        ),
    )
    .unwrap();
    let said = stdout(bin(data).args(["geo", "places"]).arg(&good));
    assert!(
        said.contains("1 vùng địa giới, 1 đường biên giới"),
        "{said}"
    );
    assert_eq!(revision_count(data), before + 2);
    let unit = |code: &str| {
        list_json(data, &["unit"])
            .into_iter()
            .find(|u| u["content"]["code"] == code)
            .unwrap()
    };
    assert_eq!(
        unit("XA-XINMAN")["content"]["area"][0][0][2],
        serde_json::json!({"lat": 22.64, "lon": 104.4})
    );
    assert_eq!(
        unit(POST)["content"]["border"][0][1],
        serde_json::json!({"lat": 22.66, "lon": 104.4})
    );
    // Exported with the map's layers.
    let kml = stdout(bin(data).args([
        "geo",
        "export",
        "--from",
        "01/01/2024",
        "--to",
        "31/12/2024",
        "--scope",
        POST,
        "--format",
        "kml",
    ]));
    assert!(kml.contains("<Polygon><outerBoundaryIs>"), "{kml}");
}

#[test]
fn two_demo_builds_give_the_same_track_links() {
    let a = demo();
    let b = tempfile::tempdir().unwrap();
    bin(b.path()).arg("demo").assert().success();
    let links = |data: &Path| {
        let mut v: Vec<String> = list_json(data, &["attachment"])
            .into_iter()
            .map(|l| l.to_string())
            .collect();
        v.sort();
        v
    };
    let (la, lb) = (links(a.path()), links(b.path()));
    assert!(la.len() > 100, "{} track links", la.len());
    assert!(la[0].contains("\"revision\""), "{}", la[0]);
    assert_eq!(la, lb);
}

#[test]
fn serve_refuses_a_basemap_it_cannot_read_at_start() {
    let d = demo();
    let files = tempfile::tempdir().unwrap();
    let bad = files.path().join("nen.pmtiles");
    let mut bytes = b"PMTiles".to_vec();
    bytes.push(2);
    bytes.resize(200, 0);
    std::fs::write(&bad, bytes).unwrap();
    let r = run(bin(d.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--basemap"])
        .arg(&bad)
        .timeout(std::time::Duration::from_secs(60)));
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("nen.pmtiles") && r.stderr.contains("version 2, only 3 is read"),
        "{}",
        r.stderr
    );
    // Refused before anything starts: no address announced, and a new data
    // directory gets no store and no administrator's password.
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
    let empty = tempfile::tempdir().unwrap();
    let r = run(bin(empty.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--basemap"])
        .arg(&bad)
        .timeout(std::time::Duration::from_secs(60)));
    assert_ne!(r.code, 0);
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
    assert!(!empty.path().join("bienphong.sqlite").exists());
}
