//! What can be wrong with input, named by field so the edge can say which one.

use thiserror::Error;

/// One thing wrong with one field of an input. The message shown to people is
/// chosen at the edge from `problem` in their language; `Display` is English.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {problem}")]
pub struct ValidationError {
    pub field: String,
    pub problem: Problem,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self {
            field: field.into(),
            problem,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Problem {
    #[error("is required")]
    Missing,
    #[error("must not be empty")]
    Empty,
    #[error("is not a valid date: {0} (use DD/MM/YYYY or YYYY-MM-DD)")]
    InvalidDate(String),
    #[error("is not a valid number: {0}")]
    InvalidNumber(String),
    #[error("must be a whole number: {0}")]
    NotInteger(String),
    #[error("must not be negative: {0}")]
    Negative(String),
    #[error("must be greater than zero")]
    NotPositive,
    #[error("has more than {max} decimal places: {value}")]
    TooManyDecimals { value: String, max: u32 },
    #[error("is too large: {0}")]
    TooLarge(String),
    #[error("{value} is above the limit of {max}")]
    AboveLimit { value: String, max: String },
    #[error("has {chars} characters, more than the limit of {max}")]
    TooLong { chars: usize, max: usize },
    #[error(
        "{date} is after today ({today}): a record of what happened cannot be dated in the future"
    )]
    InFuture { date: String, today: String },
    #[error("is not a valid code: {0} (letters A-Z, digits, '.', '-', '_')")]
    InvalidCode(String),
    #[error("unknown unit {0}")]
    UnknownUnit(String),
    #[error("unit {code} is not valid on {date}")]
    UnitNotValidOn { code: String, date: String },
    #[error("unit {code} is a {actual}, expected {expected}")]
    WrongUnitKind {
        code: String,
        actual: String,
        expected: String,
    },
    #[error("unknown {catalogue} entry {code}")]
    UnknownCatalogueEntry { catalogue: String, code: String },
    #[error("unknown border marker {number} of post {post}")]
    UnknownMarker { number: String, post: String },
    #[error("unit {0} already exists")]
    DuplicateUnit(String),
    #[error("administrative code {code} is in force on the same days as {other}")]
    CodesOverlap { code: String, other: String },
    #[error("administrative code {code} is held by {unit} on the same days")]
    CodeTaken { code: String, unit: String },
    #[error("{name} names more than one unit: {units}")]
    AmbiguousUnit { name: String, units: String },
    #[error("{0} is listed twice")]
    Duplicate(String),
    #[error("must not be before {0}")]
    DateBefore(String),
    #[error("unknown value {value}; expected one of {expected}")]
    UnknownValue { value: String, expected: String },
    #[error("unknown record {0}")]
    UnknownRecord(String),
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// Status, date and figures of a briefing report are set by submitting it.
    #[error("is set by submitting the report")]
    SetBySubmission,
    #[error("the report has been submitted and can no longer be changed")]
    AlreadySubmitted,
    #[error("a report of {0} for this quarter already exists")]
    ReportExists(String),
    /// A file whose bytes are of a type that may not be attached.
    #[error(
        "is a file of type {0}, which cannot be attached (PDF, DOCX, XLSX, ODT, ODS, JPEG, PNG, plain text or GPX)"
    )]
    FileTypeRefused(String),
    /// A file larger than the configured limit.
    #[error("is larger than the limit of {0}")]
    FileTooLarge(String),
    #[error("is not a SHA-256 (64 lowercase hex digits): {0}")]
    InvalidHash(String),
    #[error("unit {code} would have no parent from {date}")]
    Orphan { code: String, date: String },
    #[error("{count} records dated after {date} still refer to unit {code}")]
    RecordsAfterEnd {
        code: String,
        count: usize,
        date: String,
    },
    #[error("the link {code} would be valid twice on the same days")]
    ValidityOverlap { code: String },
    /// Personal details of a beneficiary without a recorded consent.
    #[error("is required: personal details are kept only with a recorded consent")]
    ConsentMissing,
    /// A child's details without the legal representative who consented.
    #[error("is required: a child's details need the consent of a legal representative")]
    RepresentativeMissing,
    /// A child of 7 or older who has not consented.
    #[error("is required: a child of 7 or older must consent too")]
    ChildConsentMissing,
    #[error("is after the day consent was given ({0})")]
    BornAfterConsent(String),
    /// How a document was exchanged is written by its edXML packets only.
    #[error("is set by the document's edXML packets only")]
    SetByExchange,
    #[error("is not a readable GPX file: {0}")]
    GpxMalformed(String),
    #[error("holds no track or route point")]
    TrackEmpty,
    #[error("time goes backwards at point {point}: {time} is before {previous}")]
    TimeBackwards {
        point: usize,
        time: String,
        previous: String,
    },
    #[error("jumps {distance} m at point {point}, faster than anything on the border moves")]
    ImpossibleJump { point: usize, distance: String },
    #[error(
        "reaches {speed} km/h, more than the {max} km/h plausible on {means}: confirm it if it is right"
    )]
    ImplausibleSpeed {
        speed: String,
        means: String,
        max: String,
    },
    #[error("is not a WGS84 coordinate: {0}")]
    CoordinateInvalid(String),
    #[error("{point} lies outside the area of the province's places ({area})")]
    OutsideArea { point: String, area: String },
    #[error("is not a valid area or line: {0}")]
    ShapeInvalid(String),
    #[error("ring {ring} of polygon {polygon} crosses itself near {point}")]
    RingCrosses {
        polygon: usize,
        ring: usize,
        point: String,
    },
}

