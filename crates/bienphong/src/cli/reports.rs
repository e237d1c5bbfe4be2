//! Reports and briefings: what they cover, their format and letterhead.

use super::{parse_cutoff, parse_year};
use bienphong_domain::Cutoff;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// The annual review: patrols, cases, seizures, briefings, documents,
    /// programmes, propaganda, disaster and rescue.
    Annual(AnnualArgs),
    /// The figures of any period (month, quarter, half, nine months, year or
    /// a range of days) compared with the same period of the previous year,
    /// with tables by unit and by type.
    Summary(SummaryArgs),
    /// A document record as a DOCX, in the letterhead the reports use: its
    /// issuer, number, date, subject, recipients, the actions it assigns
    /// and each required signer's block as the sign-off stands.
    Document(DocumentArgs),
}

#[derive(Args, Debug)]
pub struct DocumentArgs {
    /// The document record's id.
    pub id: String,
    /// Write to this file (needed on a terminal).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

/// Which quarter's briefing.
#[derive(Args, Debug, Clone, Copy)]
pub struct QuarterArgs {
    #[arg(long, value_parser = parse_year)]
    pub year: i16,
    #[arg(long, value_parser = clap::value_parser!(i8).range(1..=4))]
    pub quarter: i8,
    #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
    pub cutoff: Cutoff,
    /// Days after the quarter's last day a report is due.
    #[arg(long, default_value_t = bienphong_domain::briefing::DEFAULT_DUE_DAYS,
          value_parser = clap::value_parser!(i32).range(0..=90))]
    pub due_days: i32,
}

