//! Official documents in the state format of Decree 30/2020/NĐ-CP: A4,
//! Times New Roman, the two-column header with the national title and motto,
//! the number and the italic place-date line, a justified body with
//! first-line indents, tables, the recipients and the signer.
//!
//! The body is the report's Markdown (one narrative for every format),
//! read line by line: `#` document type, `**…**` subject, `##` section,
//! `- ` item, `|…|` table rows, anything else a paragraph.

use crate::charts::Chart;
use crate::letterhead::{DocumentStyle, Letterhead};
use crate::words::{place_date, translated};
use crate::{ReportError, Result};
use bienphong_domain::format::document_number;
use docx_rs::{
    AlignmentType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph, Pic, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};

const FONT: &str = "Times New Roman";
/// A4 in twentieths of a point.
const PAGE_WIDTH: u32 = 11_906;
const PAGE_HEIGHT: u32 = 16_838;
/// Millimetres to twentieths of a point.
const fn mm(v: i32) -> i32 {
    v * 1440 * 10 / 254
}
const MARGIN_TOP: i32 = mm(20);
const MARGIN_BOTTOM: i32 = mm(20);
const MARGIN_LEFT: i32 = mm(30);
const MARGIN_RIGHT: i32 = mm(15);
/// The width between the margins, in EMU (635 to a twentieth of a point):
/// charts span it.
const TEXT_WIDTH_EMU: u32 = (PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT) as u32 * 635;
/// Half-points.
const BODY_SIZE: usize = 28;
const HEADER_SIZE: usize = 26;
const RECIPIENTS_TITLE_SIZE: usize = 24;
const RECIPIENTS_SIZE: usize = 22;
/// 1,27 cm.
const FIRST_LINE_INDENT: i32 = 720;
/// 6 pt after each paragraph.
const SPACE_AFTER: u32 = 120;

fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size).fonts(fonts())
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

fn centred(r: Run) -> Paragraph {
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

fn body_run(r: Run) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(FIRST_LINE_INDENT)),
            None,
            None,
        )
        .line_spacing(LineSpacing::new().after(SPACE_AFTER))
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new().width(width, WidthType::Dxa), |c, p| {
            c.add_paragraph(p)
        })
}

/// A short centred rule under the issuer and under the motto.
fn rule(width_chars: usize) -> Paragraph {
    centred(run(&"‾".repeat(width_chars), 20))
}

fn letterhead_table(head: &Letterhead) -> Table {
    let party = head.style == DocumentStyle::Party;
    let mut left = Vec::new();
    if !head.parent_body.is_empty() {
        left.push(centred(run(&head.parent_body.to_uppercase(), HEADER_SIZE)));
    }
    left.push(centred(
        run(&head.issuing_body.to_uppercase(), HEADER_SIZE).bold(),
    ));
    left.push(if party {
        centred(run("*", HEADER_SIZE))
    } else {
        rule(12)
    });
    if let Some(mark) = &head.classification {
        left.push(centred(run(&mark.to_uppercase(), HEADER_SIZE).bold()));
    }
    let lang = head.lang;
    let number = lang.text(
        if party {
            "rpt-number-party"
        } else {
            "rpt-number-state"
        },
        &[("number", number(head))],
    );
    left.push(centred(run(&number, HEADER_SIZE)));
    let place_date = place_date(lang, &head.place, head.date);
    let right = if party {
        vec![
            centred(
                run(&lang.text("rpt-party-title", &[]), BODY_SIZE)
                    .bold()
                    .underline("single"),
            ),
            Paragraph::new(),
            centred(run(&place_date, BODY_SIZE).italic()),
        ]
    } else {
        vec![
            centred(run(&lang.text("rpt-national-title", &[]), HEADER_SIZE).bold()),
            centred(run(&lang.text("rpt-national-motto", &[]), BODY_SIZE).bold()),
            rule(20),
            centred(run(&place_date, BODY_SIZE).italic()),
        ]
    };
    Table::without_borders(vec![TableRow::new(vec![
        cell(left, 4000),
        cell(right, 5700),
    ])])
    .set_grid(vec![4000, 5700])
    .width(9700, WidthType::Dxa)
}

