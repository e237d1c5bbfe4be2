//! An offline raster basemap the user supplies as an MBTiles file (a
//! SQLite database of tiles) or a PMTiles v3 archive (one file of tiles
//! and directories), read only, for the map page: no tile server, no
//! network.

mod pmtiles;

use crate::{Result, StoreError};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::path::Path;
use std::sync::Arc;

pub use pmtiles::tile_id as pmtiles_tile_id;

/// Where the tiles are read from.
#[derive(Clone, Debug)]
enum Source {
    MbTiles(SqlitePool),
    PmTiles(Arc<pmtiles::PmTiles>),
}

/// An opened basemap.
#[derive(Clone, Debug)]
pub struct Basemap {
    source: Source,
    /// `image/png`, `image/jpeg` or (PMTiles) `image/webp`.
    pub content_type: &'static str,
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub name: String,
}

impl Basemap {
    /// Opens `path` read only, as PMTiles when it starts with that
    /// signature, else as MBTiles; refuses a file that is neither, or whose
    /// tiles are not raster images.
    pub async fn open(path: &Path) -> Result<Self> {
        let mut head = [0u8; 7];
        let is_pmtiles = std::fs::File::open(path)
            .and_then(|f| std::os::unix::fs::FileExt::read_exact_at(&f, &mut head, 0))
            .is_ok()
            && &head == b"PMTiles";
        if is_pmtiles
            || path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pmtiles"))
        {
            let owned = path.to_path_buf();
            let p = tokio::task::spawn_blocking(move || pmtiles::PmTiles::open(&owned))
                .await
                .map_err(|e| StoreError::Corrupt(e.to_string()))??;
            return Ok(Self {
                content_type: p.content_type,
                min_zoom: p.min_zoom,
                max_zoom: p.max_zoom,
                name: path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                source: Source::PmTiles(Arc::new(p)),
            });
        }
        Self::open_mbtiles(path).await
    }

    async fn open_mbtiles(path: &Path) -> Result<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .immutable(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(opts)
            .await?;
        let rows = sqlx::query("SELECT name, value FROM metadata")
            .fetch_all(&pool)
            .await
            .map_err(|e| StoreError::Corrupt(format!("not an MBTiles file: {e}")))?;
        let meta = |key: &str| {
            rows.iter()
                .find(|r| r.try_get::<String, _>(0).is_ok_and(|k| k == key))
                .and_then(|r| r.try_get::<String, _>(1).ok())
        };
        let content_type = match meta("format").as_deref() {
            Some("jpg" | "jpeg") => "image/jpeg",
            Some("png") | None => "image/png",
            Some(other) => {
                return Err(StoreError::Corrupt(format!(
                    "MBTiles of {other} tiles: only raster png or jpg tiles are drawn"
                )));
            }
        };
        let zoom = |key: &str, default: u8| {
            meta(key)
                .and_then(|v| v.trim().parse::<u8>().ok())
                .unwrap_or(default)
        };
        Ok(Self {
            source: Source::MbTiles(pool),
            content_type,
            min_zoom: zoom("minzoom", 0),
            max_zoom: zoom("maxzoom", 18),
            name: meta("name").unwrap_or_default(),
        })
    }

    /// The tile at zoom `z`, column `x`, row `y` counted from the top (as
    /// the map asks and PMTiles counts; MBTiles counts rows from the
    /// bottom).
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>> {
        if z > 30 {
            return Ok(None);
        }
        let rows = 1u64 << z;
        if u64::from(x) >= rows || u64::from(y) >= rows {
            return Ok(None);
        }
        let pool = match &self.source {
            Source::MbTiles(pool) => pool,
            Source::PmTiles(p) => {
                let p = p.clone();
                return tokio::task::spawn_blocking(move || p.tile(z, x, y))
                    .await
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            }
        };
        let tms_y = rows - 1 - u64::from(y);
        let tile: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
        )
        .bind(i64::from(z))
        .bind(i64::from(x))
        .bind(i64::try_from(tms_y).unwrap_or(i64::MAX))
        .fetch_optional(pool)
        .await?;
        Ok(tile)
    }
}
