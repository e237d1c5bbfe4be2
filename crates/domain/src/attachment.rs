//! Files attached to a record (a scanned signed copy, the minutes of a
//! meeting, photographs of seized goods). The link from a record to a file
//! is a record of its own (type `attachment`), so it keeps its history and
//! travels by sync like any record; the bytes are kept once per content,
//! named by their SHA-256, and travel separately.
//!
//! What a file is, is read from its bytes, never from its name: a `.pdf`
//! that is a program or a web page is refused, naming what it is.

use crate::error::{Problem, ValidationError};
use crate::id::RecordId;
use crate::text::Text;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The link from a record to one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The record the file belongs to.
    pub record: RecordId,
    /// The file's name as it was given (NFC).
    pub name: Text,
    /// SHA-256 of the bytes, 64 lowercase hex digits.
    pub hash: String,
    /// The type read from the bytes ([`detect`]).
    pub content_type: String,
    pub size: u64,
}

/// The largest file accepted unless configured otherwise: 20 MB.
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// The types of file that may be attached, as [`detect`] names them.
pub const ALLOWED: [&str; 9] = [PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, TEXT, GPX];

const PDF: &str = "application/pdf";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const ODT: &str = "application/vnd.oasis.opendocument.text";
const ODS: &str = "application/vnd.oasis.opendocument.spreadsheet";
const JPEG: &str = "image/jpeg";
const PNG: &str = "image/png";
const TEXT: &str = "text/plain; charset=utf-8";
/// A GPS track (GPX), as phones and handhelds record patrols.
pub const GPX: &str = "application/gpx+xml";

/// The type of `bytes` read from their content: one of [`ALLOWED`] or what
/// else they are (`text/html`, `application/x-executable`, …), for the
/// refusal to name.
pub fn detect(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(b"%PDF-") {
        return PDF;
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return JPEG;
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return PNG;
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return "image/gif";
    }
    if bytes.starts_with(b"\x7fELF") {
        return "application/x-executable";
    }
    if bytes.starts_with(b"MZ") {
        return "application/x-msdownload";
    }
    if bytes.starts_with(b"#!") {
        return "text/x-shellscript";
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_kind(bytes);
    }
    match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(text) if is_plain(text) => markup(text).unwrap_or(TEXT),
        _ => "application/octet-stream",
    }
}

/// Text without control characters but tab, line breaks and form feed.
fn is_plain(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\x0c'))
}

/// Text a browser would run or render as a page, by how it begins.
fn markup(text: &str) -> Option<&'static str> {
    let head: String = text
        .trim_start()
        .chars()
        .take(64)
        .collect::<String>()
        .to_lowercase();
    if root_element(text).is_some_and(|r| r.rsplit(':').next() == Some("gpx")) {
        return Some(GPX);
    }
    if [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<script",
        "<iframe",
    ]
    .iter()
    .any(|p| head.starts_with(p))
    {
        Some("text/html")
    } else if head.starts_with("<svg") {
        Some("image/svg+xml")
    } else if head.starts_with("<?xml") {
        Some("application/xml")
    } else {
        None
    }
}

/// The name of the first element of an XML text (after its declaration,
/// comments and doctype), looked for in its first 4 KB.
fn root_element(text: &str) -> Option<String> {
    let head: String = text.chars().take(4096).collect();
    let mut rest = head.as_str();
    loop {
        let at = rest.find('<')?;
        rest = &rest[at + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect();
        return Some(name.to_lowercase());
    }
}

/// A zip archive is an office document when it holds the parts of one:
/// OOXML names its parts in `[Content_Types].xml` beside `word/` or `xl/`;
/// OpenDocument stores its type, uncompressed, in a first entry `mimetype`.
fn zip_kind(bytes: &[u8]) -> &'static str {
    if let Some(kind) = opendocument(bytes) {
        return kind;
    }
    let names = zip_names(bytes);
    let has = |n: &str| names.iter().any(|x| x == n);
    let under = |p: &str| names.iter().any(|x| x.starts_with(p));
    if has("[Content_Types].xml") {
        if has("word/document.xml") || under("word/") {
            return DOCX;
        }
        if has("xl/workbook.xml") || under("xl/") {
            return XLSX;
        }
    }
    "application/zip"
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 2)
        .map(|s| usize::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    b.get(at..at + 4)
        .and_then(|s| usize::try_from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])).ok())
}

fn opendocument(b: &[u8]) -> Option<&'static str> {
    let name_len = u16_at(b, 26)?;
    let extra = u16_at(b, 28)?;
    if b.get(30..30 + name_len)? != b"mimetype" {
        return None;
    }
    let data = b.get(30 + name_len + extra..)?;
    if data.starts_with(ODT.as_bytes()) && !data[ODT.len()..].starts_with(b"-") {
        Some(ODT)
    } else if data.starts_with(ODS.as_bytes()) && !data[ODS.len()..].starts_with(b"-") {
        Some(ODS)
    } else {
        None
    }
}

/// The entry names of a zip archive's central directory (none when it is
/// damaged: such a file is then no office document).
fn zip_names(b: &[u8]) -> Vec<String> {
    // The end record is 22 bytes plus a comment of at most 65 535.
    let from = b.len().saturating_sub(22 + 65_535);
    let Some(end) = (from..b.len().saturating_sub(21))
        .rev()
        .find(|&i| b.get(i..i + 4) == Some(b"PK\x05\x06"))
    else {
        return Vec::new();
    };
    let (Some(count), Some(mut at)) = (u16_at(b, end + 10), u32_at(b, end + 16)) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for _ in 0..count {
        if b.get(at..at + 4) != Some(b"PK\x01\x02") {
            break;
        }
        let (Some(n), Some(extra), Some(comment)) =
            (u16_at(b, at + 28), u16_at(b, at + 30), u16_at(b, at + 32))
        else {
            break;
        };
        let Some(name) = b.get(at + 46..at + 46 + n) else {
            break;
        };
        names.push(String::from_utf8_lossy(name).into_owned());
        at += 46 + n + extra + comment;
    }
    names
}

