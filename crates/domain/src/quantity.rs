//! Exact amounts. Quantities and money are decimals, never floating point:
//! 0,43 g stays 0,43 g through any sum.

use crate::error::Problem;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Decimal places a quantity may carry. The store keeps quantities as whole
/// numbers of millionths so that the database sums integers, exactly.
pub const QUANTITY_SCALE: u32 = 6;
const MICRO: i64 = 1_000_000;

/// A non-negative amount of a seized item or similar, in the unit its
/// catalogue entry names (bánh, g, chiếc…).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(Decimal);

impl Quantity {
    pub fn new(value: Decimal) -> Result<Self, Problem> {
        if value.is_sign_negative() && !value.is_zero() {
            return Err(Problem::Negative(value.to_string()));
        }
        let value = value.normalize();
        if value.scale() > QUANTITY_SCALE {
            return Err(Problem::TooManyDecimals {
                value: value.to_string(),
                max: QUANTITY_SCALE,
            });
        }
        if value
            .checked_mul(Decimal::from(MICRO))
            .and_then(|m| i64::try_from(m).ok())
            .is_none()
        {
            return Err(Problem::TooLarge(value.to_string()));
        }
        Ok(Self(value))
    }

    pub fn value(&self) -> Decimal {
        self.0
    }

    /// Whole millionths, the form the store sums.
    pub fn to_micro(&self) -> i64 {
        // Within range by construction.
        i64::try_from(self.0 * Decimal::from(MICRO)).unwrap_or(i64::MAX)
    }

    pub fn from_micro(micro: i64) -> Decimal {
        Decimal::new(micro, QUANTITY_SCALE).normalize()
    }

    pub fn is_whole(&self) -> bool {
        self.0.fract().is_zero()
    }
}

/// Reads a decimal written either way people write it: `0,43` and `1.178,5`
/// (Vietnamese: comma decimal, dot groups) or `0.43` (the JSON form). A text
/// with a comma is read the Vietnamese way; one without, with a dot decimal.
pub fn parse_decimal(input: &str) -> Result<Decimal, Problem> {
    let s = input.trim();
    let bad = || Problem::InvalidNumber(input.to_string());
    if s.is_empty() {
        return Err(bad());
    }
    let canonical = if s.contains(',') {
        if s.matches(',').count() > 1 {
            return Err(bad());
        }
        let (int, frac) = s.split_once(',').ok_or_else(bad)?;
        check_grouping(int, '.').ok_or_else(bad)?;
        format!("{}.{}", int.replace('.', ""), frac)
    } else {
        s.to_string()
    };
    let body = canonical.strip_prefix('-').unwrap_or(&canonical);
    if body.is_empty()
        || !body.chars().all(|c| c.is_ascii_digit() || c == '.')
        || body.matches('.').count() > 1
    {
        return Err(bad());
    }
    if body.starts_with('.') || body.ends_with('.') {
        return Err(bad());
    }
    Decimal::from_str(&canonical).map_err(|_| bad())
}

/// `1.234.567` style groups: first group 1–3 digits, the rest exactly 3.
fn check_grouping(int: &str, sep: char) -> Option<()> {
    let int = int.strip_prefix('-').unwrap_or(int);
    if !int.contains(sep) {
        return Some(());
    }
    let mut groups = int.split(sep);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 {
        return None;
    }
    groups.all(|g| g.len() == 3).then_some(())
}

impl FromStr for Quantity {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::new(parse_decimal(s)?)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = NumberOrString::deserialize(d)?;
        raw.text().parse().map_err(serde::de::Error::custom)
    }
}

/// Accepts a JSON number or string, keeping the digits as written.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrString {
    Number(serde_json::Number),
    Text(String),
}

impl NumberOrString {
    fn text(&self) -> String {
        match self {
            Self::Number(n) => n.to_string(),
            Self::Text(t) => t.clone(),
        }
    }
}

/// An amount of money in whole đồng (the đồng has no subunit in use).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    pub fn new(dong: i64) -> Result<Self, Problem> {
        if dong < 0 {
            return Err(Problem::Negative(dong.to_string()));
        }
        Ok(Self(dong))
    }
    pub fn dong(&self) -> i64 {
        self.0
    }
}

impl FromStr for Money {
    type Err = Problem;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        // Money is written with dots grouping thousands: 500.000 đồng.
        let digits = trimmed
            .trim_end_matches("đồng")
            .trim_end_matches('đ')
            .trim();
        let d = if digits.contains(',')
            || check_grouping(digits, '.').is_none()
            || !digits.contains('.')
        {
            parse_decimal(digits)?
        } else {
            parse_decimal(&digits.replace('.', ""))?
        };
        if !d.fract().is_zero() {
            return Err(Problem::NotInteger(s.to_string()));
        }
        let whole = i64::try_from(d).map_err(|_| Problem::TooLarge(s.to_string()))?;
        Money::new(whole)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = NumberOrString::deserialize(d)?;
        raw.text().parse().map_err(serde::de::Error::custom)
    }
}

