//! The map's data over HTTP: a PMTiles basemap (an archive written here)
//! served tile for tile; communes' areas and the border line imported from
//! GeoJSON through the API, kept as unit revisions, drawn as layers and
//! exported; coordinates set in a record's JSON checked by the rule the
//! places import follows.

use crate::common::{api, login, spawn_app, spawn_app_with, token};
use bienphong_domain::{Content, RecordType};
use bienphong_store::{ListFilter, Store};
use reqwest::Method;
use serde_json::{Value, json};
use std::io::Write as _;

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A tile's (z, x, y) and its bytes.
type Tile = ((u8, u32, u32), Vec<u8>);

/// A PMTiles v3 archive of `tiles` as the spec lays it
/// out: the root directory gzipped, holding the first tile and a leaf
/// directory (uncompressed inside the gzip, as any) with the others.
fn pmtiles(tiles: &[Tile]) -> Vec<u8> {
    let mut sorted: Vec<(u64, &Vec<u8>)> = tiles
        .iter()
        .map(|((z, x, y), b)| (bienphong_store::pmtiles_tile_id(*z, *x, *y).unwrap(), b))
        .collect();
    sorted.sort_by_key(|(id, _)| *id);
    let mut data = Vec::new();
    let mut entries = Vec::new(); // (id, offset, length, run)
    for (id, b) in &sorted {
        entries.push((*id, data.len() as u64, b.len() as u64, 1u64));
        data.extend_from_slice(b);
    }
    let directory = |es: &[(u64, u64, u64, u64)]| {
        let mut d = Vec::new();
        varint(&mut d, es.len() as u64);
        let mut last = 0;
        for e in es {
            varint(&mut d, e.0 - last);
            last = e.0;
        }
        for e in es {
            varint(&mut d, e.3);
        }
        for e in es {
            varint(&mut d, e.2);
        }
        for (i, e) in es.iter().enumerate() {
            let follows = i > 0 && es[i - 1].1 + es[i - 1].2 == e.1;
            varint(&mut d, if follows { 0 } else { e.1 + 1 });
        }
        gzip(&d)
    };
    let leaf = directory(&entries[1..]);
    let root = directory(&[entries[0], (entries[1].0, 0, leaf.len() as u64, 0)]);
    let root_offset = 127u64;
    let meta_offset = root_offset + root.len() as u64;
    let leaf_offset = meta_offset + 2;
    let data_offset = leaf_offset + leaf.len() as u64;
    let mut h = Vec::with_capacity(127);
    h.extend_from_slice(b"PMTiles");
    h.push(3);
    for v in [
        root_offset,
        root.len() as u64,
        meta_offset,
        2,
        leaf_offset,
        leaf.len() as u64,
        data_offset,
        data.len() as u64,
        tiles.len() as u64,
        tiles.len() as u64,
        tiles.len() as u64,
    ] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    // clustered, internal gzip, tiles uncompressed, png, zooms 0–12.
    h.extend_from_slice(&[1, 2, 1, 2, 0, 12]);
    for v in [1_040_000_000i32, 220_000_000, 1_060_000_000, 235_000_000] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    h.push(8);
    for v in [1_050_000_000i32, 228_000_000] {
        h.extend_from_slice(&v.to_le_bytes());
    }
    assert_eq!(h.len(), 127);
    let mut out = h;
    out.extend_from_slice(&root);
    out.extend_from_slice(b"{}");
    out.extend_from_slice(&leaf);
    out.extend_from_slice(&data);
    out
}

