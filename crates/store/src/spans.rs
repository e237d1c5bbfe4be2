//! The calendar levels the facts are summed at — day, half-month, month and
//! year, months and years for both cut-offs — and how a period is cut into
//! the fewest of them, so that a report reads a number of rows that does
//! not grow with its period (docs/adr/0021-month-and-year-facts.md).
//!
//! Day keys are `YYYYMMDD`. Bucket keys end in a digit that names the kind:
//! half-months `YYYYMM * 10 + half` (1: days 1–14, 2: 15–end); months
//! `YYYYMM * 10 + 1` (calendar) or `+ 2` (Decree 09: the 15th of the month
//! before to the 14th of `YYYYMM`); years `YYYY * 10 + 1` (calendar) or `+ 2`
//! (Decree 09: 15 December of the year before to 14 December).

use bienphong_domain::format::day_key;
use bienphong_domain::{Date, Period};

/// The first day of a Decree 09 month or year.
const DECREE_FIRST_DAY: i8 = 15;

pub(crate) fn half_month_of_key(day: i64) -> i64 {
    let half = if day % 100 < i64::from(DECREE_FIRST_DAY) {
        1
    } else {
        2
    };
    (day / 100) * 10 + half
}

/// The calendar month and the Decree 09 month of a day.
pub(crate) fn months_of_key(day: i64) -> [i64; 2] {
    let month = day / 100;
    let decree = if day % 100 < i64::from(DECREE_FIRST_DAY) {
        month
    } else if month % 100 == 12 {
        (month / 100 + 1) * 100 + 1
    } else {
        month + 1
    };
    [month * 10 + 1, decree * 10 + 2]
}

/// The calendar year and the Decree 09 year of a day.
pub(crate) fn years_of_key(day: i64) -> [i64; 2] {
    let year = day / 10_000;
    let decree = if day % 10_000 < 1200 + i64::from(DECREE_FIRST_DAY) {
        year
    } else {
        year + 1
    };
    [year * 10 + 1, decree * 10 + 2]
}

/// A period as the fewest blocks, largest first at each day: the buckets
/// of each level, and runs of days (inclusive day keys) at its edges.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Blocks {
    pub years: Vec<i64>,
    pub months: Vec<i64>,
    pub half_months: Vec<i64>,
    pub days: Vec<(i64, i64)>,
}

pub(crate) fn blocks(p: Period) -> Blocks {
    let mut out = Blocks::default();
    let mut days: Vec<(Date, Date)> = Vec::new();
    let mut at = p.from;
    while at <= p.to {
        let fits = |end: Option<Date>| end.filter(|e| *e <= p.to);
        let (y, m, d) = (at.year(), at.month(), at.day());
        let (next_y, next_m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let key = day_key(at);
        let end = if let Some(end) = fits(Date::new(y, 12, 31).ok()).filter(|_| m == 1 && d == 1) {
            out.years.push(years_of_key(key)[0]);
            end
        } else if let Some(end) =
            fits(Date::new(next_y, 12, 14).ok()).filter(|_| m == 12 && d == DECREE_FIRST_DAY)
        {
            out.years.push(years_of_key(key)[1]);
            end
        } else if let Some(end) = fits(Some(at.last_of_month())).filter(|_| d == 1) {
            out.months.push(months_of_key(key)[0]);
            end
        } else if let Some(end) = fits(Date::new(next_y, next_m, DECREE_FIRST_DAY - 1).ok())
            .filter(|_| d == DECREE_FIRST_DAY)
        {
            out.months.push(months_of_key(key)[1]);
            end
        } else {
            let half_end = if d < DECREE_FIRST_DAY {
                Date::new(y, m, DECREE_FIRST_DAY - 1).unwrap_or(at)
            } else {
                at.last_of_month()
            };
            if let Some(end) = fits(Some(half_end)).filter(|_| d == 1 || d == DECREE_FIRST_DAY) {
                out.half_months.push(half_month_of_key(key));
                end
            } else {
                let end = half_end.min(p.to);
                match days.last_mut() {
                    Some((_, last)) if last.tomorrow().ok() == Some(at) => *last = end,
                    _ => days.push((at, end)),
                }
                end
            }
        };
        match end.tomorrow() {
            Ok(next) => at = next,
            Err(_) => break,
        }
    }
    out.days = days
        .into_iter()
        .map(|(a, b)| (day_key(a), day_key(b)))
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bienphong_domain::Cutoff;
    use jiff::civil::date;

    fn period(from: Date, to: Date) -> Period {
        Period::new(from, to).unwrap()
    }

    #[test]
    fn years_of_either_cut_off_are_one_block() {
        for (cutoff, bucket) in [(Cutoff::Decree09, 20232), (Cutoff::Calendar, 20231)] {
            assert_eq!(
                blocks(Period::year(2023, cutoff)),
                Blocks {
                    years: vec![bucket],
                    ..Blocks::default()
                }
            );
        }
    }

    #[test]
    fn quarters_and_months_of_either_cut_off_are_months() {
        assert_eq!(
            blocks(Period::quarter(2024, 1, Cutoff::Decree09)).months,
            vec![2024012, 2024022, 2024032]
        );
        assert_eq!(
            blocks(Period::month(2024, 12, Cutoff::Calendar)).months,
            vec![2024121]
        );
    }

    #[test]
    fn awkward_periods_use_half_months_and_edge_days() {
        assert_eq!(
            blocks(period(date(2023, 3, 3), date(2023, 5, 20))),
            Blocks {
                years: vec![],
                months: vec![2023042, 2023052],
                half_months: vec![],
                days: vec![(20230303, 20230314), (20230515, 20230520)],
            }
        );
        assert_eq!(
            blocks(period(date(2023, 3, 3), date(2023, 3, 9))),
            Blocks {
                days: vec![(20230303, 20230309)],
                ..Blocks::default()
            }
        );
        // Inside one half-month, across its edge: one run of days.
        assert_eq!(
            blocks(period(date(2023, 3, 10), date(2023, 3, 20))).days,
            vec![(20230310, 20230320)]
        );
        assert_eq!(
            blocks(period(date(2024, 2, 15), date(2024, 2, 29))).half_months,
            vec![2024022]
        );
        // Two calendar years and a Decree 09 year after them.
        let long = blocks(period(date(2021, 1, 1), date(2023, 12, 14)));
        assert_eq!(long.years, vec![20211, 20221]);
        assert_eq!(long.months.len(), 11);
        assert_eq!(long.half_months, vec![2023121]);
        assert_eq!(
            blocks(period(date(2022, 12, 15), date(2024, 12, 31))),
            Blocks {
                years: vec![20232, 20242],
                half_months: vec![2024122],
                ..Blocks::default()
            }
        );
    }

    #[test]
    fn buckets_of_a_day() {
        assert_eq!(months_of_key(20231214), [2023121, 2023122]);
        assert_eq!(months_of_key(20231215), [2023121, 2024012]);
        assert_eq!(years_of_key(20231214), [20231, 20232]);
        assert_eq!(years_of_key(20231215), [20231, 20242]);
        assert_eq!(half_month_of_key(20240229), 2024022);
        assert_eq!(half_month_of_key(20240214), 2024021);
    }
}
