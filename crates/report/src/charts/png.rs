//! The chart's SVG drawn into pixels by resvg, with the built-in font only.

use super::font;
use crate::{ReportError, Result};
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;
use std::sync::{Arc, LazyLock};

/// Pixels per SVG pixel: about 190 dpi across the width of an A4 page,
/// sharp in print without making documents heavy.
const SCALE: f32 = 2.0;

/// A PNG image and its size in pixels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The built-in font and nothing else: system fonts are never looked at,
/// so a chart comes out the same everywhere.
static FONTS: LazyLock<Arc<usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    db.load_font_data(font::DATA.to_vec());
    db.set_sans_serif_family(font::FAMILY);
    Arc::new(db)
});

fn failed(e: impl std::fmt::Display) -> ReportError {
    ReportError::Render(format!("chart: {e}"))
}

pub(super) fn rasterise(svg: &str) -> Result<Png> {
    let options = usvg::Options {
        fontdb: FONTS.clone(),
        font_family: font::FAMILY.to_string(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(failed)?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or_else(|| failed("empty"))?;
    let mut pixmap = Pixmap::new(size.width(), size.height()).ok_or_else(|| failed("too large"))?;
    resvg::render(
        &tree,
        Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    Ok(Png {
        bytes: pixmap.encode_png().map_err(failed)?,
        width: size.width(),
        height: size.height(),
    })
}
