//! Places and patrol tracks: a GPX attached to a patrol (the file is an
//! attachment; what it measures is kept beside it by its hash), the
//! coordinates of markers and posts imported from files, and the coverage
//! of markers by patrols that the map, the reports and the dashboard show.

mod import;

pub use import::{PlacesFile, PlacesImported, PlacesReport};

use crate::accounts::Principal;
use crate::{Actor, Result, Service, ServiceError};
use bienphong_domain::attachment::{self, Attachment};
use bienphong_domain::geo::coverage::{self, MarkerCoverage, PatrolVisit};
use bienphong_domain::geo::export::{AreaFeature, LineFeature, PointFeature};
use bienphong_domain::geo::track::{self, Means, TrackFacts};
use bienphong_domain::geo::{GeoPoint, gpx};
use bienphong_domain::org::{Code, LinkKind, Marker, Org, UnitKind};
use bienphong_domain::scope::Scope;
use bienphong_domain::{
    Content, Date, Period, Problem, RecordId, RecordType, Revision, RevisionId, ValidationError,
};
use bienphong_store::{
    AccountStore, BlobStore, ListFilter, NewBlob, Store, StoreError, TrackStore, Write,
};
use std::collections::{HashMap, HashSet};

/// A GPX file to attach to a patrol.
#[derive(Clone, Debug)]
pub struct TrackUpload {
    pub name: String,
    pub bytes: Vec<u8>,
    pub means: Means,
    /// The user confirmed a speed implausible for `means`.
    pub confirmed: bool,
    pub max_bytes: u64,
    /// The link record's id and revision id, for data that must be the
    /// same on every build (the demo); `None`: new ones.
    pub ids: Option<(RecordId, RevisionId)>,
}

/// A track as the map and the patrol's page show it.
#[derive(Clone, Debug)]
pub struct TrackView {
    pub patrol: RecordId,
    pub attachment: Attachment,
    pub facts: TrackFacts,
    /// Simplified for display; the stored file is unchanged.
    pub line: Vec<Vec<GeoPoint>>,
}

/// A patrol's track on the map, with the patrol it belongs to.
#[derive(Clone, Debug)]
pub struct PatrolTrack {
    pub date: Date,
    pub lead_unit: Code,
    pub track: TrackView,
}

/// A post or station on the map.
#[derive(Clone, Debug)]
pub struct PostPlace {
    pub code: Code,
    pub name: String,
    pub kind: UnitKind,
    pub at: GeoPoint,
}

/// A unit's area and border line on the map.
#[derive(Clone, Debug)]
pub struct UnitShapes {
    pub code: Code,
    pub name: String,
    pub kind: UnitKind,
    pub area: Vec<bienphong_domain::geo::shapes::Polygon>,
    pub border: Vec<Vec<GeoPoint>>,
}

/// Everything the map shows for a scope and period.
#[derive(Clone, Debug)]
pub struct GeoOverview {
    pub period: Period,
    pub stale_days: i64,
    pub tolerance_m: f64,
    pub posts: Vec<PostPlace>,
    /// The markers of the scope (located or not), with their coverage.
    pub markers: Vec<(Marker, MarkerCoverage)>,
    pub tracks: Vec<PatrolTrack>,
    /// The areas and border lines of the scope's units.
    pub shapes: Vec<UnitShapes>,
}

/// What the map asks for.
#[derive(Clone, Debug)]
pub struct GeoQuery {
    /// The unit whose area is shown (`None`: the whole store).
    pub root: Option<Code>,
    pub period: Period,
    /// Markers not visited in this many days up to the period's end are
    /// flagged.
    pub stale_days: i64,
    pub tolerance_m: f64,
    /// Only the tracks of patrols led by this unit.
    pub lead_unit: Option<Code>,
}