/// The Party writes "05-BC/ĐU", the state "05/BC-BĐBP".
fn number(head: &Letterhead) -> String {
    let n = document_number(head.number, &head.symbol);
    match head.style {
        DocumentStyle::Party => n.replacen('/', "-", 1),
        DocumentStyle::State => n,
    }
}

/// The charts as an appendix after the signature, on a page of its own, as
/// Decree 30/2020 lays out appendices: "Phụ lục", its title, the document
/// it belongs to, then each chart across the text width with its caption
/// below.
fn annex(mut doc: Docx, head: &Letterhead, charts: &[&Chart]) -> Result<Docx> {
    if charts.is_empty() {
        return Ok(doc);
    }
    let lang = head.lang;
    // The date line with no place: "ngày … tháng … năm …".
    let date = place_date(lang, "", head.date);
    let mut args = vec![
        ("number", number(head)),
        ("date", date.trim_start_matches(", ").to_string()),
    ];
    let key = if head.issuing_body.is_empty() {
        "rpt-annex-of"
    } else {
        args.push(("issuer", head.issuing_body.clone()));
        "rpt-annex-of-issuer"
    };
    let belongs = lang.text(key, &args);
    doc = doc
        .add_paragraph(
            centred(run(&lang.text("rpt-annex", &[]), BODY_SIZE).bold()).page_break_before(true),
        )
        .add_paragraph(centred(
            run(&lang.text("rpt-annex-title", &[]), BODY_SIZE).bold(),
        ))
        .add_paragraph(centred(run(&belongs, BODY_SIZE).italic()))
        .add_paragraph(Paragraph::new());
    for (i, chart) in charts.iter().enumerate() {
        let png = chart.png()?;
        let height =
            u64::from(TEXT_WIDTH_EMU) * u64::from(png.height) / u64::from(png.width.max(1));
        let height = u32::try_from(height).map_err(|e| ReportError::Render(e.to_string()))?;
        // Named by its place in the annex, so the same report gives the same parts.
        let pic = Pic::new_with_dimensions(png.bytes, png.width, png.height)
            .size(TEXT_WIDTH_EMU, height)
            .id(format!("rIdChart{}", i + 1));
        doc = doc
            .add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_image(pic))
                    .align(AlignmentType::Center)
                    .keep_next(true),
            )
            .add_paragraph(
                centred(run(&chart.caption_in(lang, i + 1), HEADER_SIZE).italic())
                    .line_spacing(LineSpacing::new().after(2 * SPACE_AFTER)),
            );
    }
    Ok(doc)
}

/// Keeps a paragraph on the page of the next one and whole.
fn together(p: Paragraph) -> Paragraph {
    p.keep_next(true).keep_lines(true)
}

/// "Nơi nhận" and the signer side by side, in one row that cannot split:
/// the block moves to the next page whole rather than leave the signer's
/// name or "- Lưu: VT." alone there.
fn closing_table(head: &Letterhead) -> Table {
    let lang = head.lang;
    let mut left = vec![together(
        Paragraph::new().add_run(
            run(&lang.text("rpt-recipients", &[]), RECIPIENTS_TITLE_SIZE)
                .bold()
                .italic(),
        ),
    )];
    for r in &head.recipients {
        left.push(together(
            Paragraph::new().add_run(run(&format!("- {r};"), RECIPIENTS_SIZE)),
        ));
    }
    left.push(together(
        Paragraph::new().add_run(run(&head.filing_line(), RECIPIENTS_SIZE)),
    ));
    let mut right = Vec::new();
    if let Some(on_behalf) = &head.signing_for {
        let on_behalf = translated(lang, "rpt-title-", on_behalf);
        right.push(centred(run(&on_behalf.to_uppercase(), BODY_SIZE).bold()));
    }
    let title = translated(lang, "rpt-title-", &head.signer_title);
    right.push(centred(run(&title.to_uppercase(), BODY_SIZE).bold()));
    for _ in 0..3 {
        right.push(Paragraph::new());
    }
    right.push(centred(run(&head.signer_name, BODY_SIZE).bold()));
    let right = right.into_iter().map(together).collect();
    Table::without_borders(vec![
        TableRow::new(vec![cell(left, 4850), cell(right, 4850)]).cant_split(),
    ])
    .set_grid(vec![4850, 4850])
    .width(9700, WidthType::Dxa)
}

