//! `bienphong bench`: how long reports and imports take on the store in
//! effect.

use crate::cli::BenchCommand;
use crate::context::Context;
use crate::error::Result;
use anyhow::Context as _;
use bienphong_domain::org::Code;
use bienphong_domain::{Content, Cutoff, ValidationError, format};
use bienphong_service::Service;
use bienphong_sheets::import::{self, Options, Writer};
use bienphong_store::{SqlStore, Store};
use std::io::Write;
use std::path::Path;

pub async fn run(ctx: &Context, bench: BenchCommand, out: &mut impl Write) -> Result<()> {
    match bench {
        BenchCommand::SheetFile { rows, output } => {
            sheet_file(ctx.service().await?, rows, &output).await
        }
        BenchCommand::Import { file, dry_run } => import(ctx, &file, dry_run, out).await,
        BenchCommand::Annual {
            year,
            scope,
            map_to,
            cutoff,
            runs,
        } => annual(ctx, year, scope, map_to, cutoff, runs, out).await,
        BenchCommand::Geo {
            year,
            scope,
            runs,
            points,
            tracks,
        } => {
            if tracks > 0 {
                add_tracks(ctx, year, scope.as_deref(), tracks, out).await?;
            }
            geo(ctx, year, scope, runs, points, out).await
        }
    }
}

/// Attaches a generated track to one in `every` patrols of `year` (in
/// `scope`) whose markers have places and that have no track yet: from 3
/// km south of its first marker to its markers and back, as the demo's
/// are made. Prints how many and how long it took.
async fn add_tracks(
    ctx: &Context,
    year: i16,
    scope: Option<&str>,
    every: u32,
    out: &mut impl Write,
) -> Result<()> {
    use bienphong_domain::geo::track::Means;
    use bienphong_domain::{Period, RecordType};
    use bienphong_service::geo::TrackUpload;
    let service = ctx.service().await?;
    let period = Period::year(year, Cutoff::Calendar);
    let org = service.org_shared().await?;
    let units = scope
        .map(|s| Code::parse(s).map_err(|p| ValidationError::new("scope", p)))
        .transpose()?
        .map(|root| org.scope(&root, &period));
    let tracked: std::collections::HashSet<bienphong_domain::RecordId> = service
        .list(bienphong_store::ListFilter {
            record_type: Some(RecordType::Attachment),
            ..Default::default()
        })
        .await?
        .iter()
        .filter_map(|l| match Content::from_json(l.record_type, &l.content) {
            Ok(Content::Attachment(a)) => Some(a.record),
            _ => None,
        })
        .collect();
    let patrols = service
        .list(bienphong_store::ListFilter {
            record_type: Some(RecordType::Patrol),
            period: Some(period),
            units,
            ..Default::default()
        })
        .await?;
    let started = std::time::Instant::now();
    let (mut eligible, mut attached, mut points) = (0u64, 0u64, 0u64);
    for r in &patrols {
        let Ok(Content::Patrol(p)) = Content::from_json(r.record_type, &r.content) else {
            continue;
        };
        let stops: Option<Vec<_>> = p
            .markers
            .iter()
            .map(|n| {
                org.markers
                    .get(&(p.lead_unit.clone(), n.clone()))
                    .and_then(|m| m.location)
            })
            .collect();
        let Some(stops) = stops.filter(|s| !s.is_empty()) else {
            continue;
        };
        eligible += 1;
        if (eligible - 1) % u64::from(every) != 0 || tracked.contains(&r.record_id) {
            continue;
        }
        let start = bienphong_domain::geo::GeoPoint {
            lat: stops[0].lat - 0.027,
            lon: stops[0].lon,
        };
        let name = format!("{} {}", p.lead_unit, format::date(p.date));
        let gpx = bienphong_demo::geo::patrol_gpx(&name, start, &stops, p.date, 1.1, eligible);
        let (view, _) = service
            .attach_track(
                &ctx.actor(),
                r.record_id,
                TrackUpload {
                    name: format!("{name}.gpx"),
                    bytes: gpx.into_bytes(),
                    means: Means::Foot,
                    confirmed: true,
                    max_bytes: u64::MAX,
                    ids: None,
                },
            )
            .await?;
        attached += 1;
        points += view.facts.points as u64;
    }
    writeln!(
        out,
        "{} tracks ({} points) attached to {} of {} patrols of {year} in {:.1} s",
        format::integer(attached as i64),
        format::integer(points as i64),
        format::integer(attached as i64),
        format::integer(patrols.len() as i64),
        started.elapsed().as_secs_f64()
    )
    .context("stdout")?;
    Ok(())
}

