//! Renderers. Markdown follows the wording and number habits of Vietnamese
//! reports; JSON is deterministic (sorted keys, decimals as strings).

use crate::annual::AnnualReview;
use crate::tables::{AnnualTables, annual_tables};
use crate::{ReportError, Result};
use askama::Template;
use bienphong_domain::Cutoff;
use bienphong_domain::format::{count, date, decimal, integer};
use rust_decimal::Decimal;

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

pub(crate) struct Row(pub Vec<String>);

#[derive(Template)]
#[template(path = "annual.vi.md")]
struct AnnualMarkdown {
    year: i16,
    scope: String,
    from: String,
    to: String,
    cutoff: &'static str,
    patrols: String,
    cases: String,
    briefings: String,
    documents: String,
    propaganda: String,
    disaster: String,
    tables: AnnualTables,
    opening: Option<String>,
    shortcomings: Option<String>,
    directions: Vec<String>,
}

pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// "10 bánh heroin; 0,43g thuốc phiện, 01 xe máy, 03 điện thoại di động":
/// the article's punctuation, a semicolon after the first item.
fn seizure_list(review: &AnnualReview) -> String {
    let mut out = String::new();
    for (i, s) in review.seizures.iter().enumerate() {
        if i == 1 {
            out.push_str("; ");
        } else if i > 1 {
            out.push_str(", ");
        }
        out.push_str(&s.phrase.replace("{}", &decimal(s.quantity, true)));
    }
    out
}

/// Who held the quarter's briefings: only the kinds of unit that owe them
/// are named ("5/5 xã, thị trấn biên giới", no "0/0 đồn Biên phòng").
fn annual_briefings(b: &crate::annual::Briefings) -> String {
    let mut who = Vec::new();
    if b.communes_due > 0 {
        who.push(format!(
            "{}/{} xã, thị trấn biên giới",
            integer(b.communes_complete),
            integer(b.communes_due)
        ));
    }
    if b.posts_due > 0 {
        who.push(format!(
            "{}/{} đồn Biên phòng",
            integer(b.posts_complete),
            integer(b.posts_due)
        ));
    }
    if who.is_empty() {
        return if b.meetings == 0 {
            "Trong năm không có đơn vị nào phải tổ chức giao ban.".to_string()
        } else {
            format!(
                "Trong năm tổ chức {} cuộc giao ban.",
                count(b.meetings, true)
            )
        };
    }
    format!(
        "{} tổ chức giao ban đủ các quý; {}/{} lượt giao ban theo quy định ({} cuộc giao ban).",
        who.join(" và "),
        integer(b.held),
        integer(b.due),
        count(b.meetings, true)
    )
}

pub fn to_markdown(review: &AnnualReview) -> Result<String> {
    to_markdown_in(review, bienphong_i18n::Lang::Vi)
}

