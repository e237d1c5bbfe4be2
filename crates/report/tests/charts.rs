//! The charts of the Hà Giang demo: their figures against the records and the
//! reports, their SVG labels, and the PNG drawn from the SVG.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

use bienphong_demo::ha_giang;
use bienphong_domain::org::Code;
use bienphong_domain::{Content, Cutoff, Period};
use bienphong_report::{Chart, Layout, annual_charts, annual_review, summary, summary_charts};
use bienphong_service::{NewRecord, Service};
use bienphong_store::SqlStore;

async fn demo_service(dir: &std::path::Path) -> Service<SqlStore> {
    let service = Service::new(
        SqlStore::open_sqlite(&dir.join("bienphong.sqlite"))
            .await
            .unwrap(),
    );
    let records: Vec<NewRecord> = ha_giang()
        .into_iter()
        .map(|r| NewRecord {
            record_id: r.record_id,
            content: r.content,
            author: "demo".into(),
            created_ms: r.created_ms,
            revision_id: None,
        })
        .collect();
    let mut org = bienphong_domain::org::Org::default();
    for chunk in records.chunks(2000) {
        service.add_batch(&mut org, chunk.to_vec()).await.unwrap();
    }
    service
}

/// Patrols and cases of the demo dated in each Decree 09 month of `year`,
/// counted from the records themselves.
fn counted_from_records(year: i16) -> (Vec<i64>, Vec<i64>) {
    let records = ha_giang();
    let months: Vec<Period> = (1..=12)
        .map(|m| Period::month(year, m, Cutoff::Decree09))
        .collect();
    let mut patrols = vec![0; 12];
    let mut cases = vec![0; 12];
    for r in &records {
        let (tally, date) = match &r.content {
            Content::Patrol(p) => (&mut patrols, p.date),
            Content::Case(c) => (&mut cases, c.date),
            _ => continue,
        };
        if let Some(i) = months.iter().position(|m| m.contains(date)) {
            tally[i] += 1;
        }
    }
    (patrols, cases)
}

fn sum(chart: &Chart, series: usize) -> i64 {
    chart.series[series].values.iter().sum()
}

/// The signature, then the IHDR chunk: width and height, big-endian.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[tokio::test]
async fn the_charts_state_the_reports_figures_and_draw_them() {
    let dir = tempfile::tempdir().unwrap();
    let service = demo_service(dir.path()).await;

    // The annual review of 2023, province-wide: 1.178 patrols.
    let review = annual_review(&service, 2023, Cutoff::Decree09, None)
        .await
        .unwrap();
    let charts = annual_charts(&service, &review).await.unwrap();
    let (patrols, cases) = counted_from_records(2023);
    let by_month = &charts.patrols_by_month;
    assert_eq!(by_month.series.len(), 1, "the review does not compare");
    assert_eq!(by_month.series[0].name, "Năm 2023");
    assert_eq!(by_month.categories[0], "Tháng 1");
    assert_eq!(by_month.categories[11], "Tháng 12");
    assert_eq!(by_month.series[0].values, patrols);
    assert_eq!(sum(by_month, 0), 1178);
    assert_eq!(sum(by_month, 0), review.patrols.count);
    assert_eq!(charts.cases_by_month.series[0].values, cases);
    assert_eq!(sum(&charts.cases_by_month, 0), review.cases.count);
    assert!(review.cases.count > 0);
    // By unit: the review's own rows.
    let by_unit = &charts.patrols_by_unit;
    assert_eq!(by_unit.layout, Layout::Bars);
    assert_eq!(by_unit.categories.len(), review.patrols.by_lead_unit.len());
    assert_eq!(sum(by_unit, 0), review.patrols.count);
    assert_eq!(sum(&charts.cases_by_unit, 0), review.cases.count);
    assert_eq!(charts.shown().len(), 4);

    // The SVG: Vietnamese labels and numbers written the Vietnamese way.
    let svg = charts.patrols_by_month.svg().unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    for text in [
        "<title>Số lần tuần tra theo tháng</title>",
        ">Năm 2023<",
        "Tháng 1 – Năm 2023:",
    ] {
        assert!(svg.contains(text), "{text}\n{svg}");
    }
    let svg = by_unit.svg().unwrap();
    let first = &review.patrols.by_lead_unit[0];
    assert!(svg.contains(&first.unit.name), "{svg}");
    assert!(svg.contains("Đồn Biên phòng"), "{svg}");
    let units = charts.cases_by_unit.svg().unwrap();
    assert!(units.contains("Số vụ việc theo đơn vị xử lý"), "{units}");
    assert_eq!(
        charts.patrols_by_month.caption(1),
        "Biểu đồ 1: Số lần tuần tra theo tháng"
    );

    // The PNG: a real image of the SVG's proportions, not a blank page.
    let png = by_unit.png().unwrap();
    let (w, h) = png_size(&png.bytes);
    assert_eq!((w, h), (png.width, png.height));
    assert_eq!(w, 1248, "the SVG's 624 px at twice the size");
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png.bytes).unwrap();
    let pixels = pixmap.pixels();
    let white = pixels
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) == (255, 255, 255))
        .count();
    let ink = pixels
        .iter()
        .filter(|p| p.red() < 80 && p.green() < 80 && p.blue() < 80)
        .count();
    assert!(white > pixels.len() / 2, "a white background");
    assert!(white < pixels.len(), "something is drawn");
    // Dark text pixels: the labels were drawn with the built-in font.
    assert!(ink > 1000, "{ink} dark pixels");

    // A summary compares with the same period last year, month by month.
    let year = Period::year(2023, Cutoff::Decree09);
    let s = summary(&service, year, None).await.unwrap();
    let charts = summary_charts(&service, &s).await.unwrap();
    let by_month = &charts.patrols_by_month;
    assert_eq!(by_month.series.len(), 2);
    assert_eq!(by_month.series[0].values, patrols);
    assert_eq!(by_month.series[1].name, "Năm 2022");
    assert_eq!(sum(by_month, 1), s.patrols.count.previous);
    assert_eq!(sum(&charts.cases_by_month, 1), s.cases.count.previous);
    assert_eq!(
        sum(&charts.patrols_by_unit, 1),
        s.patrols
            .by_lead_unit
            .iter()
            .map(|u| u.count.previous)
            .sum::<i64>()
    );
    assert!(
        charts
            .patrols_by_month
            .svg()
            .unwrap()
            .contains(">Năm 2022<")
    );

    // A post's quarter: three months adding up to its figure.
    let post = Code::parse("BP-LUNGCU").unwrap();
    let q1 = Period::quarter(2024, 1, Cutoff::Decree09);
    let s = summary(&service, q1, Some(&post)).await.unwrap();
    let charts = summary_charts(&service, &s).await.unwrap();
    assert_eq!(
        charts.patrols_by_month.categories,
        ["Tháng 1", "Tháng 2", "Tháng 3"]
    );
    assert_eq!(sum(&charts.patrols_by_month, 0), s.patrols.count.current);
    assert_eq!(sum(&charts.patrols_by_month, 1), s.patrols.count.previous);
    assert_eq!(sum(&charts.cases_by_month, 0), s.cases.count.current);
    assert!(s.patrols.count.current > 0);
}
