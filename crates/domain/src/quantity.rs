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

/// Reads a number the way people type it (forms, CLI flags, spreadsheet
/// text cells). The one human rule, so that no two edges disagree:
///
/// - a comma makes it Vietnamese: dots group thousands, the comma is the
///   decimal mark (`1.200,5`, `0,43`);
/// - without a comma, dots that form valid groups of three digits group
///   thousands (`1.200` is 1200, `12.500.000` is 12500000);
/// - a single dot that cannot be a group separator (`0.43`, `1.5`,
///   `1.2000`) is a decimal point, the only reading it has.
///
/// `1.200` could be meant as 1,2 by someone used to a decimal point: it is
/// read the Vietnamese way, and [`is_ambiguous`] tells the edge to echo
/// what was read. JSON never comes through here ([`parse_canonical`]).
pub fn parse_decimal(input: &str) -> Result<Decimal, Problem> {
    let s = input.trim();
    let bad = || Problem::InvalidNumber(input.trim().to_string());
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let canonical = if let Some((int, frac)) = body.split_once(',') {
        if !digits(frac) || !(digits(int) || is_grouped(int)) {
            return Err(bad());
        }
        format!("{sign}{}.{frac}", int.replace('.', ""))
    } else if is_grouped(body) {
        format!("{sign}{}", body.replace('.', ""))
    } else {
        match body.split_once('.') {
            Some((int, frac)) if digits(int) && digits(frac) => format!("{sign}{int}.{frac}"),
            None if digits(body) => format!("{sign}{body}"),
            _ => return Err(bad()),
        }
    };
    Decimal::from_str_exact(&canonical).map_err(|_| Problem::TooLarge(s.to_string()))
}

/// Whether a typed number could be read two ways: one dot followed by
/// exactly three digits and no comma (`1.200`, `12.500`), which the human
/// rule reads as thousands. Edges echo such a value back, written by the
/// writer, so that nobody's 1,2 silently becomes 1.200.
pub fn is_ambiguous(input: &str) -> bool {
    let s = input.trim();
    let s = s.strip_prefix('-').unwrap_or(s);
    !s.contains(',') && s.matches('.').count() == 1 && is_grouped(s)
}

/// The canonical machine form of JSON (API bodies, stored content, sync):
/// digits with an optional dot decimal point, as `Decimal` writes it
/// (`1200`, `0.43`, `-3.5`). No grouping and no comma: a machine never
/// means `1.200` as twelve hundred.
pub fn parse_canonical(input: &str) -> Result<Decimal, Problem> {
    let bad = || Problem::InvalidNumber(input.to_string());
    let body = input.strip_prefix('-').unwrap_or(input);
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let ok = match body.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(body),
    };
    if !ok {
        return Err(bad());
    }
    Decimal::from_str_exact(input).map_err(|_| Problem::TooLarge(input.to_string()))
}

/// `1.234.567` style groups: at least one dot, a first group of 1–3 digits
/// without a leading zero, the rest exactly 3 digits.
fn is_grouped(int: &str) -> bool {
    let mut groups = int.split('.');
    let Some(first) = groups.next() else {
        return false;
    };
    let rest: Vec<&str> = groups.collect();
    !rest.is_empty()
        && (1..=3).contains(&first.len())
        && !first.starts_with('0')
        && first.bytes().all(|b| b.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
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
        parse_canonical(&raw.text())
            .and_then(Quantity::new)
            .map_err(serde::de::Error::custom)
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
    /// What people type: `12.500.000`, `500000`, `500.000 đồng`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s
            .trim()
            .trim_end_matches("đồng")
            .trim_end_matches('đ')
            .trim();
        Money::whole(parse_decimal(digits)?, s)
    }
}

impl Money {
    fn whole(d: Decimal, input: &str) -> Result<Self, Problem> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(Problem::Negative(input.trim().to_string()));
        }
        if !d.fract().is_zero() {
            return Err(Problem::NotInteger(input.trim().to_string()));
        }
        let whole = i64::try_from(d).map_err(|_| Problem::TooLarge(input.trim().to_string()))?;
        Money::new(whole)
    }

    /// The machine form: whole đồng as a JSON integer (or a string of
    /// digits); `500.000` there is refused rather than read as 500.
    fn from_canonical(text: &str) -> Result<Self, Problem> {
        let body = text.strip_prefix('-').unwrap_or(text);
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Problem::NotInteger(text.to_string()));
        }
        Money::whole(parse_canonical(text)?, text)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = NumberOrString::deserialize(d)?;
        Money::from_canonical(&raw.text()).map_err(serde::de::Error::custom)
    }
}