/// Reads and checks a GPX file and measures it; a speed implausible for
/// `means` is refused unless `confirmed`.
pub fn read_track(
    bytes: &[u8],
    means: Means,
    confirmed: bool,
) -> Result<(TrackFacts, Vec<Vec<GeoPoint>>)> {
    let g = gpx::parse(bytes).map_err(|p| ValidationError::new("file", p))?;
    track::check(&g)?;
    let facts = track::measure(&g);
    if !confirmed {
        track::check_speed(&facts, means)?;
    }
    Ok((facts, track::display_lines(&g, track::DISPLAY_TOLERANCE_M)))
}

fn stored(
    hash: &str,
    facts: &TrackFacts,
    line: &[Vec<GeoPoint>],
) -> Result<bienphong_store::TrackFacts> {
    let json = |e: serde_json::Error| ServiceError::Internal(e.to_string());
    Ok(bienphong_store::TrackFacts {
        hash: hash.to_string(),
        facts: serde_json::to_string(facts).map_err(json)?,
        line: serde_json::to_string(line).map_err(json)?,
    })
}

impl<S: Store + BlobStore + TrackStore> Service<S> {
    /// Attaches a track to a patrol as `author`; `None` for the revision
    /// when the patrol had the same file already.
    async fn attach_track_by(
        &self,
        author: &str,
        now_ms: i64,
        patrol: RecordId,
        up: TrackUpload,
    ) -> Result<(TrackView, Option<Revision>)> {
        let r = self.get(patrol).await?;
        if r.record_type != RecordType::Patrol {
            return Err(StoreError::WrongType {
                record: patrol,
                expected: RecordType::Patrol,
                actual: r.record_type,
            }
            .into());
        }
        if up.bytes.len() as u64 > up.max_bytes {
            return Err(crate::attachments::too_large(up.max_bytes));
        }
        let (facts, line) = read_track(&up.bytes, up.means, up.confirmed)?;
        let (a, existing) = self
            .link_for(patrol, &up.name, &up.bytes, up.max_bytes)
            .await?;
        if a.content_type != attachment::GPX {
            return Err(ValidationError::new(
                "file",
                Problem::GpxMalformed(format!("the file is {}", a.content_type)),
            )
            .into());
        }
        let row = stored(&a.hash, &facts, &line)?;
        let view = TrackView {
            patrol,
            attachment: a.clone(),
            facts,
            line,
        };
        if existing.is_some() {
            self.store().put_track_facts(&row, now_ms).await?;
            return Ok((view, None));
        }
        let (record_id, revision_id) = match up.ids {
            Some((r, v)) => (r, Some(v)),
            None => (RecordId::new(), None),
        };
        let writes = vec![Write {
            record_id,
            record_type: RecordType::Attachment,
            content: Some(Content::Attachment(a.clone())),
            parent: None,
            resolves: Vec::new(),
            author: author.to_string(),
            created_ms: now_ms,
            revision_id,
        }];
        self.node_rule(&writes).await?;
        let blob = NewBlob {
            content_type: a.content_type.clone(),
            bytes: up.bytes,
        };
        let rev = crate::only_revision(
            self.store()
                .commit_with_track(writes, blob, row, now_ms)
                .await?,
        )?;
        Ok((view, Some(rev)))
    }

    /// Attaches a track from this installation (the CLI).
    pub async fn attach_track(
        &self,
        actor: &Actor,
        patrol: RecordId,
        up: TrackUpload,
    ) -> Result<(TrackView, Option<Revision>)> {
        self.attach_track_by(&actor.name, actor.now_ms, patrol, up)
            .await
    }