/// Times the coverage of a year's markers, then attaching a long track.
async fn geo(
    ctx: &Context,
    year: i16,
    scope: Option<String>,
    runs: u32,
    points: usize,
    out: &mut impl Write,
) -> Result<()> {
    use bienphong_domain::geo::track::Means;
    use bienphong_domain::{Period, RecordType};
    use bienphong_service::geo::{GeoQuery, TrackUpload};
    let service = ctx.service().await?;
    let root = scope
        .as_deref()
        .map(|s| Code::parse(s).map_err(|p| ValidationError::new("scope", p)))
        .transpose()?;
    let period = Period::year(year, Cutoff::Calendar);
    let q = GeoQuery {
        root: root.clone(),
        period,
        stale_days: 30,
        tolerance_m: bienphong_domain::geo::track::DEFAULT_TOLERANCE_M,
        lead_unit: None,
    };
    let mut times = Vec::new();
    let mut shape = (0, 0);
    for _ in 0..runs.max(1) {
        let started = std::time::Instant::now();
        let o = service.geo_overview(&q, ctx.actor().now_ms).await?;
        times.push(started.elapsed());
        shape = (o.markers.len(), o.tracks.len());
    }
    times.sort();
    let ms = |d: std::time::Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    writeln!(
        out,
        "coverage {year}, scope {}: {} markers, {} tracks; min {} ms, median {} ms, max {} ms over {} runs",
        root.map_or("all".to_string(), |c| c.to_string()),
        format::integer(shape.0 as i64),
        format::integer(shape.1 as i64),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    )
    .context("stdout")?;
    let patrol = service
        .list(bienphong_store::ListFilter {
            record_type: Some(RecordType::Patrol),
            period: Some(period),
            limit: Some(1),
            ..Default::default()
        })
        .await?
        .into_iter()
        .next();
    let Some(patrol) = patrol else {
        writeln!(out, "no patrol in {year}: no track attached").context("stdout")?;
        return Ok(());
    };
    let org = service.org_shared().await?;
    let start =
        org.markers
            .values()
            .find_map(|m| m.location)
            .unwrap_or(bienphong_domain::geo::GeoPoint {
                lat: 22.8,
                lon: 105.0,
            });
    let day = patrol.day.unwrap_or(period.from);
    let gpx = bienphong_demo::geo::long_gpx(start, points, day);
    let size = gpx.len();
    let started = std::time::Instant::now();
    let (view, _) = service
        .attach_track(
            &ctx.actor(),
            patrol.record_id,
            TrackUpload {
                name: "bench.gpx".into(),
                bytes: gpx.into_bytes(),
                means: Means::Foot,
                confirmed: true,
                max_bytes: u64::MAX,
                ids: None,
            },
        )
        .await?;
    let took = started.elapsed();
    writeln!(
        out,
        "track of {} points ({} bytes, {}) attached in {} ms; {} points drawn after simplification",
        format::integer(view.facts.points as i64),
        format::integer(size as i64),
        bienphong_domain::geo::view::km(view.facts.distance_m),
        ms(took),
        format::integer(view.line.iter().map(Vec::len).sum::<usize>() as i64)
    )
    .context("stdout")?;
    Ok(())
}

/// Times the annual review: min, median and max over `runs`.
async fn annual(
    ctx: &Context,
    year: i16,
    scope: Option<String>,
    map_to: Option<String>,
    cutoff: Cutoff,
    runs: u32,
    out: &mut impl Write,
) -> Result<()> {
    let service = ctx.service().await?;
    let scope = scope
        .as_deref()
        .map(|s| Code::parse(s).map_err(|p| ValidationError::new("scope", p)))
        .transpose()?;
    let map_to = map_to
        .as_deref()
        .map(format::parse_date)
        .transpose()
        .map_err(|p| ValidationError::new("map_to", p))?;
    let records = service.store().record_count().await?;
    let mut times = Vec::new();
    let mut check = 0;
    for _ in 0..runs.max(1) {
        let started = std::time::Instant::now();
        let review =
            bienphong_report::annual_review_mapped(service, year, cutoff, scope.as_ref(), map_to)
                .await?;
        times.push(started.elapsed());
        check = review.patrols.count;
    }
    times.sort();
    let ms = |d: std::time::Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    writeln!(
        out,
        "annual review {year}, scope {}{}: {} live records; patrols {}; min {} ms, median {} ms, max {} ms over {} runs",
        scope.map_or("all".to_string(), |c| c.to_string()),
        map_to.map_or(String::new(), |d| format!(" mapped to {}", format::date(d))),
        format::integer(records as i64),
        format::integer(check),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    )
    .context("stdout")?;
    Ok(())
}