/// A count of people, sessions, cases: a whole number, never negative.
pub fn parse_count(input: &str) -> Result<u32, Problem> {
    let trimmed = input.trim();
    // A count has no decimals, so "1.178" is one thousand one hundred and
    // seventy-eight, written the Vietnamese way.
    let grouped =
        !trimmed.contains(',') && trimmed.contains('.') && check_grouping(trimmed, '.').is_some();
    let d = if grouped {
        parse_decimal(&trimmed.replace('.', ""))?
    } else {
        parse_decimal(input)?
    };
    if d.is_sign_negative() && !d.is_zero() {
        return Err(Problem::Negative(input.trim().to_string()));
    }
    if !d.fract().is_zero() {
        return Err(Problem::NotInteger(input.trim().to_string()));
    }
    u32::try_from(d).map_err(|_| Problem::TooLarge(input.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        s.parse().unwrap()
    }

    #[test]
    fn counts_read_vietnamese_thousands() {
        assert_eq!(parse_count("1.178"), Ok(1178));
        assert_eq!(parse_count("1.234.567"), Ok(1_234_567));
        assert_eq!(parse_count("7511"), Ok(7511));
        assert!(matches!(parse_count("1.5"), Err(Problem::NotInteger(_))));
        assert!(matches!(parse_count("1.17"), Err(Problem::NotInteger(_))));
        assert!(matches!(parse_count("-3"), Err(Problem::Negative(_))));
    }

    #[test]
    fn decimals_are_exact() {
        let sum = q("0.1").value() + q("0.2").value();
        assert_eq!(sum.to_string(), "0.3");
        let micro = q("0.1").to_micro() + q("0.2").to_micro();
        assert_eq!(Quantity::from_micro(micro).to_string(), "0.3");
    }

    #[test]
    fn parses_both_decimal_marks() {
        assert_eq!(q("0,43").value().to_string(), "0.43");
        assert_eq!(q("0.43").value().to_string(), "0.43");
        assert_eq!(q("1.178,5").value().to_string(), "1178.5");
        assert_eq!(q("10").value().to_string(), "10");
    }

    #[test]
    fn rejects_bad_quantities() {
        assert!(matches!(
            "-1".parse::<Quantity>(),
            Err(Problem::Negative(_))
        ));
        assert!(matches!(
            "abc".parse::<Quantity>(),
            Err(Problem::InvalidNumber(_))
        ));
        assert!(matches!(
            "1,2,3".parse::<Quantity>(),
            Err(Problem::InvalidNumber(_))
        ));
        assert!(matches!(
            "12.34.5".parse::<Quantity>(),
            Err(Problem::InvalidNumber(_))
        ));
        assert!(matches!(
            "1e5".parse::<Quantity>(),
            Err(Problem::InvalidNumber(_))
        ));
        assert!(matches!(
            "0.0000001".parse::<Quantity>(),
            Err(Problem::TooManyDecimals { .. })
        ));
    }

    #[test]
    fn counts_are_whole_and_non_negative() {
        assert_eq!(parse_count("7"), Ok(7));
        assert_eq!(parse_count("1.178,0"), Ok(1178));
        assert!(matches!(parse_count("-3"), Err(Problem::Negative(_))));
        assert!(matches!(parse_count("2,5"), Err(Problem::NotInteger(_))));
        assert!(matches!(parse_count("x"), Err(Problem::InvalidNumber(_))));
    }

    #[test]
    fn money_reads_grouped_dong() {
        assert_eq!("500.000".parse::<Money>().unwrap().dong(), 500_000);
        assert_eq!("500000".parse::<Money>().unwrap().dong(), 500_000);
        assert_eq!("500.000 đồng".parse::<Money>().unwrap().dong(), 500_000);
        assert!("12,5".parse::<Money>().is_err());
        assert!("-5".parse::<Money>().is_err());
    }

    #[test]
    fn json_quantity_keeps_digits() {
        let v: Quantity = serde_json::from_str("0.43").unwrap();
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"0.43\"");
        let v: Quantity = serde_json::from_str("\"0,43\"").unwrap();
        assert_eq!(v.value().to_string(), "0.43");
    }

    proptest::proptest! {
        #[test]
        fn micro_round_trip(units in 0i64..1_000_000_000, frac in 0i64..1_000_000) {
            let d = Decimal::new(units * 1_000_000 + frac, 6);
            let qty = Quantity::new(d).unwrap();
            proptest::prop_assert_eq!(Quantity::from_micro(qty.to_micro()), d.normalize());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = s.parse::<Quantity>();
            let _ = s.parse::<Money>();
            let _ = parse_count(&s);
        }
    }
}
