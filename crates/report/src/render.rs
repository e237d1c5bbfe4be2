//! Renderers. Markdown's sentences come from [`crate::narrative`]; JSON is
//! deterministic (sorted keys, decimals as strings).

use crate::annual::AnnualReview;
use crate::{ReportError, Result};

/// The same records always give the same bytes.
pub fn to_json(review: &AnnualReview) -> Result<String> {
    json(review)
}

/// Deterministic JSON of any report: sorted keys, decimals as strings.
pub(crate) fn json<T: serde::Serialize>(report: &T) -> Result<String> {
    // Going through `Value` sorts every object's keys.
    let value = serde_json::to_value(report).map_err(|e| ReportError::Render(e.to_string()))?;
    let mut text =
        serde_json::to_string_pretty(&value).map_err(|e| ReportError::Render(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn to_markdown(review: &AnnualReview) -> Result<String> {
    to_markdown_in(review, bienphong_i18n::Lang::Vi)
}

/// The annual review as Markdown in `lang` (English for foreign partners).
pub fn to_markdown_in(review: &AnnualReview, lang: bienphong_i18n::Lang) -> Result<String> {
    crate::narrative::annual(review, lang)
}