#[tokio::test]
async fn a_pmtiles_basemap_is_served_tile_for_tile_and_a_bad_one_refused() {
    let dir = tempfile::tempdir().unwrap();
    let tiles = vec![
        ((0u8, 0u32, 0u32), b"\x89PNG zoom 0".to_vec()),
        ((8, 205, 113), b"\x89PNG Ha Giang 8".to_vec()),
        ((12, 3290, 1813), b"\x89PNG Lung Cu 12".to_vec()),
    ];
    let path = dir.path().join("nen.pmtiles");
    std::fs::write(&path, pmtiles(&tiles)).unwrap();
    let config = bienphong_web::ServerConfig {
        basemap: Some(bienphong_store::Basemap::open(&path).await.unwrap()),
        ..Default::default()
    };
    let app = spawn_app_with(config).await;
    let (client, _) = login(&app, "dn-lungcu").await;
    let page = client
        .get(app.url("/map"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let url = page
        .split("data-basemap=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert_eq!(url, "/map/tiles/{z}/{x}/{y}.png");
    assert!(page.contains("data-max-zoom=\"12\""), "the archive's zooms");
    for ((z, x, y), bytes) in &tiles {
        let path = url
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string());
        let r = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["content-type"], "image/png");
        assert_eq!(
            r.bytes().await.unwrap().as_ref(),
            bytes.as_slice(),
            "{path}"
        );
    }
    for missing in [
        "/map/tiles/12/3291/1813.png",
        "/map/tiles/1/0/0.png",
        "/map/tiles/3/9/0.png",
    ] {
        let r = client.get(app.url(missing)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{missing}");
    }

    // Refused at start, saying why: not PMTiles v3, vector tiles, a
    // directory beyond the end of the file.
    let good = pmtiles(&tiles);
    let mut v2 = good.clone();
    v2[7] = 2;
    let mut vector = good.clone();
    vector[99] = 1;
    let truncated = good[..good.len() - 20].to_vec();
    for (name, bytes, says) in [
        ("v2.pmtiles", v2, "version 2"),
        ("mvt.pmtiles", vector, "vector tiles"),
        ("short.pmtiles", truncated, "beyond the file"),
        ("text.pmtiles", b"not a tile archive at all".to_vec(), "not"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let e = bienphong_store::Basemap::open(&p)
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "{name}: {e}");
    }
}

/// A square of `half` degrees around (lat, lon), closed, as GeoJSON (to
/// 7 decimals, as coordinates are kept).
fn square(lat: f64, lon: f64, half: f64) -> Value {
    let r = |v: f64| (v * 1e7).round() / 1e7;
    let (s, n, w, e) = (r(lat - half), r(lat + half), r(lon - half), r(lon + half));
    json!([[[w, s], [e, s], [e, n], [w, n], [w, s]]])
}

/// Lũng Cú's first located marker.
async fn lung_cu_marker(app: &crate::common::TestApp) -> (String, (f64, f64)) {
    let store = app.service.store();
    for r in store
        .list(ListFilter {
            record_type: Some(RecordType::Marker),
            ..Default::default()
        })
        .await
        .unwrap()
    {
        if let Content::Marker(m) = Content::from_json(r.record_type, &r.content).unwrap()
            && m.post.as_str() == "BP-LUNGCU"
            && let Some(at) = m.location
        {
            return (r.record_id.to_string(), (at.lat, at.lon));
        }
    }
    panic!("no located marker of BP-LUNGCU");
}

async fn commune_revision(app: &crate::common::TestApp) -> String {
    app.service
        .store()
        .list(ListFilter {
            record_type: Some(RecordType::Unit),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|r| {
            matches!(Content::from_json(r.record_type, &r.content), Ok(Content::Unit(u)) if u.code.as_str() == "XA-LUNGCU")
        })
        .unwrap()
        .revision_id
        .to_string()
}

#[tokio::test]
async fn communes_areas_and_the_border_line_are_imported_shown_and_exported() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (_, at) = lung_cu_marker(&app).await;
    let revisions = || async { app.service.store().revision_count().await.unwrap() };
    let map = |t: String| {
        let app = &app;
        async move {
            let (s, v) = api(
                app,
                &t,
                Method::GET,
                "/api/v1/map?from=2024-01-01&to=2024-12-31&scope=BP-LUNGCU",
                None,
            )
            .await;
            assert_eq!(s, 200, "{v}");
            v["features"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| matches!(f["properties"]["layer"].as_str(), Some("area" | "border")))
                .cloned()
                .collect::<Vec<Value>>()
        }
    };
    let file = |area: Value, border: Value| {
        json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": area},
             "properties": {"code": "XA-LUNGCU", "name": "Xã Lũng Cú"}},
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": border},
             "properties": {"code": "BP-LUNGCU"}}]})
    };
    let border = json!([
        [at.1 - 0.02, at.0 + 0.001],
        [at.1, at.0 + 0.002],
        [at.1 + 0.02, at.0]
    ]);

    // Refused whole, naming the feature: an open ring; a line far away.
    let before = revisions().await;
    let commune_before = commune_revision(&app).await;
    let mut open = square(at.0, at.1, 0.01);
    open[0][4] = json!([at.1, at.0]);
    let (s, v) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/map/places",
        Some(file(open, border.clone())),
    )
    .await;
    assert_eq!(
        (s.as_u16(), v["fields"][0]["field"].as_str()),
        (422, Some("row 1")),
        "{v}"
    );
    assert!(v.to_string().contains("not closed"), "{v}");
    let hanoi = json!([[105.85, 21.03], [105.86, 21.04]]);
    let (s, v) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/map/places",
        Some(file(square(at.0, at.1, 0.01), hanoi)),
    )
    .await;
    assert_eq!(
        (s.as_u16(), v["fields"][0]["field"].as_str()),
        (422, Some("row 2")),
        "{v}"
    );
    assert_eq!(revisions().await, before, "nothing written");
    assert!(map(admin.clone()).await.is_empty());

    // Accepted: one revision of the commune, one of the post.
    let (s, v) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/map/places",
        Some(file(square(at.0, at.1, 0.01), border.clone())),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (
            v["records"].as_u64(),
            v["areas"].as_u64(),
            v["borders"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(revisions().await, before + 2);
    let org = app.service.org().await.unwrap();
    let commune = org.unit(&"XA-LUNGCU".parse().unwrap()).unwrap();
    assert_eq!(commune.area[0][0].len(), 5);
    assert_eq!(commune.area[0][0][0], commune.area[0][0][4]);
    assert_ne!(
        commune_revision(&app).await,
        commune_before,
        "a new revision of the commune (the count above: the old one kept)"
    );

    // Drawn on the post's map (the commune it coordinates with) and exported.
    let layers = map(admin.clone()).await;
    let kinds: Vec<(&str, &str)> = layers
        .iter()
        .map(|f| {
            (
                f["properties"]["layer"].as_str().unwrap(),
                f["properties"]["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, vec![("border", "BP-LUNGCU"), ("area", "XA-LUNGCU")]);
    assert_eq!(layers[1]["geometry"]["type"], "MultiPolygon");
    assert_eq!(
        layers[1]["geometry"]["coordinates"][0],
        square(at.0, at.1, 0.01)
    );
    let (client, _) = login(&app, "admin").await;
    let export = |f: &'static str| {
        let client = client.clone();
        let url = app.url(&format!(
            "/api/v1/map/export?format={f}&from=2024-01-01&to=2024-12-31&scope=BP-LUNGCU"
        ));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let kml = export("kml").await;
    assert!(
        kml.contains("<outerBoundaryIs><LinearRing>") && kml.contains("XA-LUNGCU"),
        "{kml}"
    );
    let geojson: Value = serde_json::from_str(&export("geojson").await).unwrap();
    let area = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["code"] == "XA-LUNGCU")
        .unwrap();
    assert_eq!(area["geometry"]["coordinates"][0], square(at.0, at.1, 0.01));

    // The same file again changes nothing.
    let (s, v) = api(
        &app,
        &admin,
        Method::POST,
        "/api/v1/map/places",
        Some(file(square(at.0, at.1, 0.01), border)),
    )
    .await;
    assert_eq!((s.as_u16(), v["records"].as_u64()), (200, Some(0)), "{v}");
}

#[tokio::test]
async fn coordinates_set_in_a_records_json_follow_the_places_rule() {
    let app = spawn_app().await;
    let admin = token(&app, "admin").await;
    let (id, at) = lung_cu_marker(&app).await;
    let path = format!("/api/v1/markers/{id}");
    let (_, m) = api(&app, &admin, Method::GET, &path, None).await;
    let put = |location: Value| {
        let mut content = m["content"].clone();
        content["location"] = location;
        json!({"revision": m["revision"], "content": content})
    };
    let before = app.service.store().revision_count().await.unwrap();
    // Outside WGS84.
    let (s, v) = api(
        &app,
        &admin,
        Method::PUT,
        &path,
        Some(put(json!({"lat": 95.0, "lon": at.1}))),
    )
    .await;
    assert_eq!(
        (s.as_u16(), v["fields"][0]["field"].as_str()),
        (422, Some("location")),
        "{v}"
    );
    // Far outside the province's places (Hà Nội), as the import refuses it.
    let (s, v) = api(
        &app,
        &admin,
        Method::PUT,
        &path,
        Some(put(json!({"lat": 21.03, "lon": 105.85}))),
    )
    .await;
    assert_eq!(
        (s.as_u16(), v["fields"][0]["field"].as_str()),
        (422, Some("location")),
        "{v}"
    );
    assert!(v.to_string().contains("ngoài khu vực"), "{v}");
    assert_eq!(app.service.store().revision_count().await.unwrap(), before);
    // A post's location by the same rule.
    let unit = app
        .service
        .store()
        .list(ListFilter {
            record_type: Some(RecordType::Unit),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|r| {
            matches!(Content::from_json(r.record_type, &r.content), Ok(Content::Unit(u)) if u.code.as_str() == "BP-LUNGCU")
        })
        .unwrap();
    let upath = format!("/api/v1/units/{}", unit.record_id);
    let (_, u) = api(&app, &admin, Method::GET, &upath, None).await;
    let mut content = u["content"].clone();
    content["location"] = json!({"lat": 10.8, "lon": 106.7});
    let (s, v) = api(
        &app,
        &admin,
        Method::PUT,
        &upath,
        Some(json!({"revision": u["revision"], "content": content})),
    )
    .await;
    assert_eq!(
        (s.as_u16(), v["fields"][0]["field"].as_str()),
        (422, Some("location")),
        "{v}"
    );
    // A small move nearby is kept.
    let (s, v) = api(
        &app,
        &admin,
        Method::PUT,
        &path,
        Some(put(json!({"lat": at.0 + 0.001, "lon": at.1}))),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        app.service.store().revision_count().await.unwrap(),
        before + 1
    );
}

/// A ring of `n` points around (`lat`, `lon`), `r` degrees away, closed.
fn circle(lat: f64, lon: f64, r: f64, n: usize) -> Value {
    let round = |v: f64| (v * 1e7).round() / 1e7;
    let mut ring: Vec<Value> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            json!([round(lon + r * a.cos()), round(lat + r * a.sin())])
        })
        .collect();
    ring.push(ring[0].clone());
    json!([ring])
}

/// The map page's upload form: a file larger than the API's default body
/// limit (an outline of 100.000 points, a marker's commune) is written
/// and its area drawn on the map; a bow-tie is refused naming the item and
/// its ring, in Vietnamese, with nothing written; a post without the
/// session's token is refused; each upload is audited; the API takes the
/// same large file.
#[tokio::test]
async fn places_are_uploaded_from_the_map_page() {
    let app = spawn_app().await;
    let (client, csrf) = login(&app, "admin").await;
    let admin = token(&app, "admin").await;
    let (_, at) = lung_cu_marker(&app).await;
    let revisions = || async { app.service.store().revision_count().await.unwrap() };
    let send = |form: reqwest::multipart::Form| {
        let (client, app) = (&client, &app);
        async move {
            let r = client
                .post(app.url("/map/places"))
                .multipart(form)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let form = |csrf: &str, name: &str, bytes: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("csrf", csrf.to_string())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            )
    };
    let areas = || async {
        let (s, v) = api(
            &app,
            &admin,
            Method::GET,
            "/api/v1/map?from=2024-01-01&to=2024-12-31&scope=BP-LUNGCU",
            None,
        )
        .await;
        assert_eq!(s, 200, "{v}");
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["layer"] == "area")
            .cloned()
            .collect::<Vec<Value>>()
    };
    let page = client
        .get(app.url("/map"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("id=\"map-places-form\""), "{page}");
    let before = revisions().await;

    // A bow-tie: refused, the item and its ring named, nothing written.
    let (lat, lon) = at;
    let bow_tie = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[
            [lon - 0.01, lat - 0.01], [lon + 0.01, lat + 0.01],
            [lon + 0.01, lat - 0.01], [lon - 0.01, lat + 0.01], [lon - 0.01, lat - 0.01]]]},
         "properties": {"code": "XA-LUNGCU"}}]});
    let (status, refused) = send(form(&csrf, "xa.geojson", bow_tie.to_string().into_bytes())).await;
    assert_eq!(status, 422, "{refused}");
    assert!(
        refused.contains("mục 1: vòng 1 của đa giác 1 tự cắt nhau"),
        "{refused}"
    );
    assert!(refused.contains("không ghi gì"), "{refused}");
    assert_eq!(revisions().await, before);
    assert!(areas().await.is_empty());

    // Without the session's token: refused, nothing written.
    let big = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": circle(lat, lon, 0.02, 100_000)},
         "properties": {"code": "XA-LUNGCU"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"number": "410", "post": "BP-LUNGCU", "commune": "XA-MALE"}}]})
    .to_string()
    .into_bytes();
    assert!(big.len() > 2 * 1024 * 1024, "{}", big.len());
    let (status, _) = send(form("nope", "xa.geojson", big.clone())).await;
    assert_eq!(status, 403);
    assert_eq!(revisions().await, before);

    // The large file: written, the area drawn, the marker's commune set.
    let (status, written) = send(form(&csrf, "xa.geojson", big.clone())).await;
    assert_eq!(status, 200, "{written}");
    assert!(written.contains("id=\"map-places-written\""), "{written}");
    assert!(
        written.contains("2 cột mốc và đơn vị được cập nhật (1 vùng địa giới"),
        "{written}"
    );
    assert_eq!(revisions().await, before + 2);
    let drawn = areas().await;
    assert_eq!(drawn.len(), 1);
    assert_eq!(drawn[0]["properties"]["code"], "XA-LUNGCU");
    assert_eq!(
        drawn[0]["geometry"]["coordinates"][0][0]
            .as_array()
            .unwrap()
            .len(),
        100_001
    );
    let org = app.service.org().await.unwrap();
    let marker = org
        .markers
        .values()
        .find(|m| m.post.as_str() == "BP-LUNGCU" && m.number.as_str() == "410")
        .unwrap();
    assert_eq!(marker.commune.as_ref().map(|c| c.as_str()), Some("XA-MALE"));

    // The API takes the same file (nothing new to write).
    let r = crate::common::http()
        .post(app.url("/api/v1/map/places"))
        .bearer_auth(&admin)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["records"], 0, "{v}");

    // Each upload audited, the refusal too.
    let (s, audit) = api(&app, &admin, Method::GET, "/api/v1/audit?limit=1000", None).await;
    assert_eq!(s, 200, "{audit}");
    let outcomes: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "places.import")
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    let mut sorted = outcomes.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["allowed", "allowed", "refused"], "{audit}");
}
