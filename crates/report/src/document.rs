//! A `document` record as the document it records: its issuer, number,
//! date and recipients in the letterhead the reports use, its kind and
//! subject, the actions it assigns, and each required signer's block in
//! the state the sign-off stands (or the one signer the issuer gives).

use crate::Result;
use crate::docx::markdown_to_docx;
use crate::joint::JointSigner;
use crate::letterhead::{DocumentStyle, Letterhead, LetterheadOverrides};
use bienphong_domain::catalogue::CatalogueKind;
use bienphong_domain::org::Org;
use bienphong_domain::record::{Body, Document};
use bienphong_i18n::Lang;

/// "12/BC-BĐBP" → (12, "BC-BĐBP"); "33-NQ/TW" → (33, "NQ/TW"), the Party's
/// form; an empty number (a draft awaiting signatures) → none.
fn split_number(number: &str) -> (Option<u32>, Option<String>, bool) {
    let number = number.trim();
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    let rest = &number[digits.len()..];
    let party = rest.starts_with('-');
    let symbol = rest.trim_start_matches(['/', '-']).trim();
    (
        digits.parse().ok().filter(|n| *n > 0),
        (!symbol.is_empty()).then(|| symbol.to_string()),
        party,
    )
}

/// The letterhead `doc` names: the Party's format where a Party committee
/// issued it (or its number has the Party's form), the state's otherwise;
/// the issuer as the record names it; its own recipients.
pub fn document_letterhead(org: &Org, doc: &Document) -> Letterhead {
    document_letterhead_in(org, doc, Lang::Vi)
}

/// [`document_letterhead`] for the document rendered in `lang`.
pub fn document_letterhead_in(org: &Org, doc: &Document, lang: Lang) -> Letterhead {
    let (number, symbol, party_number) = split_number(doc.number.as_str());
    let style = if doc.unit_body == Some(Body::PartyCommittee) || party_number {
        DocumentStyle::Party
    } else {
        DocumentStyle::State
    };
    let issuer = doc.issuer.as_str().trim();
    let mut head = Letterhead::derive_in(org, Some(&doc.unit), style, doc.date, doc.date, lang)
        .with(LetterheadOverrides {
            issuing_body: (!issuer.is_empty()).then(|| issuer.to_string()),
            number,
            symbol,
            ..Default::default()
        });
    head.recipients = doc
        .recipients
        .iter()
        .map(|r| match org.unit(&r.unit) {
            // A placeholder is no name to print (see `Letterhead::unverified_units`).
            Some(u) if !u.verified => lang.text("rpt-other-unit", &[]),
            Some(u) => u.name.to_string(),
            None => r.unit.to_string(),
        })
        .collect();
    head
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The body of `doc` as the report Markdown the DOCX reads: its kind, its
/// subject, the actions it assigns and the day to acknowledge it by.
pub fn document_to_markdown(org: &Org, doc: &Document) -> String {
    document_to_markdown_in(org, doc, Lang::Vi)
}

/// [`document_to_markdown`] in `lang`: the kind of document as the
/// catalogue names it in that language, the words around the record's own.
pub fn document_to_markdown_in(org: &Org, doc: &Document, lang: Lang) -> String {
    let date = |d| crate::words::date(lang, d);
    let kind = org
        .catalogue
        .get(CatalogueKind::DocumentType, &doc.document_type)
        .map_or_else(
            || doc.document_type.to_string(),
            |e| match lang {
                Lang::En if !e.en.is_empty() => e.en.to_string(),
                _ => e.vi.to_string(),
            },
        );
    let mut md = format!("# {kind}\n\n**{}**\n\n", doc.title.as_str().trim());
    if !doc.actions.is_empty() {
        if lang == Lang::Vi {
            md.push_str("Các nhiệm vụ giao thực hiện:\n\n");
            md.push_str("| Nội dung | Đơn vị thực hiện | Hạn |\n|---|---|---|\n");
        } else {
            md.push_str(&format!(
                "{}\n\n| {} | {} | {} |\n|---|---|---|\n",
                lang.text("rpt-document-tasks", &[]),
                lang.text("rpt-document-task", &[]),
                lang.text("rpt-document-owner", &[]),
                lang.text("rpt-document-due", &[])
            ));
        }
        for a in &doc.actions {
            let owner = org
                .unit(&a.owner_unit)
                .map_or_else(|| a.owner_unit.to_string(), |u| u.name.to_string());
            let due = a.due.map(date).unwrap_or_default();
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                cell(a.text.as_str()),
                cell(&owner),
                due
            ));
        }
        md.push('\n');
    }
    let by = bienphong_domain::signoff::acknowledge_due(doc);
    if !doc.recipients.is_empty() {
        md.push_str(&match lang {
            Lang::Vi => format!(
                "Đề nghị các nơi nhận xác nhận đã nhận văn bản trước ngày {}.\n",
                date(by)
            ),
            Lang::En => format!(
                "{}\n",
                lang.text("rpt-document-acknowledge", &[("date", date(by))])
            ),
        });
    }
    md
}

/// `doc` as a DOCX, closing with `signers`' blocks where it needs several
/// signatures (empty: the one signer its issuer gives).
pub fn document_docx(
    org: &Org,
    doc: &Document,
    signers: Vec<JointSigner>,
    lang: Lang,
) -> Result<Vec<u8>> {
    let mut head = document_letterhead_in(org, doc, lang);
    head.joint_signers = signers;
    markdown_to_docx(&document_to_markdown_in(org, doc, lang), &head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_read_in_either_form() {
        assert_eq!(
            split_number("12/BC-BĐBP"),
            (Some(12), Some("BC-BĐBP".into()), false)
        );
        assert_eq!(
            split_number("33-NQ/TW"),
            (Some(33), Some("NQ/TW".into()), true)
        );
        assert_eq!(split_number(""), (None, None, false));
        assert_eq!(
            split_number("/KH-UBND"),
            (None, Some("KH-UBND".into()), false)
        );
    }
}