/// Whether a content type may be attached.
pub fn is_allowed(content_type: &str) -> bool {
    ALLOWED.contains(&content_type)
}

/// A file's type read from its bytes, refused unless it may be attached:
/// the refusal names the type found.
pub fn accepted_type(bytes: &[u8]) -> Result<&'static str, ValidationError> {
    let found = detect(bytes);
    if is_allowed(found) {
        Ok(found)
    } else {
        Err(ValidationError::new(
            "file",
            Problem::FileTypeRefused(found.to_string()),
        ))
    }
}

/// Whether `hash` is a SHA-256 as attachments name their bytes.
pub fn is_hash(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A file's name as it is kept: NFC, without any folder it came from, and
/// without characters that would break a download's header.
pub fn file_name(given: &str) -> Text {
    let base = given.rsplit(['/', '\\']).next().unwrap_or(given);
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect();
    Text::new(clean.trim())
}

/// A size as people read it: `512 B`, `3,4 KB`, `1,2 MB` (1 KB = 1 024 B).
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    let (unit, div) = if bytes >= KB * KB * KB {
        ("GB", KB * KB * KB)
    } else if bytes >= KB * KB {
        ("MB", KB * KB)
    } else if bytes >= KB {
        ("KB", KB)
    } else {
        return format!(
            "{} B",
            crate::format::integer(i64::try_from(bytes).unwrap_or(i64::MAX))
        );
    };
    let value = (Decimal::from(bytes) / Decimal::from(div)).round_dp(1);
    format!("{} {unit}", crate::format::decimal(value, false))
}

/// What an attachment must be, whatever edge it came from.
pub fn check(a: &Attachment) -> Result<(), ValidationError> {
    if a.name.is_empty() {
        return Err(ValidationError::new("name", Problem::Empty));
    }
    if !is_hash(&a.hash) {
        return Err(ValidationError::new(
            "hash",
            Problem::InvalidHash(a.hash.clone()),
        ));
    }
    if !is_allowed(&a.content_type) {
        return Err(ValidationError::new(
            "content_type",
            Problem::FileTypeRefused(a.content_type.clone()),
        ));
    }
    if a.size == 0 {
        return Err(ValidationError::new("size", Problem::NotPositive));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip of empty stored entries with a central directory, as office
    /// programs write them.
    pub(crate) fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = u32::try_from(out.len()).unwrap();
            let len = u32::try_from(data.len()).unwrap();
            let n = u16::try_from(name.len()).unwrap();
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&len.to_le_bytes());
            central.extend_from_slice(&len.to_le_bytes());
            central.extend_from_slice(&n.to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_at = u32::try_from(out.len()).unwrap();
        let cd_len = u32::try_from(central.len()).unwrap();
        let count = u16::try_from(entries.len()).unwrap();
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&cd_len.to_le_bytes());
        out.extend_from_slice(&cd_at.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    #[test]
    fn the_type_is_read_from_the_bytes() {
        assert_eq!(detect(b"%PDF-1.7\n..."), PDF);
        assert_eq!(detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), JPEG);
        assert_eq!(
            detect(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            PNG
        );
        assert_eq!(detect("Biên bản họp\n".as_bytes()), TEXT);
        let docx = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ]);
        assert_eq!(detect(&docx), DOCX);
        let xlsx = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("xl/workbook.xml", b"<w/>"),
        ]);
        assert_eq!(detect(&xlsx), XLSX);
        let odt = zip(&[("mimetype", ODT.as_bytes()), ("content.xml", b"<x/>")]);
        assert_eq!(detect(&odt), ODT);
        let ods = zip(&[("mimetype", ODS.as_bytes())]);
        assert_eq!(detect(&ods), ODS);
        // A zip that is no office document, whatever its name says.
        assert_eq!(detect(&zip(&[("virus.exe", b"MZ")])), "application/zip");
        assert_eq!(detect(b"\x7fELF\x02\x01\x01"), "application/x-executable");
        assert_eq!(detect(b"MZ\x90\x00"), "application/x-msdownload");
        assert_eq!(
            detect(b"  <!DOCTYPE html><html><script>x</script>"),
            "text/html"
        );
        assert_eq!(detect(b"<svg onload=alert(1)>"), "image/svg+xml");
        assert_eq!(detect(b"a\0b"), "application/octet-stream");
        assert_eq!(detect(&[0xC3, 0x28]), "application/octet-stream");
        assert!(accepted_type(b"%PDF-1.4").is_ok());
        let e = accepted_type(b"<html>").unwrap_err();
        assert_eq!(e.problem, Problem::FileTypeRefused("text/html".into()));
    }

    #[test]
    fn sizes_and_names_read_as_people_write_them() {
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(1_258_291), "1,2 MB");
        assert_eq!(size_text(3 * 1024 + 400), "3,4 KB");
        assert_eq!(size_text(20 * 1024 * 1024), "20 MB");
        assert_eq!(file_name("C:\\scan\\Biên bản.pdf").as_str(), "Biên bản.pdf");
        assert_eq!(file_name("a/\"b\".pdf").as_str(), "b.pdf");
        // Decomposed input is kept composed.
        assert_eq!(file_name("Bie\u{302}n.pdf").as_str(), "Biên.pdf");
        assert!(is_hash(&"a".repeat(64)));
        assert!(!is_hash(&"A".repeat(64)));
    }
}
