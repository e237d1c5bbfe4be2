//! Numbers and dates the way Vietnamese reports write them: `1.178`, `0,43`,
//! `05/02/2024`, and counts under ten padded (`01 xe máy`) where asked.

use crate::Date;
use crate::error::Problem;
use rust_decimal::Decimal;

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

/// A count, padded to two digits below ten when `pad` is set (`03`).
pub fn count(n: i64, pad: bool) -> String {
    if pad && (0..10).contains(&n) {
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

/// `05/02/2024`.
pub fn date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
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