/// A joint document's close: every signer's block side by side in one row
/// that cannot split (so no block is cut across pages, and all stand on one
/// page), "Nơi nhận" below them, kept with them.
fn joint_closing_table(head: &Letterhead) -> Table {
    let n = head.joint_signers.len().max(1);
    let width = 9700 / n;
    let blocks: Vec<TableCell> = head
        .joint_signers
        .iter()
        .map(|s| {
            let mut p = Vec::new();
            if let Some(on_behalf) = &s.signing_for {
                p.push(centred(run(on_behalf, BODY_SIZE).bold()));
            }
            p.push(centred(run(&s.title.to_uppercase(), BODY_SIZE).bold()));
            p.push(Paragraph::new());
            p.push(centred(run(&s.state, RECIPIENTS_SIZE).italic()));
            p.push(Paragraph::new());
            p.push(centred(run(&s.name, BODY_SIZE).bold()));
            cell(p.into_iter().map(together).collect(), width)
        })
        .collect();
    let mut left = vec![together(
        Paragraph::new().add_run(
            run(
                &head.lang.text("rpt-recipients", &[]),
                RECIPIENTS_TITLE_SIZE,
            )
            .bold()
            .italic(),
        ),
    )];
    for r in &head.recipients {
        left.push(together(
            Paragraph::new().add_run(run(&format!("- {r};"), RECIPIENTS_SIZE)),
        ));
    }
    left.push(Paragraph::new().add_run(run(&head.filing_line(), RECIPIENTS_SIZE)));
    let mut second = vec![cell(left, width)];
    for _ in 1..n {
        second.push(cell(vec![Paragraph::new()], width));
    }
    Table::without_borders(vec![
        TableRow::new(blocks).cant_split(),
        TableRow::new(second).cant_split(),
    ])
    .set_grid(vec![width; n])
    .width(9700, WidthType::Dxa)
}

/// The height that marks a table's header row, to be repeated on every
/// page the table runs onto (docx-rs writes no `w:tblHeader` itself; see
/// [`finish_document`]).
const HEADER_ROW_HEIGHT: f32 = 397.0;

/// A table of the report: the header row bold, centred and repeated on
/// every page; text columns left, number columns right as the Markdown's
/// separator row aligns them (`---:`); no row split across pages.
fn data_table(
    rows: &[Vec<String>],
    right_aligned: &[bool],
    head: &Letterhead,
    keep_with_next: bool,
) -> Table {
    let columns = rows.first().map_or(1, Vec::len).max(1);
    let widths = column_widths(rows, columns);
    let table_rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(j, text)| {
                    let text = if i > 0 && head.unverified_units.iter().any(|u| u == text) {
                        head.lang.text("rpt-other-unit", &[])
                    } else {
                        text.clone()
                    };
                    let mut r = run(&text, 24);
                    let align = if i == 0 {
                        r = r.bold();
                        AlignmentType::Center
                    } else if right_aligned.get(j).copied().unwrap_or(false) {
                        AlignmentType::Right
                    } else {
                        AlignmentType::Left
                    };
                    let p = Paragraph::new().add_run(r).align(align);
                    let width = widths.get(j).copied().unwrap_or(TEXT_WIDTH / columns);
                    cell(vec![if keep_with_next { together(p) } else { p }], width)
                })
                .collect();
            let row = TableRow::new(cells).cant_split();
            if i == 0 {
                row.row_height(HEADER_ROW_HEIGHT)
                    .height_rule(docx_rs::HeightRule::AtLeast)
            } else {
                row
            }
        })
        .collect();
    Table::new(table_rows)
        .set_grid(widths)
        .width(TEXT_WIDTH, WidthType::Dxa)
}

