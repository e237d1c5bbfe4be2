//! The one font charts are measured and drawn with, built into the binary:
//! labels come out the same on every machine, whatever fonts it has.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};
use std::sync::LazyLock;

/// DejaVu Sans 2.37, with its licence beside it in `assets/`; it covers
/// every Vietnamese letter.
pub(super) const DATA: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
pub(super) const FAMILY: &str = "DejaVu Sans";

static FACE: LazyLock<Option<FontRef<'static>>> = LazyLock::new(|| FontRef::new(DATA).ok());

/// The advance width of `text` at `size` px. Kerning is left out, which errs
/// on the wide side: labels measured so still fit when drawn.
pub(super) fn width(text: &str, size: f64) -> f64 {
    let Some(face) = FACE.as_ref() else {
        // Never for the font built in; a rough average keeps layout sane.
        return text.chars().count() as f64 * size * 0.62;
    };
    // Measured at one em and scaled: f32 is exact enough for layout.
    let charmap = face.charmap();
    let metrics = face.glyph_metrics(Size::new(1.0), LocationRef::default());
    let ems: f64 = text
        .chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .map_or(0.6, f64::from)
        })
        .sum();
    ems * size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_is_built_in_and_has_the_vietnamese_letters() {
        let face = FACE.as_ref().expect("the vendored font parses");
        let charmap = face.charmap();
        for c in "ĐđƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặỆệỌọỘộỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ".chars()
        {
            assert!(charmap.map(c).is_some(), "{c}");
        }
        assert!(width("Tháng 12", 13.0) > width("Tháng 1", 13.0));
    }
}