/// What kind of failure an error is, as the edges answer it: the CLI turns
/// a kind into its exit code and the web into its HTTP status, each in one
/// table, whatever layer the error came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The input is wrong; the same input will always be refused.
    Invalid,
    /// The request itself cannot be read: a damaged file or message, a
    /// parameter that is not of its form. Refused before its content is
    /// looked at.
    Malformed,
    /// What was named does not exist (or is deleted).
    NotFound,
    /// A record was named through another type's collection or flag.
    WrongType,
    /// The input is fine but the stored state refuses it now: a stale
    /// base, a record in conflict, a name already taken.
    Conflict,
    /// The person may not do this.
    Forbidden,
    /// The store cannot be used now: it does not open, its disk is full,
    /// it was written by a newer program. Saying why helps the user.
    Unavailable,
    /// A fault of the program or its data: logged, and worded generally.
    Internal,
}

/// An error worded for people: its kind, the code the API answers, and
/// the message as a key of the Fluent files with its arguments. Each
/// layer's error describes itself once; every edge words it from here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Described {
    pub kind: ErrorKind,
    /// The API's machine code: "not_found", "stale", "in_conflict"…
    pub code: &'static str,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// The input field the error is about, when it is about one: the edges
    /// name it before the message ("lead_unit: …") and the API lists it.
    pub field: Option<String>,
}

