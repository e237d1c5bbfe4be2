//! `bienphong geo …`: patrol tracks, places, coverage and exports, over
//! the same use cases as the map page and the API.

use super::records::parse_record_id;
use crate::cli::{GeoCommand, GeoExportArgs, PeriodScope, PlacesArgs, TrackArgs, TracksArgs};
use crate::context::Context;
use crate::error::Result;
use crate::output::{announce, emit};
use anyhow::Context as _;
use bienphong_domain::geo::export::{self, Format};
use bienphong_domain::geo::track::{self, Means};
use bienphong_domain::geo::view;
use bienphong_domain::org::Code;
use bienphong_domain::{Period, Problem, ValidationError, format};
use bienphong_service::geo::coverage_json;
use bienphong_service::geo::{GeoQuery, PlacesFile, TrackUpload};
use std::io::{Read as _, Write};

pub async fn run(ctx: &Context, command: GeoCommand, out: &mut impl Write) -> Result<()> {
    match command {
        GeoCommand::Track(args) => attach(ctx, args, out).await,
        GeoCommand::Tracks(args) => tracks(ctx, args, out).await,
        GeoCommand::Places(args) => import_places(ctx, args, out).await,
        GeoCommand::Coverage(args) => coverage(ctx, &args.period, args.json, out).await,
        GeoCommand::Export(args) => export(ctx, args, out).await,
    }
}

fn read_file(path: &std::path::Path, max: u64) -> Result<Vec<u8>> {
    let len = std::fs::metadata(path)
        .with_context(|| path.display().to_string())?
        .len();
    if len > max {
        return Err(bienphong_service::too_large(max).into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .with_context(|| path.display().to_string())?;
    Ok(bytes)
}

async fn attach(ctx: &Context, args: TrackArgs, out: &mut impl Write) -> Result<()> {
    let id = parse_record_id(&args.id)?;
    let means = Means::parse(&args.means).map_err(|p| ValidationError::new("means", p))?;
    let bytes = read_file(&args.file, args.max_size)?;
    let name = args.name.clone().unwrap_or_else(|| {
        args.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let (service, actor) = (ctx.service().await?, ctx.actor());
    let (view, rev) = service
        .attach_track(
            &actor,
            id,
            TrackUpload {
                name,
                bytes,
                means,
                confirmed: args.confirm,
                max_bytes: args.max_size,
                ids: None,
            },
        )
        .await?;
    match rev {
        Some(rev) => {
            service.audit_local_write(&actor, "attach", &rev).await?;
            announce(out, ctx.lang, "attached", &rev)?;
        }
        None => writeln!(
            out,
            "{}",
            ctx.say(
                "attached-already",
                &[("hash", view.attachment.hash.clone())]
            )
        )
        .context("stdout")?,
    }
    writeln!(out, "{}", facts_line(ctx, &view.facts)).context("stdout")?;
    writeln!(out, "{}", view.attachment.hash).context("stdout")?;
    Ok(())
}

/// `3,2 km · 1 giờ 05 phút (di chuyển 52 phút) · 1.204 điểm`.
fn facts_line(ctx: &Context, f: &track::TrackFacts) -> String {
    ctx.say(
        "geo-track-facts",
        &[
            ("distance", view::km(f.distance_m)),
            (
                "duration",
                f.duration_s
                    .map(view::duration)
                    .unwrap_or_else(|| "—".into()),
            ),
            (
                "moving",
                f.moving_s.map(view::duration).unwrap_or_else(|| "—".into()),
            ),
            ("points", format::integer(f.points as i64)),
            ("segments", format::integer(f.segments as i64)),
        ],
    )
}

async fn tracks(ctx: &Context, args: TracksArgs, out: &mut impl Write) -> Result<()> {
    let id = parse_record_id(&args.id)?;
    let service = ctx.service().await?;
    let r = service.get(id).await?;
    let tracks = service.tracks_of(id, ctx.actor().now_ms).await?;
    let org = service.org_shared().await?;
    let located: Vec<((Code, Code), bienphong_domain::geo::GeoPoint)> = org
        .markers
        .values()
        .filter_map(|m| {
            m.location
                .map(|at| ((m.post.clone(), m.number.clone()), at))
        })
        .collect();
    let mut items = Vec::new();
    for t in &tracks {
        let passed = track::markers_passed(&t.line, &located, args.tolerance);
        if args.json {
            items.push(serde_json::json!({
                "hash": t.attachment.hash,
                "name": t.attachment.name.as_str(),
                "facts": t.facts,
                "markers_passed": passed.iter().map(|((post, n), d)| serde_json::json!({"post": post, "number": n, "distance_m": d})).collect::<Vec<_>>(),
            }));
            continue;
        }
        writeln!(out, "{}  {}", t.attachment.hash, t.attachment.name).context("stdout")?;
        writeln!(out, "  {}", facts_line(ctx, &t.facts)).context("stdout")?;
        let names: Vec<String> = passed
            .iter()
            .map(|((post, n), d)| format!("{n} ({post}, {} m)", format::integer(d.round() as i64)))
            .collect();
        writeln!(
            out,
            "  {}",
            ctx.say("geo-markers-passed", &[("markers", names.join(", "))])
        )
        .context("stdout")?;
    }
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"patrol": r.record_id.to_string(), "tracks": items})
            )
            .unwrap_or_default()
        )
        .context("stdout")?;
    } else if tracks.is_empty() {
        writeln!(out, "{}", ctx.say("geo-no-tracks", &[])).context("stdout")?;
    }
    Ok(())
}