impl QuarterArgs {
    pub fn quarter(&self) -> bienphong_report::BriefingQuarter {
        bienphong_report::BriefingQuarter {
            year: self.year,
            quarter: self.quarter,
            cutoff: self.cutoff,
            due_days: self.due_days,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum BriefingCommand {
    /// Every post and border commune that owes the quarter's report, and
    /// whether it has submitted, is late or is not yet due; the open actions
    /// of earlier briefings.
    Status {
        #[command(flatten)]
        quarter: QuarterArgs,
        /// A unit: those below it (default: all).
        #[arg(long)]
        scope: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
    },
    /// A unit's report: its figures (live in a draft, frozen once submitted,
    /// with what has changed since), its narrative and the open actions.
    Show {
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        quarter: QuarterArgs,
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Aggregates only, for the unclassified national reporting system
        /// (Decree 09/2019): the counts alone, no narrative, no names, no
        /// case details, counts 1–4 shown as "<5"; md, json, xlsx or csv.
        #[arg(long)]
        aggregate_only: bool,
        /// Boxed: the letterhead's many options would make every other
        /// command as large.
        #[command(flatten)]
        letterhead: Box<LetterheadArgs>,
    },
    /// Write the narrative of a unit's draft (created if it has none).
    Write {
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        quarter: QuarterArgs,
        /// Results (kết quả đạt được).
        #[arg(long)]
        results: Option<String>,
        /// Shortcomings (tồn tại, hạn chế).
        #[arg(long)]
        shortcomings: Option<String>,
        /// Proposals (đề xuất, kiến nghị).
        #[arg(long)]
        proposals: Option<String>,
        /// A position that must sign it: position@UNIT (repeat; replaces
        /// those set before).
        #[arg(long = "signer", value_name = "POSITION@UNIT")]
        signers: Vec<String>,
    },
    /// Submit a unit's draft: its figures are frozen as the records give
    /// them today, and it can no longer be changed.
    Submit {
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        quarter: QuarterArgs,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Md,
    Json,
    /// Word, in the state format of Decree 30/2020 (needs -o FILE on a terminal).
    Docx,
    /// Excel: the report's tables, one sheet each.
    Xlsx,
    /// The report's tables as CSV (UTF-8 with a byte-order mark), one after
    /// another, each under a line with its name.
    Csv,
}

#[derive(Args, Debug)]
pub struct AnnualArgs {
    #[arg(long, value_parser = parse_year)]
    pub year: i16,
    /// A unit code: the report covers it and the units below it.
    #[arg(long)]
    pub scope: Option<String>,
    /// Count the year's records for the units of this day (DD/MM/YYYY),
    /// across reorganisations, instead of as the units were; with --scope.
    #[arg(long, requires = "scope")]
    pub map_to: Option<String>,
    #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
    pub cutoff: Cutoff,
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// Aggregates only, for the unclassified national reporting system
    /// (Decree 09/2019): tables of counts, no names, no case details, counts
    /// 1–4 shown as "<5" with complementary suppression; md, json, xlsx or csv.
    #[arg(long)]
    pub aggregate_only: bool,
    #[command(flatten)]
    pub letterhead: LetterheadArgs,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Style {
    /// Decree 30/2020/NĐ-CP, for state bodies.
    State,
    /// Hướng dẫn 36-HD/VPTW, for Party committees.
    Party,
}

/// The head and foot of an official document (DOCX). What is not given
/// follows from the issuing unit (the scope's) and the style.
#[derive(Args, Debug)]
pub struct LetterheadArgs {
    #[arg(long, value_enum, default_value_t = Style::State)]
    pub style: Style,
    /// The body above the issuer (default: the issuer's superior).
    #[arg(long)]
    pub parent_body: Option<String>,
    /// The issuing body (default: the scope's unit, or the Border Guard
    /// command of a province; its Party committee with --style party).
    #[arg(long)]
    pub issuer: Option<String>,
    /// The document's number in the issuer's register for the year.
    #[arg(long, conflicts_with = "register")]
    pub number: Option<u32>,
    /// Take the next number from the issuer's register, kept per style:
    /// the state's one series a year for every kind of document, the
    /// Party's one series per kind through the committee's term.
    #[arg(long)]
    pub register: bool,
    /// The Party committee's term its register numbers in, e.g. 2020-2025
    /// (default: the five-year cycle of congresses the date falls in).
    #[arg(long, value_parser = parse_term)]
    pub term: Option<String>,
    /// The symbol after the number (default: the issuer's, e.g. BC-BĐBP,
    /// BC-ĐBP, BC/ĐU).
    #[arg(long)]
    pub symbol: Option<String>,
    /// Place in the date line (default: the issuer's province, district or commune).
    #[arg(long)]
    pub place: Option<String>,
    /// Date of the document, DD/MM/YYYY (default: today).
    #[arg(long)]
    pub date: Option<String>,
    /// A classification mark, e.g. MẬT.
    #[arg(long)]
    pub classification: Option<String>,
    /// A recipient for "Nơi nhận", after the superior body (repeatable).
    #[arg(long)]
    pub recipient: Vec<String>,
    /// On whose behalf the signer signs, e.g. "TM. ĐẢNG ỦY" or "KT. CHỈ HUY TRƯỞNG".
    #[arg(long)]
    pub signing_for: Option<String>,
    /// The signer's title (default: the issuer's, e.g. ĐỒN TRƯỞNG).
    #[arg(long)]
    pub signer_title: Option<String>,
    #[arg(long)]
    pub signer_name: Option<String>,
}

fn parse_term(text: &str) -> Result<String, String> {
    bienphong_report::parse_term(text).map_err(|e| e.to_string())
}

/// The kinds of reporting period.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum PeriodArg {
    Month,
    Quarter,
    Half,
    NineMonths,
    Year,
}

#[derive(Args, Debug)]
pub struct SummaryArgs {
    /// The kind of period, with --year (and --quarter, --month or --half).
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// The reporting year of the period (Decree 09: year Y begins 15/12/Y-1).
    #[arg(long, value_parser = parse_year)]
    pub year: Option<i16>,
    /// 1 to 4, with --period quarter.
    #[arg(long, conflicts_with_all = ["month", "half"])]
    pub quarter: Option<i8>,
    /// 1 to 12, with --period month.
    #[arg(long, conflicts_with = "half")]
    pub month: Option<i8>,
    /// 1 (first half) or 2 (second half), with --period half.
    #[arg(long)]
    pub half: Option<i8>,
    /// First day of a range of days (DD/MM/YYYY), instead of --period.
    #[arg(long, conflicts_with_all = ["period", "year", "quarter", "month", "half"])]
    pub from: Option<String>,
    /// Last day of the range (DD/MM/YYYY).
    #[arg(long, conflicts_with_all = ["period", "year", "quarter", "month", "half"])]
    pub to: Option<String>,
    #[arg(long, default_value = "decree09", value_parser = parse_cutoff)]
    pub cutoff: Cutoff,
    /// A unit code: the report covers it and the units below it.
    #[arg(long)]
    pub scope: Option<String>,
    /// Count both periods' records for the units of this day (DD/MM/YYYY),
    /// across reorganisations, instead of as the units were; with --scope.
    #[arg(long, requires = "scope")]
    pub map_to: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// Aggregates only, for the unclassified national reporting system
    /// (Decree 09/2019): tables of counts, no names, no case details, counts
    /// 1–4 shown as "<5" with complementary suppression; md, json, xlsx or csv.
    #[arg(long)]
    pub aggregate_only: bool,
    #[command(flatten)]
    pub letterhead: LetterheadArgs,
}

impl SummaryArgs {
    /// The days the options name. A missing, out-of-range or stray option is
    /// named by its flag.
    pub fn period(&self) -> Result<bienphong_domain::Period, bienphong_domain::ValidationError> {
        use bienphong_domain::{PeriodKind, Problem, ValidationError, format};
        let invalid = |field: &str, value: i64, expected: &str| {
            ValidationError::new(
                field,
                Problem::UnknownValue {
                    value: value.to_string(),
                    expected: expected.to_string(),
                },
            )
        };
        if self.from.is_some() || self.to.is_some() {
            let day = |field: &str, value: &Option<String>| {
                let text = value
                    .as_deref()
                    .ok_or_else(|| ValidationError::new(field, Problem::Missing))?;
                format::parse_date(text).map_err(|p| ValidationError::new(field, p))
            };
            let (from, to) = (day("from", &self.from)?, day("to", &self.to)?);
            return bienphong_domain::Period::new(from, to).ok_or_else(|| {
                ValidationError::new("to", Problem::DateBefore(format::date(from)))
            });
        }
        let period = self
            .period
            .ok_or_else(|| ValidationError::new("period", Problem::Missing))?;
        let year = self
            .year
            .ok_or_else(|| ValidationError::new("year", Problem::Missing))?;
        if !(1000..=9999).contains(&year) {
            return Err(invalid("year", year.into(), "1000–9999"));
        }
        // Only the option the kind of period takes.
        let wanted = match period {
            PeriodArg::Quarter => "quarter",
            PeriodArg::Month => "month",
            PeriodArg::Half => "half",
            PeriodArg::NineMonths | PeriodArg::Year => "",
        };
        for (field, value) in [
            ("quarter", self.quarter),
            ("month", self.month),
            ("half", self.half),
        ] {
            if let Some(v) = value
                && field != wanted
            {
                let expected = format!("--period {field}");
                return Err(invalid(field, v.into(), &expected));
            }
        }
        let part = |value: Option<i8>, range: std::ops::RangeInclusive<i8>, expected: &str| {
            let v = value.ok_or_else(|| ValidationError::new(wanted, Problem::Missing))?;
            if range.contains(&v) {
                Ok(v)
            } else {
                Err(invalid(wanted, v.into(), expected))
            }
        };
        let kind = match period {
            PeriodArg::Month => PeriodKind::Month {
                year,
                month: part(self.month, 1..=12, "1–12")?,
            },
            PeriodArg::Quarter => PeriodKind::Quarter {
                year,
                quarter: part(self.quarter, 1..=4, "1, 2, 3, 4")?,
            },
            PeriodArg::Half => PeriodKind::Half {
                year,
                half: part(self.half, 1..=2, "1, 2")?,
            },
            PeriodArg::NineMonths => PeriodKind::NineMonths { year },
            PeriodArg::Year => PeriodKind::Year { year },
        };
        Ok(kind.period(self.cutoff))
    }
}