/// The tables' width, in twentieths of a point.
const TEXT_WIDTH: usize = 9700;

/// Each column as wide as what it holds asks: a unit's name gets the room
/// to stand on one or two lines, a column of figures only what its widest
/// figure and its header's longest word need (header words wrap).
fn column_widths(rows: &[Vec<String>], columns: usize) -> Vec<usize> {
    let weights: Vec<usize> = (0..columns)
        .map(|j| {
            rows.iter()
                .enumerate()
                .filter_map(|(i, row)| {
                    let text = row.get(j)?;
                    Some(if i == 0 {
                        text.split_whitespace()
                            .map(|w| w.chars().count())
                            .max()
                            .unwrap_or(0)
                    } else {
                        text.chars().count()
                    })
                })
                .max()
                .unwrap_or(0)
                .clamp(6, 36)
        })
        .collect();
    let total = weights.iter().sum::<usize>().max(1);
    let mut widths: Vec<usize> = weights.iter().map(|w| TEXT_WIDTH * w / total).collect();
    let used: usize = widths.iter().sum();
    if let Some(first) = widths.first_mut() {
        *first += TEXT_WIDTH.saturating_sub(used);
    }
    widths
}

/// What docx-rs cannot say: the header rows [`data_table`] marked repeat
/// on every page, and a footnote's mark is raised.
fn finish_document(document: &[u8]) -> Result<Vec<u8>> {
    let xml = std::str::from_utf8(document).map_err(|e| ReportError::Render(e.to_string()))?;
    let mark = format!(r#"<w:trHeight w:val="{HEADER_ROW_HEIGHT}" w:hRule="atLeast" />"#);
    let footnote = r#"<w:rStyle w:val="FootnoteReference" />"#;
    Ok(xml
        .replace(&mark, &format!("<w:tblHeader />{mark}"))
        .replace(
            footnote,
            &format!(r#"{footnote}<w:vertAlign w:val="superscript" />"#),
        )
        .into_bytes())
}

/// The footnote's own mark before its text, as Word writes it (docx-rs
/// leaves it out, and Word then shows the note without its number).
fn number_footnote(footnotes: &[u8]) -> Result<Vec<u8>> {
    let xml = std::str::from_utf8(footnotes).map_err(|e| ReportError::Render(e.to_string()))?;
    let mark = concat!(
        r#"<w:r><w:rPr><w:vertAlign w:val="superscript" /></w:rPr><w:footnoteRef /></w:r>"#,
        r#"<w:r><w:t xml:space="preserve"> </w:t></w:r>"#
    );
    let at = xml.find(r#"<w:footnote w:id="1">"#).and_then(|start| {
        xml[start..]
            .find("</w:pPr>")
            .map(|end| start + end + "</w:pPr>".len())
    });
    Ok(match at {
        Some(at) => format!("{}{mark}{}", &xml[..at], &xml[at..]).into_bytes(),
        None => footnotes.to_vec(),
    })
}

/// The document's properties: the issuing unit as author, the report's
/// date as created and modified, its type and subject as title.
fn core_properties(head: &Letterhead, title: &str) -> Vec<u8> {
    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
    let d = head.date;
    let when = format!("{:04}-{:02}-{:02}T00:00:00Z", d.year(), d.month(), d.day());
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            r#"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"#,
            r#"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:language>{language}</dc:language>"#,
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>"#,
            r#"<cp:revision>1</cp:revision></cp:coreProperties>"#
        ),
        title = escape(title),
        author = escape(&head.issuing_body),
        language = head.lang.text("rpt-language-tag", &[]),
        when = when,
    )
    .into_bytes()
}

