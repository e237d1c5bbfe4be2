//! Reporting periods. Administrative reports cut off on the 14th (Decree
//! 09/2019/NĐ-CP, art. 12): year Y runs 15/12/Y-1 – 14/12/Y. Calendar periods
//! are a setting; a period always knows its exact first and last day.

use crate::Date;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Cutoff {
    /// Data from the 15th of the previous month to the 14th.
    #[default]
    Decree09,
    /// Calendar months.
    Calendar,
}

/// The one reader of a cut-off's name, for every edge (CLI flag, page and
/// API parameter): `decree09` or `calendar`.
impl std::str::FromStr for Cutoff {
    type Err = crate::ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "decree09" => Ok(Self::Decree09),
            "calendar" => Ok(Self::Calendar),
            other => Err(crate::ValidationError::new(
                "cutoff",
                crate::Problem::UnknownValue {
                    value: other.to_string(),
                    expected: "decree09, calendar".to_string(),
                },
            )),
        }
    }
}

/// A reporting year, the one range every edge accepts: 1900–2200. Wide
/// enough for archives typed in from paper and for plans decades ahead;
/// narrow enough that a mistyped year (20233, 203) is caught rather than
/// reported on as an empty period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(i16);

impl Year {
    pub const FIRST: i16 = 1900;
    pub const LAST: i16 = 2200;

    pub fn new(year: i16) -> Result<Self, crate::ValidationError> {
        if (Self::FIRST..=Self::LAST).contains(&year) {
            Ok(Self(year))
        } else {
            Err(Self::refused(&year.to_string()))
        }
    }

    pub fn get(self) -> i16 {
        self.0
    }

    fn refused(value: &str) -> crate::ValidationError {
        crate::ValidationError::new(
            "year",
            crate::Problem::UnknownValue {
                value: value.to_string(),
                expected: format!("{}–{}", Self::FIRST, Self::LAST),
            },
        )
    }
}

/// The one reader of a year, for every edge.
impl std::str::FromStr for Year {
    type Err = crate::ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        s.parse::<i16>()
            .map_err(|_| Self::refused(s))
            .and_then(Self::new)
    }
}

/// An inclusive range of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

/// A named reporting period: a month, quarter, half, the first nine months
/// or the year `year`; its days depend on the cut-off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PeriodKind {
    /// `month` in 1..=12.
    Month {
        year: i16,
        month: i8,
    },
    /// `quarter` in 1..=4.
    Quarter {
        year: i16,
        quarter: i8,
    },
    /// `half` 1 (first) or 2 (second).
    Half {
        year: i16,
        half: i8,
    },
    NineMonths {
        year: i16,
    },
    Year {
        year: i16,
    },
}

impl PeriodKind {
    /// Its days under `cutoff`.
    pub fn period(self, cutoff: Cutoff) -> Period {
        match self {
            Self::Month { year, month } => Period::month(year, month, cutoff),
            Self::Quarter { year, quarter } => Period::quarter(year, quarter, cutoff),
            Self::Half { year, half } => Period::half(year, half, cutoff),
            Self::NineMonths { year } => Period::nine_months(year, cutoff),
            Self::Year { year } => Period::year(year, cutoff),
        }
    }
}

/// Decree 09 months run from the 15th of the month before to the 14th.
const CUTOFF_DAY: i8 = 14;

impl Period {
    pub fn new(from: Date, to: Date) -> Option<Self> {
        (from <= to).then_some(Self { from, to })
    }

    /// Months `first..=last` of `year` (1-based; `first` may reach back into
    /// the previous year as 0 = December, for Decree 09).
    fn months(year: i16, first: i8, last: i8, cutoff: Cutoff) -> Self {
        let first_month_start = Date::new(year, 1, 1)
            .unwrap_or(Date::MIN)
            .saturating_add(i32::from(first - 1).months());
        let last_month_start = Date::new(year, 1, 1)
            .unwrap_or(Date::MIN)
            .saturating_add(i32::from(last - 1).months());
        match cutoff {
            Cutoff::Calendar => Self {
                from: first_month_start,
                to: last_month_start.last_of_month(),
            },
            Cutoff::Decree09 => Self {
                from: first_month_start
                    .saturating_sub(1.month())
                    .with()
                    .day(CUTOFF_DAY + 1)
                    .build()
                    .unwrap_or(first_month_start),
                to: last_month_start
                    .with()
                    .day(CUTOFF_DAY)
                    .build()
                    .unwrap_or(last_month_start),
            },
        }
    }

    pub fn year(year: i16, cutoff: Cutoff) -> Self {
        Self::months(year, 1, 12, cutoff)
    }

