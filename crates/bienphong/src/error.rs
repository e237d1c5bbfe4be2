//! The CLI's one error type: every layer's error comes in through `From`,
//! is worded once in the user's language and given its kind once; the kind
//! alone decides the exit code (`Kind::exit_code`).

use bienphong_domain::{ErrorKind, ValidationError};
use bienphong_i18n::Lang;
use bienphong_report::ReportError;
use bienphong_service::ServiceError;
use bienphong_store::StoreError;

/// What kind of failure an error is: the exit code follows from it alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Anything else: the store, the disk, the network, a bug.
    Failed,
    /// The input was refused; nothing was written.
    Invalid,
    /// The record or account named does not exist (or no longer does).
    NotFound,
    /// Someone else changed it first, or it already exists.
    Conflict,
}

impl Kind {
    /// The one table of exit codes; scripts and the tests rely on them.
    pub const fn exit_code(self) -> u8 {
        match self {
            Self::Failed => 1,
            Self::Invalid => 2,
            Self::NotFound => 3,
            Self::Conflict => 4,
        }
    }
}

/// What went wrong, mapped once to a message and a kind.
#[derive(Debug)]
pub enum CliError {
    Invalid(ValidationError),
    Service(ServiceError),
    Report(ReportError),
    Sheet(bienphong_sheets::SheetError),
    /// A message from the catalogue, with its kind.
    Message(&'static str, Vec<(&'static str, String)>, Kind),
    Other(anyhow::Error),
}

pub type Result<T> = std::result::Result<T, CliError>;

impl From<ValidationError> for CliError {
    fn from(e: ValidationError) -> Self {
        Self::Invalid(e)
    }
}
impl From<ServiceError> for CliError {
    fn from(e: ServiceError) -> Self {
        Self::Service(e)
    }
}
impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        Self::Service(ServiceError::Store(e))
    }
}
impl From<ReportError> for CliError {
    fn from(e: ReportError) -> Self {
        Self::Report(e)
    }
}
impl From<bienphong_sync::SyncError> for CliError {
    fn from(e: bienphong_sync::SyncError) -> Self {
        match e {
            bienphong_sync::SyncError::Busy { path } => {
                Self::Message("sync-busy", vec![("path", path)], Kind::Conflict)
            }
            bienphong_sync::SyncError::Certificate(detail) => {
                Self::Message("sync-bad-ca", vec![("detail", detail)], Kind::Invalid)
            }
            other => Self::Other(other.into()),
        }
    }
}
impl From<bienphong_sheets::SheetError> for CliError {
    fn from(e: bienphong_sheets::SheetError) -> Self {
        match e {
            bienphong_sheets::SheetError::Service(e) => Self::Service(e),
            other => Self::Sheet(other),
        }
    }
}
impl From<anyhow::Error> for CliError {
    fn from(e: anyhow::Error) -> Self {
        Self::Other(e)
    }
}

/// A store error as the store describes it (the web words it from the
/// same description), with the CLI's kind of its kind.
fn store_message(lang: Lang, e: &StoreError) -> (String, Kind) {
    let d = e.describe();
    (lang.text(d.key, &d.args), kind_of(d.kind))
}

/// The CLI's kind of each kind of error, whatever layer it came from.
fn kind_of(kind: ErrorKind) -> Kind {
    match kind {
        ErrorKind::Invalid | ErrorKind::WrongType | ErrorKind::Forbidden => Kind::Invalid,
        ErrorKind::NotFound => Kind::NotFound,
        ErrorKind::Conflict => Kind::Conflict,
        ErrorKind::Unavailable | ErrorKind::Internal => Kind::Failed,
    }
}

impl CliError {
    /// Whether the input names a unit or catalogue entry the store does not
    /// know (on a node: perhaps not received yet).
    pub fn names_unknown_organisation(&self) -> bool {
        let problem = match self {
            Self::Invalid(e)
            | Self::Service(ServiceError::Invalid(e))
            | Self::Report(ReportError::Service(ServiceError::Invalid(e))) => &e.problem,
            Self::Service(ServiceError::UnknownUnit(_)) => return true,
            _ => return false,
        };
        matches!(
            problem,
            bienphong_domain::Problem::UnknownUnit(_)
                | bienphong_domain::Problem::UnknownCatalogueEntry { .. }
        )
    }