fn cells_of(line: &str) -> Vec<String> {
    line.trim()
        .trim_matches('|')
        .split(" | ")
        .map(|c| c.trim().trim_matches('|').trim().replace("\\|", "|"))
        .collect()
}

fn is_separator(line: &str) -> bool {
    line.trim().trim_matches('|').split('|').all(|c| {
        let c = c.trim();
        !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':'))
    })
}

/// `---:` aligns a column right (numbers); anything else left (text).
fn right_aligned(separator: &str) -> Vec<bool> {
    separator
        .trim()
        .trim_matches('|')
        .split('|')
        .map(|c| {
            let c = c.trim();
            c.ends_with(':') && !c.starts_with(':')
        })
        .collect()
}

/// The report's Markdown as an official document.
pub fn markdown_to_docx(markdown: &str, head: &Letterhead) -> Result<Vec<u8>> {
    markdown_to_docx_with_charts(markdown, head, &[])
}

/// A paragraph, or a table's rows with their columns' alignment.
enum Block {
    /// Boxed: a paragraph is far larger than a table's rows.
    Paragraph(Box<Paragraph>),
    Table(Vec<Vec<String>>, Vec<bool>),
}

/// The body as it is read: paragraphs and tables in order, the last one
/// held back so that it can be kept with the signature.
struct Body<'a> {
    doc: Docx,
    head: &'a Letterhead,
    held: Option<Block>,
    table: Vec<Vec<String>>,
    align: Vec<bool>,
}

impl Body<'_> {
    fn push(&mut self, b: Block) {
        if let Some(previous) = self.held.replace(b) {
            self.write(previous, false);
        }
    }

    fn paragraph(&mut self, p: Paragraph) {
        self.push(Block::Paragraph(Box::new(p)));
    }

    fn write(&mut self, b: Block, keep: bool) {
        let doc = std::mem::take(&mut self.doc);
        self.doc = match b {
            Block::Paragraph(p) => doc.add_paragraph(if keep { together(*p) } else { *p }),
            Block::Table(rows, align) => {
                let spacer = Paragraph::new();
                doc.add_table(data_table(&rows, &align, self.head, keep))
                    .add_paragraph(if keep { together(spacer) } else { spacer })
            }
        };
    }

    fn flush_table(&mut self) {
        if !self.table.is_empty() {
            let rows = std::mem::take(&mut self.table);
            let align = std::mem::take(&mut self.align);
            self.push(Block::Table(rows, align));
        }
    }

    /// The body's last block goes with the signature onto its page.
    fn finish(mut self) -> Docx {
        self.flush_table();
        if let Some(last) = self.held.take() {
            self.write(last, true);
        }
        self.doc
    }
}

/// The subject (bold, centred) with the short rule under it that Decree 30
/// draws, and the report's data sheet — scope, the days the figures cover —
/// as its footnote: machine lines that do not open an official body.
fn subject(text: &str, sheet: &[String]) -> Vec<Paragraph> {
    let mut p = Paragraph::new()
        .add_run(run(text, BODY_SIZE).bold())
        .align(AlignmentType::Center)
        .keep_next(true);
    if !sheet.is_empty() {
        let content = sheet
            .iter()
            .map(|line| {
                Paragraph::new()
                    .add_run(run(line, RECIPIENTS_SIZE))
                    .align(AlignmentType::Both)
            })
            .collect();
        p = p.add_run(Run::new().add_footnote_reference(docx_rs::Footnote { id: 1, content }));
    }
    vec![p, rule(8).keep_next(true)]
}