impl Described {
    pub fn new(kind: ErrorKind, code: &'static str, key: &'static str) -> Self {
        Self {
            kind,
            code,
            key,
            args: Vec::new(),
            field: None,
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    /// The same, about the input field `field`.
    pub fn on_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl ValidationError {
    /// The one description of a refused input: invalid, about its field,
    /// worded by the key of its problem.
    pub fn describe(&self) -> Described {
        let (key, args) = self.problem.message(&self.field);
        Described {
            kind: ErrorKind::Invalid,
            code: "invalid",
            key,
            args,
            field: Some(self.field.clone()),
        }
    }
}

impl Problem {
    /// The key of this problem's message in the Fluent files and its
    /// arguments, for a value of `field`.
    pub fn message(&self, field: &str) -> (&'static str, Vec<(&'static str, String)>) {
        let field = ("field", field.to_string());
        let v = |s: &str| ("value", s.to_string());
        let count = |n: usize| crate::format::integer(i64::try_from(n).unwrap_or(i64::MAX));
        match self {
            Problem::Missing => ("field-missing", vec![field]),
            Problem::Empty => ("field-empty", vec![field]),
            Problem::InvalidDate(s) => ("field-invalid-date", vec![field, v(s)]),
            Problem::InvalidNumber(s) => ("field-invalid-number", vec![field, v(s)]),
            Problem::NotInteger(s) => ("field-not-integer", vec![field, v(s)]),
            Problem::Negative(s) => ("field-negative", vec![field, v(s)]),
            Problem::NotPositive => ("field-not-positive", vec![field]),
            Problem::TooManyDecimals { value, max } => (
                "field-too-many-decimals",
                vec![field, v(value), ("max", max.to_string())],
            ),
            Problem::TooLarge(s) => ("field-too-large", vec![field, v(s)]),
            Problem::AboveLimit { value, max } => (
                "field-above-limit",
                vec![field, v(value), ("max", max.clone())],
            ),
            Problem::TooLong { chars, max } => (
                "field-too-long",
                vec![field, ("chars", count(*chars)), ("max", count(*max))],
            ),
            Problem::InFuture { date, today } => (
                "field-in-future",
                vec![field, ("date", date.clone()), ("today", today.clone())],
            ),
            Problem::InvalidCode(s) => ("field-invalid-code", vec![field, v(s)]),
            Problem::UnknownUnit(s) => ("field-unknown-unit", vec![field, v(s)]),
            Problem::UnitNotValidOn { code, date } => (
                "field-unit-not-valid",
                vec![field, v(code), ("date", date.clone())],
            ),
            Problem::WrongUnitKind {
                code,
                actual,
                expected,
            } => (
                "field-wrong-unit-kind",
                vec![
                    field,
                    v(code),
                    ("actual", actual.clone()),
                    ("expected", expected.clone()),
                ],
            ),
            Problem::UnknownCatalogueEntry { catalogue, code } => (
                "field-unknown-entry",
                vec![field, v(code), ("catalogue", catalogue.clone())],
            ),
            Problem::UnknownMarker { number, post } => (
                "field-unknown-marker",
                vec![field, v(number), ("post", post.clone())],
            ),
            Problem::DuplicateUnit(s) => ("field-duplicate-unit", vec![field, v(s)]),
            Problem::Duplicate(s) => ("field-duplicate", vec![field, v(s)]),
            Problem::AmbiguousUnit { name, units } => (
                "field-ambiguous-unit",
                vec![field, v(name), ("units", units.clone())],
            ),
            Problem::CodesOverlap { code, other } => (
                "field-codes-overlap",
                vec![field, v(code), ("other", other.clone())],
            ),
            Problem::CodeTaken { code, unit } => (
                "field-code-taken",
                vec![field, v(code), ("unit", unit.clone())],
            ),
            Problem::DateBefore(s) => ("field-date-before", vec![field, v(s)]),
            Problem::UnknownValue { value, expected } => (
                "field-unknown-value",
                vec![field, v(value), ("expected", expected.clone())],
            ),
            Problem::UnknownRecord(s) => ("field-unknown-record", vec![field, v(s)]),
            Problem::MalformedJson(s) => ("field-malformed-json", vec![field, v(s)]),
            Problem::SetBySubmission => ("field-set-by-submission", vec![field]),
            Problem::AlreadySubmitted => ("field-already-submitted", vec![field]),
            Problem::ReportExists(s) => ("field-report-exists", vec![field, v(s)]),
            Problem::FileTypeRefused(s) => ("field-file-type-refused", vec![field, v(s)]),
            Problem::FileTooLarge(s) => ("field-file-too-large", vec![field, ("max", s.clone())]),
            Problem::InvalidHash(s) => ("field-invalid-hash", vec![field, v(s)]),
            Problem::Orphan { code, date } => {
                ("field-orphan", vec![field, v(code), ("date", date.clone())])
            }
            Problem::RecordsAfterEnd {
                code,
                count: n,
                date,
            } => (
                "field-records-after-end",
                vec![field, v(code), ("count", count(*n)), ("date", date.clone())],
            ),
            Problem::ValidityOverlap { code } => ("field-validity-overlap", vec![field, v(code)]),
            Problem::ConsentMissing => ("field-consent-missing", vec![field]),
            Problem::RepresentativeMissing => ("field-representative-missing", vec![field]),
            Problem::ChildConsentMissing => ("field-child-consent-missing", vec![field]),
            Problem::BornAfterConsent(s) => ("field-born-after-consent", vec![field, v(s)]),
            Problem::SetByExchange => ("field-set-by-exchange", vec![field]),
            Problem::GpxMalformed(s) => ("field-gpx-malformed", vec![field, v(s)]),
            Problem::TrackEmpty => ("field-track-empty", vec![field]),
            Problem::TimeBackwards {
                point,
                time,
                previous,
            } => (
                "field-time-backwards",
                vec![
                    field,
                    ("point", count(*point)),
                    ("time", time.clone()),
                    ("previous", previous.clone()),
                ],
            ),
            Problem::ImpossibleJump { point, distance } => (
                "field-impossible-jump",
                vec![
                    field,
                    ("point", count(*point)),
                    ("distance", distance.clone()),
                ],
            ),
            Problem::ImplausibleSpeed { speed, means, max } => (
                "field-implausible-speed",
                vec![
                    field,
                    ("speed", speed.clone()),
                    ("means", means.clone()),
                    ("max", max.clone()),
                ],
            ),
            Problem::CoordinateInvalid(s) => ("field-coordinate-invalid", vec![field, v(s)]),
            Problem::OutsideArea { point, area } => (
                "field-outside-area",
                vec![field, ("point", point.clone()), ("area", area.clone())],
            ),
            Problem::ShapeInvalid(s) => ("field-shape-invalid", vec![field, v(s)]),
            Problem::RingCrosses {
                polygon,
                ring,
                point,
            } => (
                "field-ring-crosses",
                vec![
                    field,
                    ("polygon", count(*polygon)),
                    ("ring", count(*ring)),
                    ("point", point.clone()),
                ],
            ),
        }
    }
}
