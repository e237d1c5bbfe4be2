//! An offline raster basemap the user supplies as an MBTiles file (a
//! SQLite database of tiles), read only, for the map page: no tile server,
//! no network.

use crate::{Result, StoreError};
use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use std::path::Path;

/// An opened MBTiles file.
#[derive(Clone, Debug)]
pub struct Basemap {
    pool: SqlitePool,
    /// `image/png` or `image/jpeg`, from the file's metadata.
    pub content_type: &'static str,
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub name: String,
}

impl Basemap {
    /// Opens `path` read only; refuses a file that is not MBTiles.
    pub async fn open(path: &Path) -> Result<Self> {
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
            pool,
            content_type,
            min_zoom: zoom("minzoom", 0),
            max_zoom: zoom("maxzoom", 18),
            name: meta("name").unwrap_or_default(),
        })
    }

    /// The tile at zoom `z`, column `x`, row `y` counted from the top (as
    /// the map asks; MBTiles counts rows from the bottom).
    pub async fn tile(&self, z: u8, x: u32, y: u32) -> Result<Option<Vec<u8>>> {
        if z > 30 {
            return Ok(None);
        }
        let rows = 1u64 << z;
        if u64::from(x) >= rows || u64::from(y) >= rows {
            return Ok(None);
        }
        let tms_y = rows - 1 - u64::from(y);
        let tile: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
        )
        .bind(i64::from(z))
        .bind(i64::from(x))
        .bind(i64::try_from(tms_y).unwrap_or(i64::MAX))
        .fetch_optional(&self.pool)
        .await?;
        Ok(tile)
    }
}
