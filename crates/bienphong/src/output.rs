//! How commands write what they did: reports to a file or standard output,
//! the announcement of a write, times at the border.

use crate::error::Result;
use anyhow::Context as _;
use bienphong_domain::{ValidationError, format};
use bienphong_i18n::Lang;
use std::path::Path;

/// Writes a report to `output`, or to standard output; a binary format goes
/// to a terminal only by mistake, so there it needs a file.
pub fn emit(
    out: &mut impl std::io::Write,
    bytes: &[u8],
    output: Option<&Path>,
    binary: bool,
) -> Result<()> {
    use std::io::IsTerminal;
    match output {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None if binary && std::io::stdout().is_terminal() => {
            return Err(ValidationError::new("output", bienphong_domain::Problem::Missing).into());
        }
        None => out.write_all(bytes).context("stdout")?,
    }
    Ok(())
}

/// "Added patrol ID (revision REV)" and the like.
pub fn announce(
    out: &mut impl std::io::Write,
    lang: Lang,
    key: &str,
    rev: &bienphong_domain::Revision,
) -> Result<()> {
    let text = lang.text(
        key,
        &[
            ("type", rev.record_type.to_string()),
            ("id", rev.record_id.to_string()),
            ("revision", rev.id.to_string()),
        ],
    );
    writeln!(out, "{text}").context("stdout")?;
    Ok(())
}

/// Says how each number that could be read two ways was read.
pub fn echo_read_as(
    out: &mut impl std::io::Write,
    lang: Lang,
    read: &[bienphong_domain::fields::ReadAs],
) -> Result<()> {
    for r in read {
        let text = lang.text(
            "value-read-as",
            &[
                ("field", r.field.clone()),
                ("typed", r.typed.clone()),
                ("plain", r.plain.clone()),
            ],
        );
        writeln!(out, "{text}").context("stdout")?;
    }
    Ok(())
}

/// A writing node's time as `05/02/2024 14:30` at the border.
pub fn local_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            let z = t
                .in_tz(bienphong_domain::TIME_ZONE)
                .unwrap_or_else(|_| t.to_zoned_datetime(jiff::tz::TimeZone::UTC));
            format!("{} {}", format::date(z.date()), z.strftime("%H:%M"))
        })
        .unwrap_or_default()
}
