//! One file in a zip archive, in memory: how edXML carries attachments.

use crate::{EdxmlError, Result};
use std::io::{Cursor, Read as _, Write as _};

/// The largest file taken out of an attachment's archive: a zip bomb is
/// refused rather than inflated.
pub const MAX_INFLATED: u64 = 64 * 1024 * 1024;

pub fn zip_one(name: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| EdxmlError::Attachment(name.to_string(), e.to_string());
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        // A fixed time: the same file zips to the same bytes.
        .last_modified_time(zip::DateTime::default());
    w.start_file(name, options).map_err(|e| fail(&e))?;
    w.write_all(bytes).map_err(|e| fail(&e))?;
    Ok(w.finish().map_err(|e| fail(&e))?.into_inner())
}

/// The first file of the archive `zipped`; bytes that are no zip archive
/// are taken as the file itself (some senders do not zip).
pub fn unzip_one(name: &str, zipped: &[u8]) -> Result<Vec<u8>> {
    if !zipped.starts_with(b"PK\x03\x04") {
        return Ok(zipped.to_vec());
    }
    let fail = |e: &dyn std::fmt::Display| EdxmlError::Attachment(name.to_string(), e.to_string());
    let mut archive = zip::ZipArchive::new(Cursor::new(zipped)).map_err(|e| fail(&e))?;
    let index = (0..archive.len())
        .find(|&i| archive.by_index(i).map(|f| f.is_file()).unwrap_or(false))
        .ok_or_else(|| fail(&"the archive holds no file"))?;
    let file = archive.by_index(index).map_err(|e| fail(&e))?;
    let mut out = Vec::new();
    file.take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(|e| fail(&e))?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(fail(&"the file inflates beyond 64 MB"));
    }
    Ok(out)
}