    /// The facts of the track files `hashes`, computed from the bytes (and
    /// kept) where a file came without them; a file this store does not
    /// hold is left out.
    pub async fn track_facts(
        &self,
        hashes: &[String],
        now_ms: i64,
    ) -> Result<HashMap<String, (TrackFacts, Vec<Vec<GeoPoint>>)>> {
        let kept = self.store().track_facts(hashes).await?;
        let mut out = HashMap::with_capacity(hashes.len());
        let bad = |e: serde_json::Error| ServiceError::Internal(format!("track facts: {e}"));
        for h in hashes {
            if let Some(t) = kept.get(h) {
                let facts: TrackFacts = serde_json::from_str(&t.facts).map_err(bad)?;
                let line: Vec<Vec<GeoPoint>> = serde_json::from_str(&t.line).map_err(bad)?;
                out.insert(h.clone(), (facts, line));
                continue;
            }
            let Some((_, bytes)) = self.store().blob(h).await? else {
                continue;
            };
            // Kept once already: its speed was confirmed then.
            let Ok((facts, line)) = read_track(&bytes, Means::Boat, true) else {
                continue;
            };
            self.store()
                .put_track_facts(&stored(h, &facts, &line)?, now_ms)
                .await?;
            out.insert(h.clone(), (facts, line));
        }
        Ok(out)
    }

    /// The tracks of a patrol, oldest first.
    pub async fn tracks_of(&self, patrol: RecordId, now_ms: i64) -> Result<Vec<TrackView>> {
        let files: Vec<Attachment> = self
            .attachments_of(patrol)
            .await?
            .into_iter()
            .map(|v| v.attachment)
            .filter(|a| a.content_type == attachment::GPX)
            .collect();
        let hashes: Vec<String> = files.iter().map(|a| a.hash.clone()).collect();
        let mut facts = self.track_facts(&hashes, now_ms).await?;
        Ok(files
            .into_iter()
            .filter_map(|a| {
                let (f, line) = facts.remove(&a.hash)?;
                Some(TrackView {
                    patrol,
                    attachment: a,
                    facts: f,
                    line,
                })
            })
            .collect())
    }

    /// Posts, markers with their coverage, and patrol tracks of a scope
    /// and period: one use case for the map, the reports and the API.
    pub async fn geo_overview(&self, q: &GeoQuery, now_ms: i64) -> Result<GeoOverview> {
        let org = self.org_shared().await?;
        let look_back = q
            .period
            .to
            .checked_sub(jiff::Span::new().days(q.stale_days.max(0)));
        let from = look_back.map_or(q.period.from, |d| d.min(q.period.from));
        let wide = Period::new(from, q.period.to).unwrap_or(q.period);
        let scope = q.root.as_ref().map(|root| Scope::of(&org, root, &wide));
        let in_scope = |unit: &Code| scope.as_ref().is_none_or(|s| s.units().any(|u| u == unit));
        let patrols = self
            .list(ListFilter {
                record_type: Some(RecordType::Patrol),
                period: Some(wide),
                units: scope.clone(),
                ..Default::default()
            })
            .await?;
        let mut visits = Vec::with_capacity(patrols.len());
        for r in &patrols {
            if let Content::Patrol(p) = Content::from_json(r.record_type, &r.content)? {
                visits.push(PatrolVisit {
                    patrol: r.record_id,
                    date: p.date,
                    lead_unit: p.lead_unit,
                    listed: p.markers,
                    passed: None,
                });
            }
        }
        // The track files of these patrols.
        let ids: HashSet<RecordId> = visits.iter().map(|v| v.patrol).collect();
        let links = self
            .list(ListFilter {
                record_type: Some(RecordType::Attachment),
                ..Default::default()
            })
            .await?;
        let mut files: Vec<Attachment> = Vec::new();
        for l in &links {
            if let Content::Attachment(a) = Content::from_json(l.record_type, &l.content)?
                && a.content_type == attachment::GPX
                && ids.contains(&a.record)
            {
                files.push(a);
            }
        }
        let hashes: Vec<String> = files.iter().map(|a| a.hash.clone()).collect();
        let facts = self.track_facts(&hashes, now_ms).await?;
        let markers: Vec<Marker> = org
            .markers
            .values()
            .filter(|m| in_scope(&m.post))
            .cloned()
            .collect();
        let located: Vec<((Code, Code), GeoPoint)> = markers
            .iter()
            .filter_map(|m| {
                m.location
                    .map(|at| ((m.post.clone(), m.number.clone()), at))
            })
            .collect();
        // Each patrol's files, found once (not a scan of every file for
        // every patrol: a province-year has 10⁵ patrols and 10⁴ tracks).
        let mut by_patrol: HashMap<RecordId, Vec<&Attachment>> = HashMap::new();
        for a in &files {
            by_patrol.entry(a.record).or_default().push(a);
        }
        let mut tracks = Vec::new();
        for v in &mut visits {
            let Some(mine) = by_patrol.remove(&v.patrol) else {
                continue;
            };
            let mut lines = Vec::new();
            for a in mine {
                let Some((f, line)) = facts.get(&a.hash) else {
                    continue;
                };
                lines.extend(line.iter().cloned());
                if v.date >= q.period.from && q.lead_unit.as_ref().is_none_or(|u| *u == v.lead_unit)
                {
                    tracks.push(PatrolTrack {
                        date: v.date,
                        lead_unit: v.lead_unit.clone(),
                        track: TrackView {
                            patrol: v.patrol,
                            attachment: a.clone(),
                            facts: f.clone(),
                            line: line.clone(),
                        },
                    });
                }
            }
            v.passed = Some(
                track::markers_passed(&lines, &located, q.tolerance_m)
                    .into_iter()
                    .map(|(k, _)| k)
                    .collect(),
            );
        }
        tracks.sort_by_key(|t| (t.date, t.track.patrol));
        let rows = coverage::coverage(&markers, &visits, q.period.from, q.period.to, q.stale_days);
        let by_key: HashMap<(Code, Code), Marker> = markers
            .into_iter()
            .map(|m| ((m.post.clone(), m.number.clone()), m))
            .collect();
        let markers = rows
            .into_iter()
            .filter_map(|row| {
                let m = by_key.get(&(row.post.clone(), row.number.clone()))?.clone();
                Some((m, row))
            })
            .collect();
        Ok(GeoOverview {
            period: q.period,
            stale_days: q.stale_days,
            tolerance_m: q.tolerance_m,
            posts: posts_of(&org, &in_scope),
            shapes: shapes_of(&org, &in_scope),
            markers,
            tracks,
        })
    }
}