/// The annual review as Markdown in `lang` (English for foreign partners).
pub fn to_markdown_in(review: &AnnualReview, lang: bienphong_i18n::Lang) -> Result<String> {
    if lang == bienphong_i18n::Lang::En {
        return crate::english::annual(review);
    }
    let p = &review.patrols;
    let c = &review.cases;
    let b = &review.briefings;
    let d = &review.documents;
    let seizures = if review.seizures.is_empty() {
        String::new()
    } else {
        format!(", thu giữ {}", seizure_list(review))
    };
    let view = AnnualMarkdown {
        year: review.year,
        scope: review.scope.as_ref().map_or_else(
            || "toàn bộ các đơn vị".to_string(),
            |s| {
                format!(
                    "{} ({}){}",
                    s.name,
                    s.code,
                    crate::summary::mapping_note_of(review.mapped_to, &review.apportioned, false)
                )
            },
        ),
        from: date(review.period.from),
        to: date(review.period.to),
        cutoff: match review.cutoff {
            Cutoff::Decree09 => "kỳ báo cáo theo Nghị định số 09/2019/NĐ-CP",
            Cutoff::Calendar => "năm dương lịch",
        },
        patrols: annual_patrols(p),
        cases: annual_cases(c, &seizures),
        briefings: annual_briefings(b),
        documents: annual_documents(d),
        propaganda: if review.propaganda.sessions == 0 {
            "Trong năm không tổ chức buổi tuyên truyền nào.".to_string()
        } else {
            format!(
                "Tổ chức tuyên truyền được {} buổi/{} lượt người nghe.",
                count(review.propaganda.sessions, true),
                count(review.propaganda.listeners, true)
            )
        },
        disaster: annual_disaster(&review.disaster),
        tables: annual_tables(review).without_codes(),
        opening: review.review_meeting.as_ref().map(|m| {
            format!(
                "Ngày {}, {} tổ chức hội nghị tổng kết với {} đại biểu. {}",
                date(m.date),
                m.host.name,
                integer(m.attendance),
                m.content
            )
        }),
        shortcomings: review
            .review_meeting
            .as_ref()
            .map(|m| m.shortcomings.clone())
            .filter(|s| !s.is_empty()),
        directions: review
            .review_meeting
            .as_ref()
            .map(|m| {
                m.directions
                    .iter()
                    .map(|d| match d.due {
                        Some(due) => format!("{} ({}; hạn {})", d.text, d.owner.name, date(due)),
                        None => format!("{} ({})", d.text, d.owner.name),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    view.render()
        .map_err(|e| ReportError::Render(e.to_string()))
}

fn annual_patrols(p: &crate::annual::Patrols) -> String {
    if p.count == 0 {
        return "Trong năm, các đồn Biên phòng không chủ trì, phối hợp tổ chức tuần tra, bảo vệ biên giới.".to_string();
    }
    let others = if p.other_persons == 0 {
        ", không có lực lượng khác tham gia".to_string()
    } else {
        format!(" và {} lượt lực lượng khác", count(p.other_persons, true))
    };
    format!(
        "Các đồn Biên phòng đã chủ trì, phối hợp tổ chức tuần tra, bảo vệ biên giới được {} lần/{} lượt{others}.",
        count(p.count, true),
        count(p.border_guard_persons, true),
    )
}

fn annual_cases(c: &crate::annual::Cases, seizures: &str) -> String {
    if c.count == 0 {
        return "Trong năm, không phát hiện, xử lý vụ việc nào về an ninh chính trị, trật tự an toàn xã hội.".to_string();
    }
    format!(
        "Thông qua phối hợp chỉ đạo công tác bảo đảm an ninh chính trị, trật tự an toàn xã hội, đã xử lý {} vụ/{} đối tượng{}.",
        count(c.count, true),
        count(c.subjects, true),
        seizures
    )
}

fn annual_documents(d: &crate::annual::Documents) -> String {
    if d.count == 0 {
        return "Trong năm không trao đổi, ban hành văn bản nào.".to_string();
    }
    if d.recipients == 0 {
        return format!("Trao đổi, ban hành {} văn bản.", count(d.count, true));
    }
    format!(
        "Trao đổi, ban hành {} văn bản; gửi tới {} lượt đơn vị nhận, {} lượt đã xác nhận ({}).",
        count(d.count, true),
        count(d.recipients, true),
        count(d.acknowledged, true),
        percent_of(d.acknowledged, d.recipients)
    )
}

fn annual_disaster(d: &crate::annual::Disaster) -> String {
    let plans = if d.plans == 0 {
        "Không xây dựng phương án phòng chống thiên tai, tìm kiếm cứu nạn mới".to_string()
    } else {
        format!(
            "Xây dựng {} phương án phòng chống thiên tai, tìm kiếm cứu nạn",
            count(d.plans, true)
        )
    };
    if d.responses == 0 {
        return format!("{plans}; trong năm không phải ứng phó vụ việc nào.");
    }
    let rescued = if d.people_rescued == 0 {
        String::new()
    } else {
        format!(", cứu được {} người", count(d.people_rescued, true))
    };
    format!(
        "{plans}; tham gia ứng phó {} vụ việc với {} lượt lực lượng{rescued}.",
        count(d.responses, true),
        count(d.persons_mobilised, true),
    )
}

fn percent_of(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "0%".to_string();
    }
    bienphong_domain::format::percent(
        Decimal::from(part) * Decimal::from(100) / Decimal::from(whole),
    )
}