    /// Whether a reader such as `head` closed the pipe early: not an error.
    pub fn is_broken_pipe(&self) -> bool {
        let Self::Other(e) = self else {
            return false;
        };
        e.chain().any(|cause| {
            cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        })
    }

    /// The message in `lang` and the kind, each decided here and nowhere else.
    pub fn render(&self, lang: Lang) -> (String, Kind) {
        match self {
            Self::Invalid(e)
            | Self::Service(ServiceError::Invalid(e))
            | Self::Report(ReportError::Service(ServiceError::Invalid(e))) => {
                (lang.problem(e), Kind::Invalid)
            }
            Self::Service(ServiceError::Store(e))
            | Self::Report(ReportError::Store(e))
            | Self::Report(ReportError::Service(ServiceError::Store(e))) => store_message(lang, e),
            // Every report names the field, whichever command asked.
            Self::Report(ReportError::UnknownScope(code)) => (
                lang.problem(&ValidationError::new(
                    "scope",
                    bienphong_domain::Problem::UnknownUnit(code.clone()),
                )),
                Kind::Invalid,
            ),
            Self::Service(ServiceError::Resolution(p)) => {
                let (key, args) = p.message();
                (lang.text(key, &args), Kind::Invalid)
            }
            Self::Service(ServiceError::UnknownUser(name)) => (
                lang.text("user-unknown", &[("name", name.clone())]),
                Kind::NotFound,
            ),
            Self::Service(ServiceError::BadUsername(name)) => (
                lang.text("user-name-invalid", &[("value", name.clone())]),
                Kind::Invalid,
            ),
            Self::Service(ServiceError::WeakPassword(min)) => (
                lang.text("password-too-short", &[("min", min.to_string())]),
                Kind::Invalid,
            ),
            Self::Service(ServiceError::UnknownUnit(code)) => (
                lang.text("field-unknown-unit", &[("value", code.clone())]),
                Kind::Invalid,
            ),
            Self::Service(e @ ServiceError::NeedsConfirmation(doubts)) => {
                let head = e
                    .describe()
                    .map_or_else(|| e.to_string(), |d| lang.text(d.key, &d.args));
                let mut text = head;
                for d in doubts {
                    text.push_str("\n  ");
                    text.push_str(&lang.doubt(d));
                }
                text.push('\n');
                text.push_str(&lang.text("cli-confirm-hint", &[]));
                (text, Kind::Invalid)
            }
            Self::Service(e @ ServiceError::Internal(_)) => (e.to_string(), Kind::Failed),
            Self::Service(e) => (e.to_string(), Kind::Invalid),
            Self::Report(e) => (e.to_string(), Kind::Failed),
            Self::Sheet(e @ bienphong_sheets::SheetError::Write(_)) => {
                (e.message(lang), Kind::Failed)
            }
            Self::Sheet(e) => (e.message(lang), Kind::Invalid),
            Self::Message(key, args, kind) => (lang.text(key, args), *kind),
            Self::Other(e) => (format!("{e:#}"), Kind::Failed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{CliError, Kind};
    use bienphong_domain::{Problem, RecordId, ValidationError};
    use bienphong_i18n::Lang;
    use bienphong_store::StoreError;

    #[test]
    fn each_kind_has_its_own_exit_code() {
        let kinds = [Kind::Failed, Kind::Invalid, Kind::NotFound, Kind::Conflict];
        let codes: Vec<u8> = kinds.iter().map(|k| k.exit_code()).collect();
        assert_eq!(codes, [1, 2, 3, 4]);
    }

    #[test]
    fn an_error_reaches_its_kind_by_whichever_layer_it_came_through() {
        let id = RecordId::new();
        let direct: CliError = StoreError::NotFound(id).into();
        let through_report = CliError::Report(bienphong_report::ReportError::Service(
            bienphong_service::ServiceError::Store(StoreError::NotFound(id)),
        ));
        assert_eq!(direct.render(Lang::Vi), through_report.render(Lang::Vi));
        assert_eq!(direct.render(Lang::Vi).1, Kind::NotFound);
        let invalid: CliError = ValidationError::new("unit", Problem::Missing).into();
        assert_eq!(invalid.render(Lang::En).1, Kind::Invalid);
    }
}
