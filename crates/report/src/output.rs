//! One report, every format. The CLI, the report pages and the API hold a
//! [`Report`] (the annual review or the summary of a period) and call
//! [`Report::render`]: one dispatch per format, so the same inputs give the
//! same bytes on every edge.

use crate::annual::AnnualReview;
use crate::charts::Charts;
use crate::letterhead::Letterhead;
use crate::summary::Summary;
use crate::{ReportError, Result};
use bienphong_domain::org::Code;
use bienphong_domain::{Period, Problem, ValidationError, format};
use bienphong_service::Service;
use bienphong_store::Store;
use std::str::FromStr;

/// A report as computed from the records, before it is written out.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    Annual(Box<AnnualReview>),
    Summary(Box<Summary>),
}

/// The formats a report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Markdown,
    Json,
    /// The report's tables, one sheet each.
    Xlsx,
    /// The report's tables one after another, UTF-8 with a byte-order mark.
    Csv,
    /// An official document (Decree 30/2020), charts in an appendix.
    Docx,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Json,
        Format::Xlsx,
        Format::Csv,
        Format::Docx,
    ];

    /// The name a request or a flag gives: "md", "json", "xlsx", "csv", "docx".
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Docx => "docx",
        }
    }

    /// The file extension of a download; the same as the name.
    pub fn extension(self) -> &'static str {
        self.name()
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Json => "application/json",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// Not text: a terminal is no place for it.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Docx)
    }

    /// Rendering takes long enough (charts drawn to PNG, a zip written) that
    /// a server runs it off the threads that answer requests.
    pub fn is_heavy(self) -> bool {
        matches!(self, Format::Xlsx | Format::Docx)
    }
}

impl FromStr for Format {
    type Err = ValidationError;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "format",
                    Problem::UnknownValue {
                        value: s.to_string(),
                        expected: Format::ALL.map(Format::name).join(", "),
                    },
                )
            })
    }
}

/// What a DOCX needs beyond the figures: its letterhead and its charts.
#[derive(Clone, Debug)]
pub struct DocxParts {
    pub letterhead: Letterhead,
    pub charts: Charts,
}

impl Report {
    pub fn period(&self) -> Period {
        match self {
            Report::Annual(a) => a.period,
            Report::Summary(s) => s.period,
        }
    }

    /// The unit the report is on; `None` for the whole store.
    pub fn scope(&self) -> Option<Code> {
        let unit = match self {
            Report::Annual(a) => a.scope.as_ref(),
            Report::Summary(s) => s.scope.as_ref(),
        };
        unit.and_then(|u| Code::parse(&u.code).ok())
    }

    /// A download's file name without its extension:
    /// "bao-cao-tong-ket-2023", "bao-cao-2024-01-01-2024-03-31".
    pub fn file_stem(&self) -> String {
        match self {
            Report::Annual(a) => format!("bao-cao-tong-ket-{}", a.year),
            Report::Summary(s) => format!(
                "bao-cao-{}-{}",
                format::day_key(s.period.from),
                format::day_key(s.period.to)
            ),
        }
    }

    pub fn markdown(&self) -> Result<String> {
        self.markdown_in(bienphong_i18n::Lang::Vi)
    }

    /// The narrative in `lang`: Vietnamese, or English for foreign partners.
    pub fn markdown_in(&self, lang: bienphong_i18n::Lang) -> Result<String> {
        match self {
            Report::Annual(a) => crate::render::to_markdown_in(a, lang),
            Report::Summary(s) => crate::summary::summary_to_markdown_in(s, lang),
        }
    }

    /// The report's charts, each with the figures it compares against.
    pub async fn charts<S: Store>(&self, service: &Service<S>) -> Result<Charts> {
        match self {
            Report::Annual(a) => crate::charts::annual_charts(service, a).await,
            Report::Summary(s) => crate::charts::summary_charts(service, s).await,
        }
    }

    /// The parts a DOCX of this report needs, read from the store; `None`
    /// for the other formats, which need nothing more.
    pub async fn docx_parts<S: Store>(
        &self,
        service: &Service<S>,
        format: Format,
        letterhead: impl FnOnce() -> Letterhead,
    ) -> Result<Option<DocxParts>> {
        if format != Format::Docx {
            return Ok(None);
        }
        Ok(Some(DocxParts {
            letterhead: letterhead(),
            charts: self.charts(service).await?,
        }))
    }

    /// The report written in `format`. A DOCX needs its `docx` parts; the
    /// other formats ignore them. No I/O: a server may run it on a
    /// blocking thread.
    pub fn render(&self, format: Format, docx: Option<&DocxParts>) -> Result<Vec<u8>> {
        match format {
            Format::Markdown => Ok(self.markdown()?.into_bytes()),
            Format::Json => Ok(match self {
                Report::Annual(a) => crate::render::to_json(a),
                Report::Summary(s) => crate::summary::summary_to_json(s),
            }?
            .into_bytes()),
            Format::Xlsx => match self {
                Report::Annual(a) => {
                    crate::xlsx::tables_to_xlsx(&crate::tables::annual_tables(a).all())
                }
                Report::Summary(s) => {
                    let tables = crate::tables::summary_tables(s);
                    crate::xlsx::tables_to_xlsx(&tables.iter().collect::<Vec<_>>())
                }
            },
            Format::Csv => Ok(match self {
                Report::Annual(a) => {
                    crate::xlsx::tables_to_csv(&crate::tables::annual_tables(a).all())
                }
                Report::Summary(s) => {
                    let tables = crate::tables::summary_tables(s);
                    crate::xlsx::tables_to_csv(&tables.iter().collect::<Vec<_>>())
                }
            }),
            Format::Docx => {
                let parts = docx.ok_or_else(|| {
                    ReportError::Render("a DOCX needs its letterhead and charts".into())
                })?;
                let lang = parts.letterhead.lang;
                // The words drawn inside the images, in the document's language.
                let charts: Vec<crate::charts::Chart> = parts
                    .charts
                    .shown()
                    .into_iter()
                    .map(|c| c.in_lang(lang))
                    .collect();
                crate::docx::markdown_to_docx_with_charts(
                    &self.markdown_in(lang)?,
                    &parts.letterhead,
                    &charts.iter().collect::<Vec<_>>(),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_read_back_from_its_name() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().ok(), Some(f));
        }
        let e = "pdf".parse::<Format>().err().map(|e| e.to_string());
        assert!(e.is_some_and(|m| m.contains("pdf") && m.contains("docx")));
    }
}
