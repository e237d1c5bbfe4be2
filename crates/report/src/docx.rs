//! Official documents in the state format of Decree 30/2020/NĐ-CP: A4,
//! Times New Roman, the two-column header with the national title and motto,
//! the number and the italic place-date line, a justified body with
//! first-line indents, tables, the recipients and the signer.
//!
//! The body is the report's Markdown (one narrative for every format),
//! read line by line: `#` document type, `**…**` subject, `##` section,
//! `- ` item, `|…|` table rows, anything else a paragraph.

use crate::charts::Chart;
use crate::{ReportError, Result};
use bienphong_domain::Date;
use bienphong_domain::format::{document_number, place_date};
use docx_rs::{
    AlignmentType, Docx, Header, LineSpacing, PageMargin, PageNum, Paragraph, Pic, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, WidthType,
};

/// The state format (Decree 30/2020/NĐ-CP) or the Party's (Hướng dẫn
/// 36-HD/VPTW), for documents of Party committees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DocumentStyle {
    #[default]
    State,
    Party,
}

/// Who issues the document, its number, where and when, and who signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letterhead {
    pub style: DocumentStyle,
    /// The body above the issuer (caps, not bold), e.g. "BỘ TƯ LỆNH BỘ ĐỘI BIÊN PHÒNG".
    pub parent_body: String,
    /// The issuer (caps, bold), e.g. "BỘ CHỈ HUY BĐBP TỈNH HÀ GIANG".
    pub issuing_body: String,
    pub number: Option<u32>,
    /// The symbol after the number, e.g. "BC-BĐBP".
    pub symbol: String,
    pub place: String,
    pub date: Date,
    /// A classification mark such as "MẬT", printed above the number.
    pub classification: Option<String>,
    pub recipients: Vec<String>,
    /// "TM. …", "KT. …" or "Q. …": on whose behalf the signer signs.
    pub signing_for: Option<String>,
    pub signer_title: String,
    pub signer_name: String,
}

impl Letterhead {
    /// The issuing body, place and signer a report for `scope` (the whole
    /// store when `None`) carries unless people say otherwise: the Border
    /// Guard command in the scope as of `as_of`, else the scope itself; the
    /// province's name as the place; no number yet.
    pub fn for_scope(
        org: &bienphong_domain::org::Org,
        scope: Option<&bienphong_domain::org::Code>,
        as_of: Date,
        date: Date,
    ) -> Self {
        use bienphong_domain::org::UnitKind;
        let period = bienphong_domain::Period {
            from: as_of,
            to: as_of,
        };
        let in_scope: Vec<&bienphong_domain::org::Unit> = match scope {
            Some(code) => org
                .descendants(code, &period)
                .iter()
                .filter_map(|c| org.unit(c))
                .collect(),
            None => {
                let mut all: Vec<_> = org.units.values().collect();
                all.sort_by(|a, b| a.code.cmp(&b.code));
                all
            }
        };
        let first_of = |kind: UnitKind| {
            in_scope
                .iter()
                .find(|u| u.kind == kind && u.valid_on(as_of))
                .map(|u| u.name.to_string())
        };
        let scope_name = scope.and_then(|c| org.unit(c)).map(|u| u.name.to_string());
        Self {
            style: DocumentStyle::State,
            parent_body: "BỘ TƯ LỆNH BỘ ĐỘI BIÊN PHÒNG".into(),
            issuing_body: first_of(UnitKind::BorderGuardCommand)
                .or(scope_name)
                .unwrap_or_default(),
            number: None,
            symbol: "BC-BĐBP".into(),
            place: first_of(UnitKind::Province).unwrap_or_default(),
            date,
            classification: None,
            recipients: vec![],
            signing_for: None,
            signer_title: "CHỈ HUY TRƯỞNG".into(),
            signer_name: String::new(),
        }
    }
}

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

