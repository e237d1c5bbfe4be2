//! Distances and durations as people read them.

use crate::format;

/// `3,2 km`, or `850 m` under one kilometre.
pub fn km(metres: f64) -> String {
    if metres < 1000.0 {
        return format!("{} m", format::integer(metres.round() as i64));
    }
    super::track::one_decimal(metres / 1000.0) + " km"
}

/// `1:05:09` (hours, minutes, seconds).
pub fn duration(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_durations_read_as_people_write_them() {
        assert_eq!(km(850.4), "850 m");
        assert_eq!(km(3_249.0), "3,2 km");
        assert_eq!(km(1_178_000.0), "1.178,0 km");
        assert_eq!(duration(3_909), "1:05:09");
        assert_eq!(duration(59), "0:00:59");
    }
}