    /// `quarter` in 1..=4.
    pub fn quarter(year: i16, quarter: i8, cutoff: Cutoff) -> Self {
        let q = quarter.clamp(1, 4);
        Self::months(year, (q - 1) * 3 + 1, q * 3, cutoff)
    }

    /// `month` in 1..=12.
    pub fn month(year: i16, month: i8, cutoff: Cutoff) -> Self {
        let m = month.clamp(1, 12);
        Self::months(year, m, m, cutoff)
    }

    /// `half` 1 or 2.
    pub fn half(year: i16, half: i8, cutoff: Cutoff) -> Self {
        if half <= 1 {
            Self::months(year, 1, 6, cutoff)
        } else {
            Self::months(year, 7, 12, cutoff)
        }
    }

    /// Nine months, a local habit for the third-quarter review.
    pub fn nine_months(year: i16, cutoff: Cutoff) -> Self {
        Self::months(year, 1, 9, cutoff)
    }

    pub fn contains(&self, d: Date) -> bool {
        self.from <= d && d <= self.to
    }

    pub fn overlaps(&self, from: Option<Date>, to: Option<Date>) -> bool {
        from.is_none_or(|f| f <= self.to) && to.is_none_or(|t| t >= self.from)
    }

    /// The same days one year earlier, for "so với cùng kỳ".
    pub fn previous_year(&self) -> Self {
        Self {
            from: self.from.saturating_sub(1.year()),
            to: self.to.saturating_sub(1.year()),
        }
    }

    /// Which named reporting period these days are, and under which cut-off:
    /// `None` for any other range of days.
    pub fn kind(&self) -> Option<(PeriodKind, Cutoff)> {
        let year = self.to.year();
        let mut kinds = vec![PeriodKind::Year { year }, PeriodKind::NineMonths { year }];
        kinds.extend((1..=2).map(|half| PeriodKind::Half { year, half }));
        kinds.extend((1..=4).map(|quarter| PeriodKind::Quarter { year, quarter }));
        kinds.extend((1..=12).map(|month| PeriodKind::Month { year, month }));
        [Cutoff::Decree09, Cutoff::Calendar]
            .into_iter()
            .flat_map(|cutoff| kinds.iter().map(move |k| (*k, cutoff)))
            .find(|(k, cutoff)| k.period(*cutoff) == *self)
    }

