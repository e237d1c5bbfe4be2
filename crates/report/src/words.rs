//! The words and numbers of a report in the language it is rendered in:
//! Vietnamese as Vietnamese reports write them (`1.178`, `0,43`, "Hà
//! Giang, ngày 16 tháng 01 năm 2024"), English for foreign partners
//! (`1,178`, `0.43`, "Hà Giang, 16 January 2024"). The report's words live
//! in the Fluent bundles (`rpt-…` keys, crates/i18n/locales/*/report.ftl);
//! the names of units stay as the organisation spells them.

use bienphong_domain::Date;
use bienphong_domain::format;
use bienphong_i18n::Lang;
use rust_decimal::Decimal;

/// The text of `key` with `args`.
pub(crate) fn t(lang: Lang, key: &str, args: &[(&'static str, String)]) -> String {
    lang.text(key, args)
}

/// A Vietnamese phrase of the code (a title, a table's header) in `lang`:
/// itself in Vietnamese, else the text of `prefix` + the phrase without
/// diacritics ("Đồn trưởng" → `rpt-title-don-truong`), or itself where the
/// language has none.
pub(crate) fn translated(lang: Lang, prefix: &str, vi: &str) -> String {
    if lang == Lang::Vi {
        return vi.to_string();
    }
    let mut slug = String::new();
    for c in bienphong_domain::text::search_key(vi).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    lang.try_text(&format!("{prefix}{slug}"))
        .unwrap_or_else(|| vi.to_string())
}

/// `digits` grouped by three with `sep`.
fn grouped(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `1178` → `1.178` (vi), `1,178` (en).
pub fn integer(lang: Lang, n: i64) -> String {
    match lang {
        Lang::Vi => format::integer(n),
        Lang::En => {
            let sign = if n < 0 { "-" } else { "" };
            format!("{sign}{}", grouped(&n.unsigned_abs().to_string(), ','))
        }
    }
}

/// A count in narrative text: padded (`03`) where Vietnamese pads it (the
/// one padding rule, [`format::count`]); English never pads.
pub fn count(lang: Lang, n: i64, pad: bool) -> String {
    match lang {
        Lang::Vi => format::count(n, pad),
        Lang::En => integer(lang, n),
    }
}

/// `0.43` → `0,43` (vi), `0.43` (en); whole numbers as [`count`].
pub fn decimal(lang: Lang, d: Decimal, pad: bool) -> String {
    match lang {
        Lang::Vi => format::decimal(d, pad),
        Lang::En => {
            let d = d.normalize();
            let text = d.abs().to_string();
            let sign = if d.is_sign_negative() && !d.is_zero() {
                "-"
            } else {
                ""
            };
            match text.split_once('.') {
                Some((int, frac)) => format!("{sign}{}.{frac}", grouped(int, ',')),
                None => format!("{sign}{}", grouped(&text, ',')),
            }
        }
    }
}

/// A percentage with one decimal: `10,5%` (vi), `10.5%` (en).
pub fn percent(lang: Lang, value: Decimal) -> String {
    format!("{}%", decimal(lang, value.round_dp(1), false))
}

/// A day in a sentence or a table: `05/02/2024` (vi), `5 February 2024` (en).
pub fn date(lang: Lang, d: Date) -> String {
    match lang {
        Lang::Vi => format::date(d),
        Lang::En => t(
            lang,
            "rpt-date",
            &[
                ("day", d.day().to_string()),
                ("month", t(lang, &format!("rpt-month-{}", d.month()), &[])),
                ("year", d.year().to_string()),
            ],
        ),
    }
}

/// The place-and-date line: "Hà Giang, ngày 05 tháng 02 năm 2024" (Decree
/// 30/2020, [`format::place_date`]), "Hà Giang, 5 February 2024".
pub fn place_date(lang: Lang, place: &str, d: Date) -> String {
    match lang {
        Lang::Vi => format::place_date(place, d),
        Lang::En if place.is_empty() => date(lang, d),
        Lang::En => format!("{place}, {}", date(lang, d)),
    }
}

/// The period inside a sentence or a title after other words: "quý I năm
/// 2024" (Vietnamese lowers the name's first letter), "quarter 1 of 2024".
pub fn period_in_sentence(lang: Lang, period: &bienphong_domain::Period) -> String {
    let name = period_name(lang, period);
    match lang {
        Lang::Vi => crate::summary::lowercase_first(&name),
        Lang::En => name,
    }
}

/// The name of a report's period in a title: "Quý I năm 2024", "the first
/// quarter of 2024".
pub fn period_name(lang: Lang, period: &bienphong_domain::Period) -> String {
    use bienphong_domain::period::PeriodKind;
    if lang == Lang::Vi {
        return format::period_name(period);
    }
    let Some((kind, _)) = period.kind() else {
        return t(
            lang,
            "rpt-period-range",
            &[
                ("from", date(lang, period.from)),
                ("to", date(lang, period.to)),
            ],
        );
    };
    let (key, args): (&str, Vec<(&'static str, String)>) = match kind {
        PeriodKind::Month { year, month } => (
            "rpt-period-month",
            vec![
                ("month", t(lang, &format!("rpt-month-{month}"), &[])),
                ("year", year.to_string()),
            ],
        ),
        PeriodKind::Quarter { year, quarter } => (
            "rpt-period-quarter",
            vec![("quarter", quarter.to_string()), ("year", year.to_string())],
        ),
        PeriodKind::Half { year, half } => (
            "rpt-period-half",
            vec![("half", half.to_string()), ("year", year.to_string())],
        ),
        PeriodKind::NineMonths { year } => {
            ("rpt-period-nine-months", vec![("year", year.to_string())])
        }
        PeriodKind::Year { year } => ("rpt-period-year", vec![("year", year.to_string())]),
    };
    t(lang, key, &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_groups_with_commas_and_never_pads() {
        assert_eq!(integer(Lang::En, 1178), "1,178");
        assert_eq!(integer(Lang::Vi, 1178), "1.178");
        assert_eq!(integer(Lang::En, -1_234_567), "-1,234,567");
        assert_eq!(count(Lang::En, 3, true), "3");
        assert_eq!(count(Lang::Vi, 3, true), "03");
        let d = Decimal::new(43, 2);
        assert_eq!(decimal(Lang::En, d, false), "0.43");
        assert_eq!(decimal(Lang::Vi, d, false), "0,43");
        assert_eq!(decimal(Lang::En, Decimal::new(11785, 1), true), "1,178.5");
        let day = Date::new(2026, 12, 7).unwrap();
        assert_eq!(
            place_date(Lang::En, "Hà Giang", day),
            "Hà Giang, 7 December 2026"
        );
        assert_eq!(
            place_date(Lang::Vi, "Hà Giang", day),
            "Hà Giang, ngày 07 tháng 12 năm 2026"
        );
        assert_eq!(
            translated(Lang::En, "rpt-title-", "Đồn trưởng"),
            "Post Commander"
        );
        assert_eq!(
            translated(Lang::En, "rpt-title-", "T/M Đảng ủy"),
            "On behalf of the Party Committee"
        );
        assert_eq!(translated(Lang::Vi, "rpt-title-", "Bí thư"), "Bí thư");
        assert_eq!(
            translated(Lang::En, "rpt-title-", "Phó Bí thư"),
            "Phó Bí thư"
        );
    }
}
