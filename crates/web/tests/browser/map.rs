//! The map page in a real browser, with no network but this server: a
//! Lũng Cú editor attaches a GPX to a patrol from its page (the web form),
//! opens the map over a small offline basemap (an MBTiles file made here),
//! sees the post's markers coloured by coverage, the track and the
//! commune's area (a layer toggled off and on), and clicks the track
//! through to its patrol.
//!
//! With `BIENPHONG_SCREENSHOT=1` it also saves the map as `docs/map.png`.

use super::{
    WAIT, common, connect, find, no_browser, page_source, select, set_text, start_chromedriver,
};
use bienphong_domain::{Content, RecordType};
use bienphong_store::{ListFilter, Store};
use fantoccini::{Client, Locator};
use std::time::{Duration, Instant};

/// A 1×1 grey PNG: enough for the browser to draw a tile.
const TILE: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
    0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xB8, 0x0F, 0x00, 0x00,
    0xFA, 0x00, 0xF9, 0x6A, 0x8C, 0x3D, 0x34, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// An MBTiles file with one tile for every tile of zoom levels 0–11
/// around Lũng Cú (rows counted from the bottom, as MBTiles does).
async fn make_mbtiles(path: &std::path::Path, lat: f64, lon: f64) {
    use sqlx::ConnectOptions as _;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    for sql in [
        "CREATE TABLE metadata (name TEXT, value TEXT)",
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)",
        "INSERT INTO metadata VALUES ('name', 'test'), ('format', 'png'), ('minzoom', '0'), ('maxzoom', '16')",
    ] {
        sqlx::query(sql).execute(&mut conn).await.unwrap();
    }
    for z in 0..=16u32 {
        let n = f64::from(1u32 << z);
        let x = ((lon + 180.0) / 360.0 * n) as i64;
        let r = lat.to_radians();
        let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as i64;
        for dx in -3..=3 {
            for dy in -3..=3 {
                let tms = (1i64 << z) - 1 - (y + dy);
                sqlx::query("INSERT INTO tiles VALUES (?, ?, ?, ?)")
                    .bind(i64::from(z))
                    .bind(x + dx)
                    .bind(tms)
                    .bind(TILE)
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
        }
    }
}

/// A 2024 Lũng Cú patrol that lists markers, its day and the place of
/// its first marker.
async fn lung_cu_patrol(app: &common::TestApp) -> (String, String, (f64, f64)) {
    let store = app.service.store();
    let org = app.service.org().await.unwrap();
    for r in store
        .list(ListFilter {
            record_type: Some(RecordType::Patrol),
            ..Default::default()
        })
        .await
        .unwrap()
    {
        let Content::Patrol(p) = Content::from_json(r.record_type, &r.content).unwrap() else {
            continue;
        };
        if p.lead_unit.as_str() != "BP-LUNGCU" || p.date.year() != 2024 || p.markers.is_empty() {
            continue;
        }
        let m = &org.markers[&(p.lead_unit.clone(), p.markers[0].clone())];
        let at = m.location.unwrap();
        return (
            r.record_id.to_string(),
            p.date.to_string(),
            (at.lat, at.lon),
        );
    }
    panic!("no 2024 patrol of BP-LUNGCU with markers");
}

