//! Places, areas and border lines imported from a file (`geo places`,
//! `POST /api/v1/map/places`, the map page's upload form): every row
//! checked first (known place or unit, a marker's commune a commune, well
//! formed, inside the area of the province's places), then all
//! written in one transaction as new revisions of the markers and units.

use crate::{Actor, Principal, Result, Service};
use bienphong_domain::geo::GeoPoint;
use bienphong_domain::geo::places::{self, Place, PlaceRow};
use bienphong_domain::geo::shapes::{self, Polygon, Shape, ShapeRow, UnitKey};
use bienphong_domain::org::{Code, Org};
use bienphong_domain::{Content, Problem, RecordType, ValidationError};
use bienphong_store::{AccountStore, ListFilter, Store, Write};
use std::collections::HashMap;

/// What a places file gives, read by its kind: CSV of points, or GeoJSON
/// of points, areas and lines.
#[derive(Clone, Debug, Default)]
pub struct PlacesFile {
    pub points: Vec<PlaceRow>,
    pub shapes: Vec<ShapeRow>,
}

impl PlacesFile {
    /// Reads `bytes` as GeoJSON when they look like JSON (or `name` ends in
    /// `.geojson`/`.json`), else as CSV.
    pub fn read(name: &str, bytes: &[u8]) -> std::result::Result<Self, ValidationError> {
        let lower = name.to_ascii_lowercase();
        let json = lower.ends_with(".geojson")
            || lower.ends_with(".json")
            || bytes
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'{');
        if json {
            Ok(Self {
                points: places::read_geojson(bytes)?,
                shapes: shapes::read_geojson(bytes)?,
            })
        } else {
            Ok(Self {
                points: places::read_csv(bytes)?,
                shapes: Vec::new(),
            })
        }
    }
}

/// How many records an import changed, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlacesImported {
    pub records: usize,
    pub areas: usize,
    pub borders: usize,
}

/// The areas and border lines a file gives each unit.
#[derive(Default)]
struct UnitShapes {
    area: Option<Vec<Polygon>>,
    border: Option<Vec<Vec<GeoPoint>>>,
}

fn unit_of(org: &Org, r: &ShapeRow) -> std::result::Result<Code, ValidationError> {
    let found = match &r.unit {
        UnitKey::Code(c) => org.unit(c),
        UnitKey::AdminCode(c) => org.unit_by_admin_code(c, None),
    };
    let name = match &r.unit {
        UnitKey::Code(c) | UnitKey::AdminCode(c) => c.to_string(),
    };
    found
        .map(|u| u.code.clone())
        .ok_or_else(|| ValidationError::new(r.field(), Problem::UnknownUnit(name)))
}

/// What a places file held and what its import changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlacesReport {
    pub points: usize,
    pub shapes: usize,
    pub imported: PlacesImported,
}