/// The areas and border lines of the units in scope and of the communes
/// their posts are responsible for (a post's scope holds its command
/// chain, but its map shows the communes it coordinates with).
fn shapes_of(org: &Org, in_scope: &dyn Fn(&Code) -> bool) -> Vec<UnitShapes> {
    let coordinated = |code: &Code| {
        org.links
            .iter()
            .any(|l| l.kind == LinkKind::Coordination && l.to == *code && in_scope(&l.from))
    };
    let mut out: Vec<UnitShapes> = org
        .units
        .values()
        .filter(|u| !(u.area.is_empty() && u.border.is_empty()))
        .filter(|u| in_scope(&u.code) || coordinated(&u.code))
        .map(|u| UnitShapes {
            code: u.code.clone(),
            name: u.name.to_string(),
            kind: u.kind,
            area: u.area.clone(),
            border: u.border.clone(),
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

fn posts_of(org: &Org, in_scope: &dyn Fn(&Code) -> bool) -> Vec<PostPlace> {
    let mut out: Vec<PostPlace> = org
        .units
        .values()
        .filter(|u| matches!(u.kind, UnitKind::BorderPost | UnitKind::Station))
        .filter(|u| in_scope(&u.code))
        .filter_map(|u| {
            Some(PostPlace {
                code: u.code.clone(),
                name: u.name.to_string(),
                kind: u.kind,
                at: u.location?,
            })
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

impl<S: Store + AccountStore + BlobStore + TrackStore> Service<S> {
    /// Attaches a track as `who`, who must be allowed to change the patrol.
    pub async fn attach_track_as(
        &self,
        who: &Principal,
        now_ms: i64,
        patrol: RecordId,
        up: TrackUpload,
    ) -> Result<(TrackView, Option<Revision>)> {
        self.read_as(who, now_ms, patrol).await?;
        // The link the file would get, for judging who may write it.
        let link = Attachment {
            record: patrol,
            name: attachment::file_name(&up.name),
            hash: bienphong_store::sha256_hex(&up.bytes),
            content_type: attachment::GPX.to_string(),
            size: up.bytes.len() as u64,
        };
        self.authorise_write(
            who,
            now_ms,
            "attach",
            Some(patrol),
            &Content::Attachment(link),
        )
        .await?;
        let out = self.attach_track_by(&who.name, now_ms, patrol, up).await?;
        if let Some(rev) = &out.1 {
            self.audit_record(
                who,
                now_ms,
                "attach",
                true,
                RecordType::Attachment,
                Some(rev.record_id),
                None,
                format!("track {} on {patrol}", out.0.attachment.hash),
            )
            .await?;
        }
        Ok(out)
    }
}

impl GeoOverview {
    /// The markers (located ones), posts, tracks, border lines and areas
    /// as features to export.
    pub fn features(&self) -> (Vec<LineFeature>, Vec<PointFeature>, Vec<AreaFeature>) {
        let points = self
            .markers
            .iter()
            .filter_map(|(m, c)| {
                Some(PointFeature {
                    name: m.number.to_string(),
                    id: format!("{}/{}", m.post, m.number),
                    at: m.location?,
                    properties: vec![
                        ("type".into(), "marker".into()),
                        ("number".into(), m.number.to_string()),
                        ("post".into(), m.post.to_string()),
                        ("visits".into(), c.visits.to_string()),
                        ("unvisited".into(), c.unvisited.to_string()),
                    ]
                    .into_iter()
                    // So an exported file imported again keeps the commune.
                    .chain(
                        m.commune
                            .as_ref()
                            .map(|c| ("commune".into(), c.to_string())),
                    )
                    .collect(),
                })
            })
            .chain(self.posts.iter().map(|p| PointFeature {
                name: p.name.clone(),
                id: p.code.to_string(),
                at: p.at,
                properties: vec![
                    ("type".into(), "post".into()),
                    ("code".into(), p.code.to_string()),
                ],
            }))
            .collect();
        let lines = self
            .tracks
            .iter()
            .map(|t| LineFeature {
                name: format!("{} {}", bienphong_domain::format::date(t.date), t.lead_unit),
                id: t.track.patrol.to_string(),
                segments: t.track.line.clone(),
            })
            .chain(
                self.shapes
                    .iter()
                    .filter(|s| !s.border.is_empty())
                    .map(|s| LineFeature {
                        name: s.name.clone(),
                        id: s.code.to_string(),
                        segments: s.border.clone(),
                    }),
            )
            .collect();
        let areas = self
            .shapes
            .iter()
            .filter(|s| !s.area.is_empty())
            .map(|s| AreaFeature {
                name: s.name.clone(),
                id: s.code.to_string(),
                polygons: s.area.clone(),
            })
            .collect();
        (lines, points, areas)
    }
}

/// One marker's coverage as the API and `geo coverage --json` give it.
pub fn coverage_json(m: &Marker, c: &MarkerCoverage) -> serde_json::Value {
    serde_json::json!({
        "post": m.post,
        "number": m.number,
        "kind": m.kind,
        "location": m.location,
        "visits": c.visits,
        "listed": c.listed,
        "by_track": c.by_track,
        "last_visit": c.last_visit.map(|d| d.to_string()),
        "days_since": c.days_since,
        "unvisited": c.unvisited,
        "patrols": c.patrols.iter().map(|(id, e)| serde_json::json!({"id": id.to_string(), "evidence": e.as_str()})).collect::<Vec<_>>(),
        "disagreements": c.disagreements.iter().map(|(id, e)| serde_json::json!({"id": id.to_string(), "evidence": e.as_str()})).collect::<Vec<_>>(),
    })
}