/// The report's Markdown as an official document, with `charts` in an
/// appendix after the signature.
pub fn markdown_to_docx_with_charts(
    markdown: &str,
    head: &Letterhead,
    charts: &[&Chart],
) -> Result<Vec<u8>> {
    // Page numbers centred at the top, none on the first page.
    let page_header = Header::new().add_paragraph(
        Paragraph::new()
            .add_page_num(PageNum::new())
            .align(AlignmentType::Center)
            .size(BODY_SIZE),
    );
    let doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(PageMargin {
            top: MARGIN_TOP,
            left: MARGIN_LEFT,
            bottom: MARGIN_BOTTOM,
            right: MARGIN_RIGHT,
            header: mm(10),
            footer: mm(10),
            gutter: 0,
        })
        .default_fonts(fonts())
        .default_size(BODY_SIZE)
        .header(page_header)
        .first_header(Header::new())
        .title_pg()
        .add_table(letterhead_table(head))
        .add_paragraph(Paragraph::new());

    let mut body = Body {
        doc,
        head,
        held: None,
        table: Vec::new(),
        align: Vec::new(),
    };
    let mut title = String::new();
    // The subject waits for the data sheet under it, which becomes its footnote.
    let mut pending_subject: Option<(String, Vec<String>)> = None;
    let mut seen_subject = false;
    for line in markdown.lines() {
        let trimmed = line.trim();
        if let Some((_, sheet)) = pending_subject.as_mut() {
            if let Some(item) = trimmed.strip_prefix("- ") {
                sheet.push(item.replace("**", ""));
                continue;
            }
            if trimmed.is_empty() {
                continue;
            }
            if let Some((text, sheet)) = pending_subject.take() {
                for p in subject(&text, &sheet) {
                    body.paragraph(p);
                }
            }
        }
        if trimmed.starts_with('|') {
            if is_separator(trimmed) {
                body.align = right_aligned(trimmed);
            } else {
                body.table.push(cells_of(trimmed));
            }
            continue;
        }
        body.flush_table();
        if trimmed.is_empty() {
            continue;
        }
        let paragraph = if let Some(t) = trimmed.strip_prefix("# ") {
            title = t.to_uppercase();
            centred(run(&title, BODY_SIZE).bold()).keep_next(true)
        } else if let Some(section) = trimmed.strip_prefix("## ") {
            body_run(run(section, BODY_SIZE).bold()).keep_next(true)
        } else if trimmed.starts_with("**") && trimmed.ends_with("**") && trimmed.len() > 4 {
            let text = trimmed.trim_matches('*').to_string();
            if !seen_subject {
                seen_subject = true;
                if title.is_empty() {
                    title = text.clone();
                } else {
                    title = format!("{title}: {text}");
                }
                pending_subject = Some((text, Vec::new()));
                continue;
            }
            centred(run(&text, BODY_SIZE).bold())
        } else {
            let p = body_run(run(&trimmed.replace("**", ""), BODY_SIZE));
            // A line that introduces a table stays with it.
            if trimmed.ends_with(':') {
                p.keep_next(true)
            } else {
                p
            }
        };
        body.paragraph(paragraph);
    }
    if let Some((text, sheet)) = pending_subject.take() {
        for p in subject(&text, &sheet) {
            body.paragraph(p);
        }
    }
    let mut doc = body
        .finish()
        .add_paragraph(together(Paragraph::new()))
        .add_table(if head.joint_signers.is_empty() {
            closing_table(head)
        } else {
            joint_closing_table(head)
        });
    doc = annex(doc, head, charts)?;

    let mut xml = doc.build();
    xml.document = finish_document(&xml.document)?;
    xml.footnotes = number_footnote(&xml.footnotes)?;
    xml.doc_props.core = core_properties(head, &title);
    let mut bytes = std::io::Cursor::new(Vec::new());
    xml.pack(&mut bytes)
        .map_err(|e| ReportError::Render(e.to_string()))?;
    Ok(bytes.into_inner())
}
