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
    Sync(bienphong_sync::SyncError),
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
            bienphong_sync::SyncError::Service(e) => Self::Service(e),
            other => Self::Sync(other),
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

/// The CLI's kind of each kind of error, whatever layer it came from.
fn kind_of(kind: ErrorKind) -> Kind {
    match kind {
        ErrorKind::Invalid | ErrorKind::Malformed | ErrorKind::WrongType | ErrorKind::Forbidden => {
            Kind::Invalid
        }
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

    /// The message in `lang` and the kind, each decided here and nowhere
    /// else: an error of a layer as that layer describes it, its kind
    /// through [`kind_of`]; a write to be confirmed lists its doubts and
    /// how to confirm them.
    pub fn render(&self, lang: Lang) -> (String, Kind) {
        let d = match self {
            Self::Service(e @ ServiceError::NeedsConfirmation(doubts)) => {
                let mut text = lang.described(&e.describe());
                for d in doubts {
                    text.push_str("\n  ");
                    text.push_str(&lang.doubt(d));
                }
                text.push('\n');
                text.push_str(&lang.text("cli-confirm-hint", &[]));
                return (text, Kind::Invalid);
            }
            Self::Message(key, args, kind) => return (lang.text(key, args), *kind),
            Self::Other(e) => return (format!("{e:#}"), Kind::Failed),
            Self::Invalid(e) => e.describe(),
            Self::Service(e) => e.describe(),
            Self::Report(e) => e.describe(),
            Self::Sheet(e) => e.describe(),
            Self::Sync(e) => e.describe(),
        };
        (lang.described(&d), kind_of(d.kind))
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