/// A count of people, sessions, cases, read by the human rule: a whole
/// number, never negative (`1.178`, `1178`).
pub fn parse_count(input: &str) -> Result<u32, Problem> {
    let d = parse_decimal(input)?;
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
        // JSON is the machine form: a comma there is refused, not read the
        // way a person types it.
        assert!(serde_json::from_str::<Quantity>("\"0,43\"").is_err());
        let v: Quantity = serde_json::from_str("\"0.43\"").unwrap();
        assert_eq!(v.value().to_string(), "0.43");
    }

    #[test]
    fn the_human_rule() {
        let d = |s: &str| parse_decimal(s).unwrap().to_string();
        assert_eq!(d("1.200"), "1200");
        assert_eq!(d("1.200,5"), "1200.5");
        assert_eq!(d("0,43"), "0.43");
        assert_eq!(d("12.500.000"), "12500000");
        assert_eq!(d("0.43"), "0.43");
        assert_eq!(d("1.5"), "1.5");
        assert_eq!(d("0.430"), "0.430");
        assert_eq!(d("1.2000"), "1.2000");
        assert_eq!(d("1200"), "1200");
        assert!(parse_decimal("1.200.5").is_err());
        assert!(parse_decimal("1.20.000").is_err());
        assert!(parse_decimal(",5").is_err());
        assert!(parse_decimal("5,").is_err());
        assert!(parse_decimal("1.2,5").is_err());
        assert!(parse_decimal("").is_err());
        // Counts, quantities and money read alike.
        assert_eq!(parse_count("1.200"), Ok(1200));
        assert_eq!(q("1.200").value().to_string(), "1200");
        assert_eq!("1.200".parse::<Money>().unwrap().dong(), 1200);
        assert_eq!(
            "12.500.000 đồng".parse::<Money>().unwrap().dong(),
            12_500_000
        );
        assert_eq!(q("12.500.000").value().to_string(), "12500000");
    }

    #[test]
    fn ambiguous_input_is_flagged() {
        assert!(is_ambiguous("1.200"));
        assert!(is_ambiguous("12.500"));
        assert!(!is_ambiguous("12.500.000"));
        assert!(!is_ambiguous("1.200,5"));
        assert!(!is_ambiguous("0,43"));
        assert!(!is_ambiguous("0.43"));
        assert!(!is_ambiguous("1200"));
    }

    #[test]
    fn machine_form_is_never_read_by_the_human_rule() {
        assert_eq!(parse_canonical("1.200").unwrap().to_string(), "1.200");
        assert_eq!(parse_canonical("1200").unwrap().to_string(), "1200");
        assert!(parse_canonical("1.200,5").is_err());
        assert!(parse_canonical("12.500.000").is_err());
        assert!(parse_canonical(" 1").is_err());
        let m: Money = serde_json::from_str("12500000").unwrap();
        assert_eq!(m.dong(), 12_500_000);
        let m: Money = serde_json::from_str("\"12500000\"").unwrap();
        assert_eq!(m.dong(), 12_500_000);
        assert!(serde_json::from_str::<Money>("\"500.000\"").is_err());
        assert!(serde_json::from_str::<Money>("-1").is_err());
    }

    proptest::proptest! {
        #[test]
        fn micro_round_trip(units in 0i64..1_000_000_000, frac in 0i64..1_000_000) {
            let d = Decimal::new(units * 1_000_000 + frac, 6);
            let qty = Quantity::new(d).unwrap();
            proptest::prop_assert_eq!(Quantity::from_micro(qty.to_micro()), d.normalize());
        }

        #[test]
        /// What the writer shows, the reader reads back to the same value.
        fn writer_then_reader_is_identity(units in 0i64..1_000_000_000_000, frac in 0i64..1_000_000) {
            let d = Decimal::new(units * 1_000_000 + frac, 6).normalize();
            let shown = crate::format::decimal(d, false);
            proptest::prop_assert_eq!(parse_decimal(&shown), Ok(d));
            proptest::prop_assert_eq!(shown.parse::<Quantity>().map(|q| q.value()), Ok(d));
            let whole = Decimal::from(units);
            proptest::prop_assert_eq!(crate::format::integer(units).parse::<Money>().map(|m| m.dong()), Ok(units));
            proptest::prop_assert_eq!(parse_decimal(&crate::format::decimal(whole, false)), Ok(whole));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = s.parse::<Quantity>();
            let _ = s.parse::<Money>();
            let _ = parse_count(&s);
        }
    }
}