/// A workbook of `rows` synthetic patrols of the store's border posts: one
/// per post, kind and day from 1 January 2000 on, so that no two rows share
/// an identity; 2 to 5 forces each.
async fn sheet_file(service: &Service<SqlStore>, rows: u32, output: &Path) -> Result<()> {
    use bienphong_domain::catalogue::CatalogueKind;
    use bienphong_domain::org::UnitKind;
    use bienphong_domain::record::{ForceCount, Patrol, PatrolKind};
    let org = service.org().await?;
    let mut posts: Vec<_> = org
        .units
        .values()
        .filter(|u| {
            u.kind == UnitKind::BorderPost && u.valid_from.is_none() && u.valid_to.is_none()
        })
        .map(|u| u.code.clone())
        .collect();
    posts.sort();
    let forces: Vec<_> = org
        .catalogue
        .list(CatalogueKind::Force)
        .into_iter()
        .filter(|e| e.active)
        .map(|e| e.code.clone())
        .collect();
    if posts.is_empty() || forces.is_empty() {
        return Err(anyhow::anyhow!(
            "the store has no border posts or forces (run `bienphong demo` first)"
        )
        .into());
    }
    let kinds = [
        PatrolKind::Joint,
        PatrolKind::Bilateral,
        PatrolKind::PostOnly,
    ];
    let start = jiff::civil::date(2000, 1, 1);
    let n = rows as usize;
    let records = (0..n).map(|i| {
        let post = posts[i % posts.len()].clone();
        let kind = kinds[(i / posts.len()) % kinds.len()];
        let day = (i / (posts.len() * kinds.len())) as i64;
        let date = start
            .checked_add(jiff::Span::new().days(day))
            .unwrap_or(start);
        let participants = (0..2 + i % 4)
            .filter(|f| *f < forces.len())
            .map(|f| ForceCount {
                force: forces[f].clone(),
                persons: 1 + ((i * 7 + f * 3) % 12) as u32,
            })
            .collect();
        Content::Patrol(Patrol {
            date,
            lead_unit: post,
            partner_units: vec![],
            kind,
            duration_hours: None,
            markers: vec![],
            participants,
            notes: bienphong_domain::text::Text::default(),
        })
    });
    let t = bienphong_domain::RecordType::Patrol;
    let columns = bienphong_sheets::model::columns(t, &org, &[]);
    let units = bienphong_sheets::model::UnitIndex::new(&org);
    let cells = records
        .map(|c| bienphong_sheets::write::record_cells(&org, &units, &columns, None, None, &c));
    let bytes = bienphong_sheets::write::workbook(t, &org, &columns, Box::new(cells))?;
    std::fs::write(output, bytes).with_context(|| format!("cannot write {}", output.display()))?;
    Ok(())
}

/// Imports `file` and prints rows per second and the peak resident memory
/// of the process (VmHWM).
async fn import(ctx: &Context, file: &Path, dry_run: bool, out: &mut impl Write) -> Result<()> {
    let service = ctx.service().await?;
    let started = std::time::Instant::now();
    let input =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let report = import::import(
        service,
        Writer::Local(ctx.actor()),
        bienphong_sheets::Input::File(input),
        "bench",
        Options {
            record_type: None,
            dry_run,
            ..Options::default()
        },
        &mut |_| {},
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    writeln!(
        out,
        "import of {} rows: {} new, {} updated, {} unchanged, {} refused; {:.1} s, {:.0} rows/s; peak RSS {peak}",
        report.rows_read,
        report.created,
        report.updated,
        report.unchanged,
        report.rejected.len(),
        seconds,
        report.rows_read as f64 / seconds.max(1e-9),
    )
    .context("stdout")?;
    Ok(())
}
