//! Numbers and dates the way Vietnamese reports write them: `1.178`, `0,43`,
//! `05/02/2024`, and counts under ten padded (`01 xe máy`) where asked.

use crate::Date;
use crate::error::Problem;
use crate::period::{Period, PeriodKind};
use rust_decimal::{Decimal, RoundingStrategy};

/// `1178` → `1.178`.
pub fn integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A count, padded to two digits from one to nine when `pad` is set (`03`):
/// the one padding rule of narrative text. Zero is never padded ("00 vụ"
/// reads as a typo); sentences say "không có" instead where they can.
pub fn count(n: i64, pad: bool) -> String {
    if pad && (1..10).contains(&n) {
        format!("0{n}")
    } else {
        integer(n)
    }
}

/// `0.43` → `0,43`; `1178.5` → `1.178,5`; whole numbers as `count`.
pub fn decimal(d: Decimal, pad: bool) -> String {
    let d = d.normalize();
    let text = d.abs().to_string();
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let int_value: i64 = int.parse().unwrap_or(0);
    let sign = if d.is_sign_negative() && !d.is_zero() {
        "-"
    } else {
        ""
    };
    match frac {
        Some(f) => format!("{sign}{},{f}", integer(int_value)),
        None => format!("{sign}{}", count(int_value, pad)),
    }
}

/// A percentage with one decimal, Vietnamese style: `10,5%`.
pub fn percent(value: Decimal) -> String {
    format!("{}%", decimal(value.round_dp(1), false))
}

/// The change from `previous` to `current` in percent of `previous`, signed
/// and rounded half away from zero to one decimal (8,07 → 8,1; 10,25 →
/// 10,3); `None` when `previous` is zero, with nothing to compare with.
pub fn change_percent(current: Decimal, previous: Decimal) -> Option<Decimal> {
    if previous.is_zero() {
        return None;
    }
    current
        .checked_sub(previous)?
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(previous.abs())
        .map(|p| p.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
}

/// How a figure compares with the same period of the previous year, the way
/// reports write it: `tăng 12 vụ (10,5%) so với cùng kỳ`, `giảm 3 vụ (2,4%)
/// so với cùng kỳ`, `bằng cùng kỳ`, and when the same period had none,
/// `tăng 5 vụ so với cùng kỳ (cùng kỳ không có)`. `word` is the counting
/// word (vụ, lần, lượt, bánh…), left out when empty, or a pattern with `{}`
/// for the amount (`{}g` gives `0,37g`); a whole amount is padded as every
/// count in narrative text is (`tăng 01 vụ`).
pub fn comparison(current: impl Into<Decimal>, previous: impl Into<Decimal>, word: &str) -> String {
    let (current, previous) = (current.into(), previous.into());
    let difference = current.saturating_sub(previous);
    if difference.is_zero() {
        return "bằng cùng kỳ".to_string();
    }
    let verb = if difference.is_sign_positive() {
        "tăng"
    } else {
        "giảm"
    };
    let amount = decimal(difference.abs(), true);
    let amount = if word.contains("{}") {
        word.replace("{}", &amount)
    } else if word.is_empty() {
        amount
    } else {
        format!("{amount} {word}")
    };
    match change_percent(current, previous) {
        Some(p) => format!("{verb} {amount} ({}) so với cùng kỳ", percent(p.abs())),
        None => format!("{verb} {amount} so với cùng kỳ (cùng kỳ không có)"),
    }
}

/// The name a report gives its period: `Quý I năm 2024`, `Tháng 3 năm
/// 2024`, `6 tháng đầu năm 2024`, `6 tháng cuối năm 2024`, `9 tháng năm
/// 2024`, `Năm 2024`; any other range `từ ngày 01/03/2024 đến ngày
/// 20/03/2024`.
pub fn period_name(period: &Period) -> String {
    let Some((kind, _)) = period.kind() else {
        return format!("từ ngày {} đến ngày {}", date(period.from), date(period.to));
    };
    match kind {
        PeriodKind::Month { year, month } => format!("Tháng {month} năm {year}"),
        PeriodKind::Quarter { year, quarter } => {
            let q = match quarter {
                ..=1 => "I",
                2 => "II",
                3 => "III",
                _ => "IV",
            };
            format!("Quý {q} năm {year}")
        }
        PeriodKind::Half { year, half } if half <= 1 => format!("6 tháng đầu năm {year}"),
        PeriodKind::Half { year, .. } => format!("6 tháng cuối năm {year}"),
        PeriodKind::NineMonths { year } => format!("9 tháng năm {year}"),
        PeriodKind::Year { year } => format!("Năm {year}"),
    }
}

/// `05/02/2024`.
pub fn date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// The place-and-date line of an official document (Decree 30/2020):
/// `Hà Giang, ngày 05 tháng 02 năm 2024`: days below 10 and the months
/// January and February padded, other months not.
pub fn place_date(place: &str, d: Date) -> String {
    let month = if d.month() <= 2 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        d.day(),
        d.year()
    )
}

