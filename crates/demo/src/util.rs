//! Small helpers: a seeded random source, dates as the generator needs them,
//! record ids, and the constructors that turn literals into domain values.

use crate::DemoRecord;
use bienphong_domain::org::Code;
use bienphong_domain::text::Text;
use bienphong_domain::{Content, Date, Money, Period, Quantity, RecordId};
use rand::{Rng as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded random source. Everything drawn from it goes through
/// `next_u64` of ChaCha8, whose output is fixed by its specification, so the
/// data stay the same across versions of `rand`.
pub(crate) struct Rng(ChaCha8Rng);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        assert!(lo <= hi, "empty range {lo}..={hi}");
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// An index chosen with the given weights.
    pub(crate) fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    pub(crate) fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }

    /// `k` distinct elements of `xs` (all of them if there are fewer).
    pub(crate) fn sample<T: Clone>(&mut self, xs: &[T], k: usize) -> Vec<T> {
        let mut v = xs.to_vec();
        self.shuffle(&mut v);
        v.truncate(k);
        v
    }

    pub(crate) fn bytes10(&mut self) -> [u8; 10] {
        let a = self.next_u64().to_le_bytes();
        let b = self.next_u64().to_le_bytes();
        [a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], b[0], b[1]]
    }

    /// A day in `p`.
    pub(crate) fn day_in(&mut self, p: Period) -> Date {
        add_days(p.from, self.range(0, days_between(p.from, p.to)))
    }
}

/// Spreads `total` over slots, each kept within `lo[i]..=hi[i]`, starting from
/// `start` and moving one unit at a time at random slots until the sum is
/// exact. Panics if the bounds cannot hold `total` (the targets are the
/// generator's own constants, so that is a bug in them).
pub(crate) fn distribute(
    rng: &mut Rng,
    total: i64,
    lo: &[i64],
    hi: &[i64],
    start: Vec<i64>,
) -> Vec<i64> {
    let min: i64 = lo.iter().sum();
    let max: i64 = hi.iter().sum();
    assert!(
        (min..=max).contains(&total),
        "cannot spread {total} over slots holding {min}..={max}"
    );
    let mut v: Vec<i64> = start
        .into_iter()
        .enumerate()
        .map(|(i, x)| x.clamp(lo[i], hi[i]))
        .collect();
    let mut diff = total - v.iter().sum::<i64>();
    let n = v.len() as u64;
    while diff != 0 {
        let i = rng.below(n) as usize;
        if diff > 0 && v[i] < hi[i] {
            v[i] += 1;
            diff -= 1;
        } else if diff < 0 && v[i] > lo[i] {
            v[i] -= 1;
            diff += 1;
        }
    }
    v
}

/// Splits `total` into `parts` positive whole parts at random.
pub(crate) fn split(rng: &mut Rng, total: i64, parts: usize) -> Vec<i64> {
    let lo = vec![1; parts];
    let hi = vec![total; parts];
    let start = vec![total / parts as i64; parts];
    distribute(rng, total, &lo, &hi, start)
}

/// Counts proportional to `weights` summing to `total` (largest remainder).
pub(crate) fn apportion(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i64 = weights.iter().sum();
    let mut counts: Vec<i64> = weights.iter().map(|w| total * w / sum).collect();
    let mut rest: Vec<(i64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (-(total * w % sum), i))
        .collect();
    rest.sort();
    let missing = total - counts.iter().sum::<i64>();
    for (_, i) in rest.into_iter().take(missing as usize) {
        counts[i] += 1;
    }
    counts
}

pub(crate) fn code(s: &str) -> Code {
    Code::parse(s).unwrap_or_else(|e| panic!("demo code {s}: {e}"))
}

pub(crate) fn text(s: &str) -> Text {
    Text::new(s)
}

pub(crate) fn date(y: i16, m: i8, d: i8) -> Date {
    jiff::civil::date(y, m, d)
}

/// `n` × 10^`exp` as a quantity (`43`, -2 → 0.43).
pub(crate) fn scaled_quantity(n: i64, exp: i32) -> Quantity {
    let s = if exp >= 0 {
        format!("{n}{}", "0".repeat(exp as usize))
    } else {
        let places = (-exp) as usize;
        let digits = format!("{n:0>width$}", width = places + 1);
        let (int, frac) = digits.split_at(digits.len() - places);
        format!("{int}.{frac}")
    };
    s.parse()
        .unwrap_or_else(|e| panic!("demo quantity {s}: {e}"))
}

pub(crate) fn quantity(s: &str) -> Quantity {
    s.parse()
        .unwrap_or_else(|e| panic!("demo quantity {s}: {e}"))
}

pub(crate) fn money(dong: i64) -> Money {
    Money::new(dong).unwrap_or_else(|e| panic!("demo money {dong}: {e}"))
}

/// Days since 1970-01-01 (proleptic Gregorian).
pub(crate) fn epoch_days(d: Date) -> i64 {
    let (y, m, dd) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    epoch_days(to) - epoch_days(from)
}

pub(crate) fn add_days(d: Date, n: i64) -> Date {
    use jiff::ToSpan;
    d.checked_add(n.days())
        .unwrap_or_else(|e| panic!("demo date {d} + {n}: {e}"))
}

/// Unix milliseconds of `hour:minute` on `d` in Asia/Ho_Chi_Minh (UTC+7).
pub(crate) fn local_ms(d: Date, hour: i64, minute: i64) -> i64 {
    (epoch_days(d) * 24 + hour - 7) * 3_600_000 + minute * 60_000
}

/// Hands out record ids from their own seeded stream, so an id depends only
/// on the record's position in the output.
pub(crate) struct Ids(Rng);

impl Ids {
    pub(crate) fn new(seed: u64) -> Self {
        Self(Rng::new(seed))
    }

    pub(crate) fn record(&mut self, content: Content, created_ms: i64) -> DemoRecord {
        let random = self.0.bytes10();
        let unix_ms = u64::try_from(created_ms).unwrap_or(0);
        DemoRecord {
            record_id: RecordId::from_parts(unix_ms, random),
            content,
            created_ms,
        }
    }
}

/// Letters used for placeholder given names, the way Vietnamese texts write
/// "Nguyễn Văn A": nobody real is named.
const LETTERS: [&str; 18] = [
    "A", "B", "C", "D", "Đ", "E", "G", "H", "K", "L", "M", "N", "P", "Q", "S", "T", "V", "X",
];

/// Fictional names: a surname and middle name of the border peoples with a
/// letter for the given name (`Giàng Seo A`, `Sùng Thị B2`).
pub(crate) struct Names {
    next: usize,
}

impl Names {
    pub(crate) fn new() -> Self {
        Self { next: 0 }
    }

    /// The next placeholder given name: A, B, …, X, A1, B1, …
    pub(crate) fn given(&mut self) -> String {
        let i = self.next;
        self.next += 1;
        let letter = LETTERS[i % LETTERS.len()];
        match i / LETTERS.len() {
            0 => letter.to_string(),
            n => format!("{letter}{n}"),
        }
    }
}