pub async fn run(c: Client, base: String, patrol: String, day: String, gpx: std::path::PathBuf) {
    let url = |path: &str| format!("{base}{path}");
    c.set_window_size(1280, 1000).await.unwrap();
    c.goto(&url("/login")).await.unwrap();
    set_text(&c, "username", "dn-lungcu").await;
    set_text(&c, "password", &common::password("dn-lungcu")).await;
    find(&c, "#login-submit").await.click().await.unwrap();
    find(&c, "#logout").await;

    // 1. The track attached from the patrol's page.
    c.goto(&url(&format!("/records/patrols/{patrol}")))
        .await
        .unwrap();
    select(&c, "track-means", "foot").await;
    let input = find(&c, "#attach-form input[type=file]").await;
    input.send_keys(gpx.to_str().unwrap()).await.unwrap();
    find(&c, "#attach-form button[type=submit]")
        .await
        .click()
        .await
        .unwrap();
    find(&c, "#attached").await;

    // 2. The map of that day: markers, the post, the track, the basemap.
    c.goto(&url(&format!("/map?from={day}&to={day}&scope=BP-LUNGCU")))
        .await
        .unwrap();
    find(&c, "#map[data-ready='1']").await;
    let markers = c.find_all(Locator::Css("path.geo-marker")).await.unwrap();
    assert!(
        markers.len() > 5,
        "{} markers: {}",
        markers.len(),
        page_source(&c).await
    );
    assert!(
        !c.find_all(Locator::Css("path.geo-marker-visited"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !c.find_all(Locator::Css("path.geo-marker-unvisited"))
            .await
            .unwrap()
            .is_empty()
    );
    find(&c, "path.geo-post").await;
    let layers = c
        .execute(
            "const r = await fetch(document.getElementById('map').getAttribute('data-url')); const j = await r.json(); return j.features.map(f => f.properties.layer + ':' + (f.properties.patrol || '')).filter(s => !s.startsWith('marker')).join(' ');",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        layers.as_str().unwrap_or_default().contains(&patrol),
        "layers: {layers}"
    );
    let track = find(&c, &format!("path.geo-track-{patrol}")).await;
    // The commune's area is a layer of its own, toggled off and on.
    find(&c, "path.geo-area-XA-LUNGCU").await;
    let toggle = "const l = Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label')).find(l => l.textContent.includes('Địa giới xã')); l.querySelector('input').click(); return document.querySelectorAll('path.geo-area').length;";
    let shown = c.execute(toggle, vec![]).await.unwrap();
    assert_eq!(shown.as_u64(), Some(0), "the area hidden");
    let shown = c.execute(toggle, vec![]).await.unwrap();
    assert_eq!(shown.as_u64(), Some(1), "the area shown again");
    // Tiles came from this server's basemap and were drawn.
    let deadline = Instant::now() + WAIT;
    loop {
        let drawn = c
            .execute(
                "return Array.from(document.querySelectorAll('img.leaflet-tile')).filter(i => i.complete && i.naturalWidth > 0 && i.src.includes('/map/tiles/')).length",
                vec![],
            )
            .await
            .unwrap();
        if drawn.as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no basemap tile drawn: {}",
            page_source(&c).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let table = find(&c, "#coverage").await.text().await.unwrap();
    assert!(table.contains("chưa đến"), "{table}");
    if std::env::var("BIENPHONG_SCREENSHOT").as_deref() == Ok("1") {
        let png = c.screenshot().await.unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/map.png");
        std::fs::write(path, png).unwrap_or_else(|e| panic!("cannot write {path}: {e}"));
        eprintln!("saved {path}");
    }

    // 3. A click on the track opens its patrol.
    track.click().await.unwrap();
    let deadline = Instant::now() + WAIT;
    while c.current_url().await.unwrap().path() != format!("/records/patrols/{patrol}") {
        assert!(
            Instant::now() < deadline,
            "the track did not open its patrol"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_shows_markers_and_a_track_that_opens_its_patrol() {
    if no_browser() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let probe = common::spawn_app().await;
    let (patrol, day, at) = lung_cu_patrol(&probe).await;
    drop(probe);
    let tiles = dir.path().join("nen.mbtiles");
    make_mbtiles(&tiles, at.0, at.1).await;
    let config = bienphong_web::ServerConfig {
        basemap: Some(bienphong_store::Basemap::open(&tiles).await.unwrap()),
        ..Default::default()
    };
    let app = common::spawn_app_with(config).await;
    // Lũng Cú commune's area: a square around the first marker.
    let area = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"code":"XA-LUNGCU"}},"geometry":{{"type":"Polygon","coordinates":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}]}}"#,
        w = at.1 - 0.02,
        e = at.1 + 0.02,
        s = at.0 - 0.02,
        n = at.0 + 0.02
    );
    let file = bienphong_service::geo::PlacesFile::read("xa.geojson", area.as_bytes()).unwrap();
    let actor = bienphong_service::Actor {
        name: "test".into(),
        now_ms: 1_700_000_000_000,
    };
    let n = app.service.import_places(&actor, &file).await.unwrap();
    assert_eq!(n.areas, 1);
    // A walk north-east past the patrol's first marker, 0,0004° east of it
    // half-way (a slanting line: one WebDriver can click at its middle).
    let mut gpx = String::from(
        "<?xml version=\"1.0\"?><gpx version=\"1.1\" xmlns=\"http://www.topografix.com/GPX/1/1\"><trk><trkseg>",
    );
    for i in 0..=20 {
        gpx.push_str(&format!(
            "<trkpt lat=\"{}\" lon=\"{}\"><time>2024-01-01T01:{:02}:00Z</time></trkpt>",
            at.0 - 0.01 + f64::from(i) * 0.001,
            at.1 - 0.0016 + f64::from(i) * 0.0002,
            i
        ));
    }
    gpx.push_str("</trkseg></trk></gpx>");
    let file = dir.path().join("tuan-tra.gpx");
    std::fs::write(&file, gpx).unwrap();
    let driver = start_chromedriver();
    let client = connect(&driver).await;
    let outcome = tokio::spawn(run(client.clone(), app.base.clone(), patrol, day, file)).await;
    let _ = client.close().await;
    drop(driver);
    drop(app);
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("the browser steps did not finish: {e}");
    }
}