/// A document's number and symbol: `05/BC-BĐBP`; before a number is
/// allocated, a blank to be filled by hand.
pub fn document_number(number: Option<u32>, symbol: &str) -> String {
    match number {
        Some(n) => format!("{n:02}/{symbol}"),
        None => format!("      /{symbol}"),
    }
}

/// Reads `05/02/2024`, `5/2/2024` or `2024-02-05`.
pub fn parse_date(input: &str) -> Result<Date, Problem> {
    let s = input.trim();
    let bad = || Problem::InvalidDate(input.to_string());
    if let Some((d, rest)) = s.split_once('/') {
        let (m, y) = rest.split_once('/').ok_or_else(bad)?;
        let num = |t: &str| -> Result<i64, Problem> {
            if t.is_empty() || t.len() > 4 || !t.chars().all(|c| c.is_ascii_digit()) {
                return Err(bad());
            }
            t.parse().map_err(|_| bad())
        };
        let (d, m, y) = (num(d)?, num(m)?, num(y)?);
        if y < 1000 {
            return Err(bad());
        }
        return Date::new(y as i16, m as i8, d as i8).map_err(|_| bad());
    }
    if s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-' {
        return s.parse::<Date>().map_err(|_| bad());
    }
    Err(bad())
}

/// The date as the integer `YYYYMMDD`, the key the store orders and filters by.
pub fn day_key(d: Date) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date as ymd;

    #[test]
    fn integers_group_with_dots() {
        assert_eq!(integer(0), "0");
        assert_eq!(integer(999), "999");
        assert_eq!(integer(1178), "1.178");
        assert_eq!(integer(7511), "7.511");
        assert_eq!(integer(1_234_567), "1.234.567");
        assert_eq!(integer(-47299), "-47.299");
    }

    #[test]
    fn counts_pad_below_ten() {
        assert_eq!(count(1, true), "01");
        assert_eq!(count(3, true), "03");
        assert_eq!(count(10, true), "10");
        assert_eq!(count(3, false), "3");
        assert_eq!(count(0, true), "0", "zero is never padded");
    }

    #[test]
    fn decimals_use_comma() {
        assert_eq!(decimal(Decimal::new(43, 2), true), "0,43");
        assert_eq!(decimal(Decimal::new(11785, 1), true), "1.178,5");
        assert_eq!(decimal(Decimal::new(1000, 2), true), "10");
        assert_eq!(decimal(Decimal::new(100, 2), true), "01");
        assert_eq!(percent(Decimal::new(105263, 4)), "10,5%");
    }

    #[test]
    fn dates_are_padded() {
        assert_eq!(date(ymd(2024, 2, 5)), "05/02/2024");
        assert_eq!(date(ymd(2023, 12, 14)), "14/12/2023");
    }

    #[test]
    fn official_place_date_and_number() {
        assert_eq!(
            place_date("Hà Giang", ymd(2024, 2, 5)),
            "Hà Giang, ngày 05 tháng 02 năm 2024"
        );
        assert_eq!(
            place_date("Hà Giang", ymd(2024, 1, 16)),
            "Hà Giang, ngày 16 tháng 01 năm 2024"
        );
        assert_eq!(
            place_date("Tuyên Quang", ymd(2025, 12, 3)),
            "Tuyên Quang, ngày 03 tháng 12 năm 2025"
        );
        assert_eq!(
            place_date("Hà Giang", ymd(2024, 3, 25)),
            "Hà Giang, ngày 25 tháng 3 năm 2024"
        );
        assert_eq!(document_number(Some(5), "BC-BĐBP"), "05/BC-BĐBP");
        assert_eq!(document_number(Some(12), "BC-BĐBP"), "12/BC-BĐBP");
        assert_eq!(document_number(None, "BC-BĐBP"), "      /BC-BĐBP");
    }

    #[test]
    fn comparisons_with_the_same_period_last_year() {
        // Increase: 100 cases against 88, 12 more, 13,636…%.
        assert_eq!(
            comparison(100, 88, "vụ"),
            "tăng 12 vụ (13,6%) so với cùng kỳ"
        );
        // 1.178 patrols against 1.090: 88 more, 8,073…%.
        assert_eq!(
            comparison(1178, 1090, "lần"),
            "tăng 88 lần (8,1%) so với cùng kỳ"
        );
        // Decrease: 122 against 125, 3 fewer, 2,4%.
        assert_eq!(
            comparison(122, 125, "vụ"),
            "giảm 03 vụ (2,4%) so với cùng kỳ"
        );
        // Down to nothing.
        assert_eq!(comparison(0, 7, "vụ"), "giảm 07 vụ (100%) so với cùng kỳ");
        // Large numbers keep their dots.
        assert_eq!(
            comparison(12_345, 10_000, "lượt"),
            "tăng 2.345 lượt (23,5%) so với cùng kỳ"
        );
        // Equal, and both zero.
        assert_eq!(comparison(45, 45, "buổi"), "bằng cùng kỳ");
        assert_eq!(comparison(0, 0, "vụ"), "bằng cùng kỳ");
        // From zero: no percentage.
        assert_eq!(
            comparison(5, 0, "vụ"),
            "tăng 05 vụ so với cùng kỳ (cùng kỳ không có)"
        );
        // Quantities with decimals, and an empty word.
        assert_eq!(
            comparison(Decimal::new(80, 2), Decimal::new(43, 2), "g"),
            "tăng 0,37 g (86%) so với cùng kỳ"
        );
        assert_eq!(comparison(21, 20, ""), "tăng 01 (5%) so với cùng kỳ");
        assert_eq!(
            comparison(Decimal::new(43, 2), Decimal::new(125, 2), "{}g"),
            "giảm 0,82g (65,6%) so với cùng kỳ"
        );
    }

    #[test]
    fn change_percent_rounds_half_away_from_zero() {
        assert_eq!(
            change_percent(Decimal::from(1178), Decimal::from(1090)),
            Some(Decimal::new(81, 1))
        );
        // 10,25% exactly: 10,3, not the banker's 10,2.
        assert_eq!(
            change_percent(Decimal::from(441), Decimal::from(400)),
            Some(Decimal::new(103, 1))
        );
        assert_eq!(
            change_percent(Decimal::from(359), Decimal::from(400)),
            Some(Decimal::new(-103, 1))
        );
        assert_eq!(change_percent(Decimal::from(3), Decimal::ZERO), None);
        assert_eq!(change_percent(Decimal::ZERO, Decimal::ZERO), None);
    }

    #[test]
    fn periods_are_named_the_vietnamese_way() {
        use crate::Cutoff;
        let d = Cutoff::Decree09;
        assert_eq!(period_name(&Period::quarter(2024, 1, d)), "Quý I năm 2024");
        assert_eq!(period_name(&Period::quarter(2024, 4, d)), "Quý IV năm 2024");
        assert_eq!(period_name(&Period::month(2024, 3, d)), "Tháng 3 năm 2024");
        assert_eq!(
            period_name(&Period::half(2024, 1, d)),
            "6 tháng đầu năm 2024"
        );
        assert_eq!(
            period_name(&Period::half(2024, 2, Cutoff::Calendar)),
            "6 tháng cuối năm 2024"
        );
        assert_eq!(
            period_name(&Period::nine_months(2024, d)),
            "9 tháng năm 2024"
        );
        assert_eq!(period_name(&Period::year(2024, d)), "Năm 2024");
        assert_eq!(
            period_name(&Period::year(2023, Cutoff::Calendar)),
            "Năm 2023"
        );
        let custom = Period::new(ymd(2024, 3, 1), ymd(2024, 3, 20)).unwrap();
        assert_eq!(
            period_name(&custom),
            "từ ngày 01/03/2024 đến ngày 20/03/2024"
        );
    }

    #[test]
    fn parses_dates_both_ways() {
        assert_eq!(parse_date("05/02/2024"), Ok(ymd(2024, 2, 5)));
        assert_eq!(parse_date("5/2/2024"), Ok(ymd(2024, 2, 5)));
        assert_eq!(parse_date("2024-02-05"), Ok(ymd(2024, 2, 5)));
        assert!(parse_date("31/02/2024").is_err());
        assert!(parse_date("2024/02/05").is_err());
        assert!(parse_date("").is_err());
        assert!(parse_date("05/02/24").is_err());
    }

    #[test]
    fn day_key_orders_dates() {
        assert_eq!(day_key(ymd(2023, 12, 14)), 20231214);
    }
}