fn body(text: &str) -> Paragraph {
    body_run(run(text, BODY_SIZE))
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
    let mut left = vec![
        centred(run(&head.parent_body.to_uppercase(), HEADER_SIZE)),
        centred(run(&head.issuing_body.to_uppercase(), HEADER_SIZE).bold()),
        if party {
            centred(run("*", HEADER_SIZE))
        } else {
            rule(12)
        },
    ];
    if let Some(mark) = &head.classification {
        left.push(centred(run(&mark.to_uppercase(), HEADER_SIZE).bold()));
    }
    let number = if party {
        format!("Số {}", number(head))
    } else {
        format!("Số: {}", number(head))
    };
    left.push(centred(run(&number, HEADER_SIZE)));
    let right = if party {
        vec![
            centred(
                run("ĐẢNG CỘNG SẢN VIỆT NAM", BODY_SIZE)
                    .bold()
                    .underline("single"),
            ),
            Paragraph::new(),
            centred(run(&place_date(&head.place, head.date), BODY_SIZE).italic()),
        ]
    } else {
        vec![
            centred(run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", HEADER_SIZE).bold()),
            centred(run("Độc lập - Tự do - Hạnh phúc", BODY_SIZE).bold()),
            rule(20),
            centred(run(&place_date(&head.place, head.date), BODY_SIZE).italic()),
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
    // `place_date` with no place leaves ", ngày … tháng … năm …".
    let date = place_date("", head.date);
    let mut belongs = format!(
        "(Kèm theo Báo cáo số {} {}",
        number(head),
        date.trim_start_matches(", ")
    );
    if !head.issuing_body.is_empty() {
        belongs.push_str(&format!(" của {}", head.issuing_body));
    }
    belongs.push(')');
    doc = doc
        .add_paragraph(centred(run("Phụ lục", BODY_SIZE).bold()).page_break_before(true))
        .add_paragraph(centred(run("BIỂU ĐỒ SỐ LIỆU", BODY_SIZE).bold()))
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
                centred(run(&chart.caption(i + 1), HEADER_SIZE).italic())
                    .line_spacing(LineSpacing::new().after(2 * SPACE_AFTER)),
            );
    }
    Ok(doc)
}

fn closing_table(head: &Letterhead) -> Table {
    let mut left =
        vec![Paragraph::new().add_run(run("Nơi nhận:", RECIPIENTS_TITLE_SIZE).bold().italic())];
    for r in &head.recipients {
        left.push(Paragraph::new().add_run(run(&format!("- {r};"), RECIPIENTS_SIZE)));
    }
    left.push(Paragraph::new().add_run(run("- Lưu: VT.", RECIPIENTS_SIZE)));
    let mut right = Vec::new();
    if let Some(on_behalf) = &head.signing_for {
        right.push(centred(run(&on_behalf.to_uppercase(), BODY_SIZE).bold()));
    }
    right.push(centred(
        run(&head.signer_title.to_uppercase(), BODY_SIZE).bold(),
    ));
    for _ in 0..3 {
        right.push(Paragraph::new());
    }
    right.push(centred(run(&head.signer_name, BODY_SIZE).bold()));
    Table::without_borders(vec![TableRow::new(vec![
        cell(left, 4850),
        cell(right, 4850),
    ])])
    .set_grid(vec![4850, 4850])
    .width(9700, WidthType::Dxa)
}

fn data_table(rows: &[Vec<String>]) -> Table {
    let columns = rows.first().map_or(1, Vec::len).max(1);
    let width = 9700 / columns;
    let table_rows = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(j, text)| {
                    let mut r = run(text, 24);
                    if i == 0 {
                        r = r.bold();
                    }
                    let align = if i > 0 && j > 0 {
                        AlignmentType::Right
                    } else {
                        AlignmentType::Left
                    };
                    cell(vec![Paragraph::new().add_run(r).align(align)], width)
                })
                .collect();
            TableRow::new(cells)
        })
        .collect();
    Table::new(table_rows)
        .set_grid(vec![width; columns])
        .width(9700, WidthType::Dxa)
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

/// The report's Markdown as an official document.
pub fn markdown_to_docx(markdown: &str, head: &Letterhead) -> Result<Vec<u8>> {
    markdown_to_docx_with_charts(markdown, head, &[])
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
    let mut doc = Docx::new()
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

    let mut table: Vec<Vec<String>> = Vec::new();
    let flush = |doc: Docx, table: &mut Vec<Vec<String>>| {
        if table.is_empty() {
            doc
        } else {
            let t = data_table(table);
            table.clear();
            doc.add_table(t).add_paragraph(Paragraph::new())
        }
    };
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('|') {
            if !is_separator(trimmed) {
                table.push(cells_of(trimmed));
            }
            continue;
        }
        doc = flush(doc, &mut table);
        if trimmed.is_empty() {
            continue;
        }
        let paragraph = if let Some(title) = trimmed.strip_prefix("# ") {
            centred(run(&title.to_uppercase(), BODY_SIZE).bold())
        } else if let Some(section) = trimmed.strip_prefix("## ") {
            body_run(run(section, BODY_SIZE).bold())
        } else if trimmed.starts_with("**") && trimmed.ends_with("**") && trimmed.len() > 4 {
            centred(run(trimmed.trim_matches('*'), BODY_SIZE).bold())
        } else {
            body(&trimmed.replace("**", ""))
        };
        doc = doc.add_paragraph(paragraph);
    }
    doc = flush(doc, &mut table);
    doc = doc
        .add_paragraph(Paragraph::new())
        .add_table(closing_table(head));
    doc = annex(doc, head, charts)?;

    let mut bytes = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut bytes)
        .map_err(|e| ReportError::Render(e.to_string()))?;
    Ok(bytes.into_inner())
}
