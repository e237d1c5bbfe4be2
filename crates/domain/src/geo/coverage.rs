//! Which border markers patrols visited over a period, and which have gone
//! unvisited. A patrol visits a marker when it lists the marker (the
//! record) or when its track passes within the tolerance (the GPS): either
//! counts. Where a patrol has a track and the two disagree, the row says
//! so, so a commander can look: a marker listed but not passed by the
//! track ("listed only"), or passed but not listed ("track only").

use crate::Date;
use crate::id::RecordId;
use crate::org::{Code, Marker};
use serde::Serialize;

/// A patrol as coverage sees it.
#[derive(Clone, Debug)]
pub struct PatrolVisit {
    pub patrol: RecordId,
    pub date: Date,
    /// The post that led it: the markers it lists are that post's.
    pub lead_unit: Code,
    /// Marker numbers the patrol record lists.
    pub listed: Vec<Code>,
    /// Markers (post, number) its track passed; `None` without a track.
    pub passed: Option<Vec<(Code, Code)>>,
}

/// How a patrol's visit of a marker is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Listed, and the track passes it.
    Both,
    /// Listed, and the patrol has no track.
    Listed,
    /// Listed, but the patrol's track does not pass it.
    ListedOnly,
    /// The track passes it, but the patrol does not list it.
    TrackOnly,
}

impl Evidence {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Both => "both",
            Self::Listed => "listed",
            Self::ListedOnly => "listed_only",
            Self::TrackOnly => "track_only",
        }
    }

    /// Whether the record and the track disagree.
    pub fn disagrees(&self) -> bool {
        matches!(self, Self::ListedOnly | Self::TrackOnly)
    }
}

/// One marker's coverage.
#[derive(Clone, Debug, Serialize)]
pub struct MarkerCoverage {
    pub post: Code,
    pub number: Code,
    /// Patrols within the period that visited it (each once).
    pub visits: usize,
    pub listed: usize,
    pub by_track: usize,
    /// The patrols of the period whose record and track disagree on it.
    pub disagreements: Vec<(RecordId, Evidence)>,
    /// The patrols of the period that visited it, with how it is known.
    pub patrols: Vec<(RecordId, Evidence)>,
    /// The last visit on or before the period's end.
    pub last_visit: Option<Date>,
    /// Days from the last visit to the period's end (`None` when never).
    pub days_since: Option<i64>,
    /// Not visited in the `stale_days` up to the period's end.
    pub unvisited: bool,
}

fn evidence(p: &PatrolVisit, m: &Marker) -> Option<Evidence> {
    let listed = p.lead_unit == m.post && p.listed.contains(&m.number);
    match &p.passed {
        None => listed.then_some(Evidence::Listed),
        Some(passed) => {
            let on_track = passed
                .iter()
                .any(|(post, n)| *post == m.post && *n == m.number);
            match (listed, on_track) {
                (true, true) => Some(Evidence::Both),
                (true, false) => Some(Evidence::ListedOnly),
                (false, true) => Some(Evidence::TrackOnly),
                (false, false) => None,
            }
        }
    }
}

/// The coverage of `markers` by `patrols` from `from` to `to` (inclusive),
/// and which markers were unvisited in the `stale_days` up to `to`;
/// `patrols` may include earlier ones, which count only for the last visit.
/// Rows are in post and marker order.
pub fn coverage(
    markers: &[Marker],
    patrols: &[PatrolVisit],
    from: Date,
    to: Date,
    stale_days: i64,
) -> Vec<MarkerCoverage> {
    let mut rows: Vec<MarkerCoverage> = markers
        .iter()
        .map(|m| {
            let mut row = MarkerCoverage {
                post: m.post.clone(),
                number: m.number.clone(),
                visits: 0,
                listed: 0,
                by_track: 0,
                disagreements: Vec::new(),
                patrols: Vec::new(),
                last_visit: None,
                days_since: None,
                unvisited: true,
            };
            for p in patrols.iter().filter(|p| p.date <= to) {
                let Some(e) = evidence(p, m) else {
                    continue;
                };
                row.last_visit = Some(row.last_visit.map_or(p.date, |d| d.max(p.date)));
                if p.date < from {
                    continue;
                }
                row.visits += 1;
                if matches!(e, Evidence::Both | Evidence::Listed | Evidence::ListedOnly) {
                    row.listed += 1;
                }
                if matches!(e, Evidence::Both | Evidence::TrackOnly) {
                    row.by_track += 1;
                }
                if e.disagrees() {
                    row.disagreements.push((p.patrol, e));
                }
                row.patrols.push((p.patrol, e));
            }
            row.days_since = row
                .last_visit
                .and_then(|d| to.since(d).ok())
                .map(|span| i64::from(span.get_days()));
            row.unvisited = row.days_since.is_none_or(|n| n > stale_days);
            row
        })
        .collect();
    rows.sort_by(|a, b| {
        a.post
            .cmp(&b.post)
            .then_with(|| marker_order(&a.number, &b.number))
    });
    rows
}

/// Markers in number order: `172` before `519/2` before `1000`.
pub fn marker_order(a: &Code, b: &Code) -> std::cmp::Ordering {
    let key = |c: &Code| {
        c.as_str()
            .split('/')
            .map(|p| p.parse::<u64>().unwrap_or(u64::MAX))
            .collect::<Vec<_>>()
    };
    key(a).cmp(&key(b)).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::MarkerKind;

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn marker(post: &str, n: &str) -> Marker {
        Marker {
            number: code(n),
            post: code(post),
            kind: MarkerKind::Main,
            commune: None,
            location: None,
            verified: true,
        }
    }

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_visit_is_listed_or_passed_and_disagreements_are_named() {
        let markers = [
            marker("P1", "172"),
            marker("P1", "173"),
            marker("P1", "519/2"),
        ];
        let (a, b, c) = (RecordId::new(), RecordId::new(), RecordId::new());
        let patrols = [
            // Before the period: only the last visit of 519/2.
            PatrolVisit {
                patrol: c,
                date: day("2024-01-20"),
                lead_unit: code("P1"),
                listed: vec![code("519/2")],
                passed: None,
            },
            PatrolVisit {
                patrol: a,
                date: day("2024-02-03"),
                lead_unit: code("P1"),
                listed: vec![code("172"), code("173")],
                passed: Some(vec![(code("P1"), code("172"))]),
            },
            PatrolVisit {
                patrol: b,
                date: day("2024-02-10"),
                lead_unit: code("P1"),
                listed: vec![],
                passed: Some(vec![(code("P1"), code("172"))]),
            },
        ];
        let rows = coverage(&markers, &patrols, day("2024-02-01"), day("2024-02-29"), 30);
        let by = |n: &str| rows.iter().find(|r| r.number.as_str() == n).unwrap();
        assert_eq!(by("172").visits, 2);
        assert_eq!(by("172").listed, 1);
        assert_eq!(by("172").by_track, 2);
        assert_eq!(by("172").disagreements, vec![(b, Evidence::TrackOnly)]);
        assert_eq!(by("173").visits, 1);
        assert_eq!(by("173").disagreements, vec![(a, Evidence::ListedOnly)]);
        assert_eq!(by("519/2").visits, 0);
        assert_eq!(by("519/2").last_visit, Some(day("2024-01-20")));
        assert_eq!(by("519/2").days_since, Some(40));
        assert!(by("519/2").unvisited);
        assert!(!by("172").unvisited);
        // Number order, not text order.
        let order: Vec<&str> = rows.iter().map(|r| r.number.as_str()).collect();
        assert_eq!(order, ["172", "173", "519/2"]);
    }
}