    /// The reporting year and quarter a day belongs to under `cutoff`.
    pub fn quarter_of(d: Date, cutoff: Cutoff) -> (i16, i8) {
        let (mut year, mut month) = (d.year(), d.month());
        if cutoff == Cutoff::Decree09 && d.day() > CUTOFF_DAY {
            if month == 12 {
                year += 1;
                month = 1;
            } else {
                month += 1;
            }
        }
        (year, (month - 1) / 3 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn decree09_year_runs_15_dec_to_14_dec() {
        let y = Period::year(2023, Cutoff::Decree09);
        assert_eq!(y.from, date(2022, 12, 15));
        assert_eq!(y.to, date(2023, 12, 14));
        assert!(y.contains(date(2022, 12, 15)));
        assert!(!y.contains(date(2022, 12, 14)));
        assert!(y.contains(date(2023, 12, 14)));
        assert!(!y.contains(date(2023, 12, 15)));
    }

    #[test]
    fn calendar_year() {
        let y = Period::year(2023, Cutoff::Calendar);
        assert_eq!((y.from, y.to), (date(2023, 1, 1), date(2023, 12, 31)));
    }

    #[test]
    fn decree09_quarters_months_halves() {
        let q1 = Period::quarter(2024, 1, Cutoff::Decree09);
        assert_eq!((q1.from, q1.to), (date(2023, 12, 15), date(2024, 3, 14)));
        let q4 = Period::quarter(2024, 4, Cutoff::Decree09);
        assert_eq!((q4.from, q4.to), (date(2024, 9, 15), date(2024, 12, 14)));
        let m3 = Period::month(2024, 3, Cutoff::Decree09);
        assert_eq!((m3.from, m3.to), (date(2024, 2, 15), date(2024, 3, 14)));
        let m1 = Period::month(2024, 1, Cutoff::Decree09);
        assert_eq!((m1.from, m1.to), (date(2023, 12, 15), date(2024, 1, 14)));
        let h1 = Period::half(2024, 1, Cutoff::Decree09);
        assert_eq!((h1.from, h1.to), (date(2023, 12, 15), date(2024, 6, 14)));
        let h2 = Period::half(2024, 2, Cutoff::Decree09);
        assert_eq!((h2.from, h2.to), (date(2024, 6, 15), date(2024, 12, 14)));
        let n = Period::nine_months(2024, Cutoff::Decree09);
        assert_eq!((n.from, n.to), (date(2023, 12, 15), date(2024, 9, 14)));
        let feb = Period::month(2024, 2, Cutoff::Calendar);
        assert_eq!((feb.from, feb.to), (date(2024, 2, 1), date(2024, 2, 29)));
    }

    #[test]
    fn quarter_of_a_day() {
        assert_eq!(
            Period::quarter_of(date(2023, 12, 14), Cutoff::Decree09),
            (2023, 4)
        );
        assert_eq!(
            Period::quarter_of(date(2023, 12, 15), Cutoff::Decree09),
            (2024, 1)
        );
        assert_eq!(
            Period::quarter_of(date(2023, 3, 15), Cutoff::Decree09),
            (2023, 2)
        );
        assert_eq!(
            Period::quarter_of(date(2023, 3, 15), Cutoff::Calendar),
            (2023, 1)
        );
    }

    #[test]
    fn named_periods_are_recognised_from_their_days() {
        let kinds = [
            PeriodKind::Year { year: 2024 },
            PeriodKind::NineMonths { year: 2024 },
            PeriodKind::Half {
                year: 2024,
                half: 1,
            },
            PeriodKind::Half {
                year: 2024,
                half: 2,
            },
            PeriodKind::Quarter {
                year: 2024,
                quarter: 1,
            },
            PeriodKind::Quarter {
                year: 2024,
                quarter: 4,
            },
            PeriodKind::Month {
                year: 2024,
                month: 1,
            },
            PeriodKind::Month {
                year: 2024,
                month: 12,
            },
        ];
        for cutoff in [Cutoff::Decree09, Cutoff::Calendar] {
            for k in kinds {
                assert_eq!(
                    k.period(cutoff).kind(),
                    Some((k, cutoff)),
                    "{k:?} {cutoff:?}"
                );
            }
        }
        // Q1 2024 by Decree 09 is 15/12/2023 – 14/03/2024.
        assert_eq!(
            Period::new(date(2023, 12, 15), date(2024, 3, 14)).and_then(|p| p.kind()),
            Some((
                PeriodKind::Quarter {
                    year: 2024,
                    quarter: 1
                },
                Cutoff::Decree09
            ))
        );
        assert_eq!(
            Period::new(date(2024, 3, 1), date(2024, 3, 20)).and_then(|p| p.kind()),
            None
        );
        // The same days a year earlier are the same named period of the year before.
        let q = Period::quarter(2024, 1, Cutoff::Decree09).previous_year();
        assert_eq!((q.from, q.to), (date(2022, 12, 15), date(2023, 3, 14)));
        assert_eq!(
            q.kind(),
            Some((
                PeriodKind::Quarter {
                    year: 2023,
                    quarter: 1
                },
                Cutoff::Decree09
            ))
        );
    }

    proptest::proptest! {
        #[test]
        fn decree09_quarters_tile_the_year(year in 2000i16..2100, day in 0i32..365) {
            let y = Period::year(year, Cutoff::Decree09);
            let d = y.from.saturating_add(day.days());
            proptest::prop_assume!(y.contains(d));
            let (qy, q) = Period::quarter_of(d, Cutoff::Decree09);
            proptest::prop_assert_eq!(qy, year);
            proptest::prop_assert!(Period::quarter(year, q, Cutoff::Decree09).contains(d));
        }
    }
}

#[cfg(test)]
mod year_and_cutoff {
    use super::*;

    #[test]
    fn years_are_read_within_one_range() {
        assert_eq!("1900".parse::<Year>().map(Year::get), Ok(1900));
        assert_eq!(" 2200 ".parse::<Year>().map(Year::get), Ok(2200));
        for bad in ["1899", "2201", "abcd", "", "20233", "2023.5"] {
            let e = bad.parse::<Year>().unwrap_err();
            assert_eq!(e.field, "year", "{bad}");
            assert!(
                matches!(e.problem, crate::Problem::UnknownValue { .. }),
                "{bad}"
            );
        }
    }

    #[test]
    fn cutoffs_are_named_decree09_or_calendar() {
        assert_eq!("decree09".parse::<Cutoff>(), Ok(Cutoff::Decree09));
        assert_eq!("calendar".parse::<Cutoff>(), Ok(Cutoff::Calendar));
        let e = "lunar".parse::<Cutoff>().unwrap_err();
        assert_eq!(e.field, "cutoff");
    }
}