impl<S: Store + AccountStore> Service<S> {
    /// A places file sent by `who` (the API's body, the map page's upload):
    /// read, checked and written as [`Service::import_places`] does, and
    /// audited whether written or refused (`places.import`).
    pub async fn import_places_file(
        &self,
        who: &Principal,
        now_ms: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<PlacesReport> {
        let actor = Actor {
            name: who.name.clone(),
            now_ms,
        };
        let outcome = match PlacesFile::read(name, bytes) {
            Ok(file) => self
                .import_places(&actor, &file)
                .await
                .map(|imported| PlacesReport {
                    points: file.points.len(),
                    shapes: file.shapes.len(),
                    imported,
                }),
            Err(e) => Err(e.into()),
        };
        let detail = match &outcome {
            Ok(r) => format!(
                "{name}: {} rows, {} records, {} areas, {} border lines",
                r.points + r.shapes,
                r.imported.records,
                r.imported.areas,
                r.imported.borders
            ),
            Err(e) => format!("{name}: {e}"),
        };
        self.audit_event(
            who,
            now_ms,
            "places.import",
            outcome.is_ok(),
            None,
            None,
            detail,
        )
        .await?;
        outcome
    }
}

impl<S: Store> Service<S> {
    /// Sets the coordinates of markers and posts, and the areas and border
    /// lines of units, from a file: all checked, then all written in one
    /// transaction, or nothing.
    pub async fn import_places(&self, actor: &Actor, file: &PlacesFile) -> Result<PlacesImported> {
        let org = self.org_shared().await?;
        let area = places::area_of(&org);
        places::check_area(&file.points, &area)?;
        // Where each place goes, and for a marker the commune it stands in.
        let mut wanted: HashMap<(Option<Code>, Code), (GeoPoint, Option<Code>)> = HashMap::new();
        for r in &file.points {
            let key = match &r.place {
                Place::Marker { post, number } => {
                    if !org.markers.contains_key(&(post.clone(), number.clone())) {
                        return Err(ValidationError::new(
                            format!("row {}", r.row),
                            Problem::UnknownMarker {
                                number: number.to_string(),
                                post: post.to_string(),
                            },
                        )
                        .into());
                    }
                    (Some(post.clone()), number.clone())
                }
                Place::Unit(code) => {
                    if org.unit(code).is_none() {
                        return Err(ValidationError::new(
                            format!("row {}", r.row),
                            Problem::UnknownUnit(code.to_string()),
                        )
                        .into());
                    }
                    (None, code.clone())
                }
            };
            let commune = r
                .commune
                .as_ref()
                .map(|c| places::commune_of(&org, r.row, c))
                .transpose()?;
            wanted.insert(key, (r.at, commune));
        }
        let mut shaped: HashMap<Code, UnitShapes> = HashMap::new();
        for r in &file.shapes {
            let code = unit_of(&org, r)?;
            shapes::check_shape(&r.field(), &r.shape)?;
            shapes::check_inside(&r.field(), r.points(), &area)?;
            let s = shaped.entry(code).or_default();
            match &r.shape {
                Shape::Area(p) => s
                    .area
                    .get_or_insert_with(Vec::new)
                    .extend(p.iter().cloned()),
                Shape::Border(l) => s
                    .border
                    .get_or_insert_with(Vec::new)
                    .extend(l.iter().cloned()),
            }
        }
        let mut out = PlacesImported::default();
        let mut writes = Vec::new();
        for t in [RecordType::Marker, RecordType::Unit] {
            for rec in self
                .list(ListFilter {
                    record_type: Some(t),
                    ..Default::default()
                })
                .await?
            {
                let changed = match Content::from_json(rec.record_type, &rec.content)? {
                    Content::Marker(mut m) => {
                        let before = m.clone();
                        if let Some((at, commune)) =
                            wanted.get(&(Some(m.post.clone()), m.number.clone()))
                        {
                            m.location = Some(*at);
                            if commune.is_some() {
                                m.commune.clone_from(commune);
                            }
                        }
                        (m != before).then_some(Content::Marker(m))
                    }
                    Content::Unit(mut u) => {
                        let before = u.clone();
                        if let Some((at, _)) = wanted.get(&(None, u.code.clone())) {
                            u.location = Some(*at);
                        }
                        if let Some(s) = shaped.get(&u.code) {
                            if let Some(a) = &s.area
                                && *a != u.area
                            {
                                u.area = a.clone();
                                out.areas += 1;
                            }
                            if let Some(b) = &s.border
                                && *b != u.border
                            {
                                u.border = b.clone();
                                out.borders += 1;
                            }
                        }
                        (u != before).then_some(Content::Unit(u))
                    }
                    _ => None,
                };
                if let Some(c) = changed {
                    writes.push(Write {
                        record_id: rec.record_id,
                        record_type: rec.record_type,
                        content: Some(c),
                        parent: Some(rec.revision_id),
                        resolves: Vec::new(),
                        author: actor.name.clone(),
                        created_ms: actor.now_ms,
                        revision_id: None,
                    });
                }
            }
        }
        out.records = writes.len();
        if !writes.is_empty() {
            self.commit(writes).await?;
        }
        Ok(out)
    }
}