async fn import_places(ctx: &Context, args: PlacesArgs, out: &mut impl Write) -> Result<()> {
    let bytes = read_file(&args.file, 50 * 1024 * 1024)?;
    let file = PlacesFile::read(&args.file.to_string_lossy(), &bytes)?;
    let (service, actor) = (ctx.service().await?, ctx.actor());
    let n = service.import_places(&actor, &file).await?;
    writeln!(
        out,
        "{}",
        ctx.say(
            "geo-places-written",
            &[
                (
                    "rows",
                    format::integer((file.points.len() + file.shapes.len()) as i64)
                ),
                ("count", format::integer(n.records as i64)),
                ("areas", format::integer(n.areas as i64)),
                ("borders", format::integer(n.borders as i64)),
            ]
        )
    )
    .context("stdout")?;
    Ok(())
}

fn query(p: &PeriodScope, lead_unit: Option<&str>) -> Result<GeoQuery> {
    let day =
        |field: &str, s: &str| format::parse_date(s).map_err(|e| ValidationError::new(field, e));
    let (from, to) = (day("from", &p.from)?, day("to", &p.to)?);
    let period = Period::new(from, to)
        .ok_or_else(|| ValidationError::new("to", Problem::DateBefore(format::date(from))))?;
    let code = |field: &str, s: &str| Code::parse(s).map_err(|e| ValidationError::new(field, e));
    if !(p.tolerance.is_finite() && p.tolerance > 0.0) {
        return Err(ValidationError::new("tolerance", Problem::NotPositive).into());
    }
    if p.days < 0 {
        return Err(ValidationError::new("days", Problem::Negative(p.days.to_string())).into());
    }
    Ok(GeoQuery {
        root: p.scope.as_deref().map(|s| code("scope", s)).transpose()?,
        period,
        stale_days: p.days,
        tolerance_m: p.tolerance,
        lead_unit: lead_unit.map(|s| code("unit", s)).transpose()?,
    })
}

async fn coverage(ctx: &Context, p: &PeriodScope, json: bool, out: &mut impl Write) -> Result<()> {
    let q = query(p, None)?;
    let service = ctx.service().await?;
    let o = service.geo_overview(&q, ctx.actor().now_ms).await?;
    if json {
        let rows: Vec<serde_json::Value> =
            o.markers.iter().map(|(m, c)| coverage_json(m, c)).collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "from": q.period.from.to_string(),
                "to": q.period.to.to_string(),
                "stale_days": q.stale_days,
                "tolerance_m": q.tolerance_m,
                "markers": rows,
            }))
            .unwrap_or_default()
        )
        .context("stdout")?;
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        ctx.say(
            "geo-coverage-title",
            &[
                ("from", format::date(q.period.from)),
                ("to", format::date(q.period.to)),
                ("days", format::integer(q.stale_days)),
            ]
        )
    )
    .context("stdout")?;
    writeln!(out, "{}", ctx.say("geo-coverage-header", &[])).context("stdout")?;
    for (_, c) in &o.markers {
        let last = c.last_visit.map(format::date).unwrap_or_else(|| "—".into());
        let flag = if c.unvisited {
            ctx.say("geo-unvisited", &[])
        } else {
            String::new()
        };
        let doubts: Vec<String> = c
            .disagreements
            .iter()
            .map(|(id, e)| {
                format!(
                    "{} {id}",
                    ctx.say(&format!("geo-evidence-{}", e.as_str()), &[])
                )
            })
            .collect();
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            c.post,
            c.number,
            format::integer(c.visits as i64),
            format::integer(c.listed as i64),
            format::integer(c.by_track as i64),
            last,
            flag,
            doubts.join("; ")
        )
        .context("stdout")?;
    }
    Ok(())
}

async fn export(ctx: &Context, args: GeoExportArgs, out: &mut impl Write) -> Result<()> {
    let fmt = Format::parse(&args.format).map_err(|p| ValidationError::new("format", p))?;
    let q = query(&args.period, args.unit.as_deref())?;
    let service = ctx.service().await?;
    let o = service.geo_overview(&q, ctx.actor().now_ms).await?;
    let (lines, points, areas) = o.features();
    let text = export::write(fmt, &lines, &points, &areas);
    emit(out, text.as_bytes(), args.output.as_deref(), false)
}
