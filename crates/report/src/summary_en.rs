//! The summary of a period in English, compared with the same period last
//! year as the Vietnamese one is (`summary.rs`): the same figures, the
//! sentences from the English Fluent bundle, numbers in English style.

use crate::render::cell;
use crate::summary::{Change, Summary};
use crate::words::{count, date, decimal, integer, percent, t};
use crate::{ReportError, Result};
use askama::Template;
use bienphong_domain::Cutoff;
use bienphong_i18n::Lang;
use rust_decimal::Decimal;

const EN: Lang = Lang::En;

#[derive(Template)]
#[template(path = "summary.en.md")]
struct SummaryEnglish {
    title: String,
    name: String,
    scope: String,
    from: String,
    to: String,
    cutoff: String,
    previous_from: String,
    previous_to: String,
    patrols: String,
    patrol_rows: Vec<Vec<String>>,
    cases: String,
    seizure_items: Vec<String>,
    case_unit_rows: Vec<Vec<String>>,
    case_type_rows: Vec<Vec<String>>,
    seizure_rows: Vec<Vec<String>>,
    documents: String,
    propaganda: String,
    disaster: String,
}

fn word(key: &str) -> String {
    t(EN, &format!("rpt-word-{key}"), &[])
}

/// "up 3 patrols (33.3%) on the same period last year", "the same as…".
fn comparison(
    current: Decimal,
    previous: Decimal,
    amount_of: &dyn Fn(Decimal) -> String,
) -> String {
    let difference = current.saturating_sub(previous);
    if difference.is_zero() {
        return t(EN, "rpt-same", &[]);
    }
    let amount = amount_of(difference.abs());
    match bienphong_domain::format::change_percent(current, previous) {
        Some(p) => t(
            EN,
            if difference.is_sign_positive() {
                "rpt-up"
            } else {
                "rpt-down"
            },
            &[("amount", amount), ("percent", percent(EN, p.abs()))],
        ),
        None => t(EN, "rpt-up-from-none", &[("amount", amount)]),
    }
}

fn counted(n: Decimal, key: &str) -> String {
    format!("{} {}", decimal(EN, n, false), word(key))
}

/// "12 patrols, up 3 patrols (33.3%) on the same period last year".
fn stated(c: &Change<i64>, key: &str) -> String {
    t(
        EN,
        "rpt-stated",
        &[
            ("amount", counted(Decimal::from(c.current), key)),
            (
                "comparison",
                comparison(c.current.into(), c.previous.into(), &|d| counted(d, key)),
            ),
        ],
    )
}

/// " (same period last year: 12 cases)", " (none … either)".
fn previously(previous: i64, key: &str) -> String {
    if previous == 0 {
        t(EN, "rpt-previously-none", &[])
    } else {
        t(
            EN,
            "rpt-previously",
            &[("amount", counted(Decimal::from(previous), key))],
        )
    }
}

/// `stated`, or the sentence `none` with the same period's figure: zero is
/// said in words.
fn stated_or(c: &Change<i64>, key: &str, none: &str) -> String {
    if c.current == 0 {
        t(EN, none, &[("previously", previously(c.previous, key))])
    } else {
        stated(c, key)
    }
}

fn patrols(s: &Summary) -> String {
    let p = &s.patrols;
    if p.count.current == 0 {
        return t(
            EN,
            "rpt-summary-patrols-none",
            &[("previously", previously(p.count.previous, "patrols"))],
        );
    }
    let part = |c: &Change<i64>, some: &str, none: &str| {
        if c.current == 0 {
            t(
                EN,
                none,
                &[("previously", previously(c.previous, "person-times"))],
            )
        } else {
            format!(
                "{}, {}",
                t(EN, some, &[("persons", count(EN, c.current, false))]),
                comparison(c.current.into(), c.previous.into(), &|d| counted(
                    d,
                    "person-times"
                ))
            )
        }
    };
    t(
        EN,
        "rpt-summary-patrols",
        &[
            ("patrols", stated(&p.count, "patrols")),
            (
                "border_guard",
                part(
                    &p.border_guard_persons,
                    "rpt-summary-border-guard",
                    "rpt-summary-border-guard-none",
                ),
            ),
            (
                "others",
                part(
                    &p.other_persons,
                    "rpt-summary-others",
                    "rpt-summary-others-none",
                ),
            ),
        ],
    )
}

fn cases(s: &Summary) -> String {
    let c = &s.cases;
    if c.count.current == 0 {
        let before = if c.count.previous == 0 {
            t(EN, "rpt-previously-none", &[])
        } else {
            t(
                EN,
                "rpt-summary-cases-previously",
                &[
                    ("cases", count(EN, c.count.previous, false)),
                    ("subjects", count(EN, c.subjects.previous, false)),
                ],
            )
        };
        return t(EN, "rpt-summary-cases-none", &[("previously", before)]);
    }
    t(
        EN,
        "rpt-summary-cases",
        &[
            ("cases", stated(&c.count, "cases")),
            (
                "subjects",
                stated_or(&c.subjects, "subjects", "rpt-summary-subjects-none"),
            ),
        ],
    )
}

fn seizure_items(s: &Summary) -> Vec<String> {
    s.seizures
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let amount_of = |q: Decimal| {
                let amount = decimal(EN, q, false);
                if z.measure.is_empty() {
                    amount
                } else {
                    format!("{amount} {}", z.measure)
                }
            };
            let end = if i + 1 == s.seizures.len() { "." } else { ";" }.to_string();
            let q = &z.quantity;
            if q.current.is_zero() {
                return t(
                    EN,
                    "rpt-summary-seizure-none",
                    &[
                        ("name", z.name.clone()),
                        ("previous", amount_of(q.previous)),
                        ("end", end),
                    ],
                );
            }
            t(
                EN,
                "rpt-summary-seizure",
                &[
                    ("name", z.name.clone()),
                    ("amount", amount_of(q.current)),
                    ("comparison", comparison(q.current, q.previous, &amount_of)),
                    ("end", end),
                ],
            )
        })
        .collect()
}

fn disaster(s: &Summary) -> String {
    let d = &s.disaster;
    let all = [
        &d.plans,
        &d.responses,
        &d.persons_mobilised,
        &d.people_rescued,
    ];
    if all.iter().all(|c| c.current == 0 && c.previous == 0) {
        return t(EN, "rpt-summary-disaster-none", &[]);
    }
    let mut parts = vec![if d.plans.current > 0 {
        t(
            EN,
            "rpt-summary-plans",
            &[("plans", stated(&d.plans, "plans"))],
        )
    } else {
        t(
            EN,
            "rpt-summary-plans-none",
            &[("previously", previously(d.plans.previous, "plans"))],
        )
    }];
    if d.responses.current > 0 {
        let rescued = if d.people_rescued.current > 0 {
            t(
                EN,
                "rpt-summary-rescued",
                &[("people", stated(&d.people_rescued, "people"))],
            )
        } else {
            t(
                EN,
                "rpt-summary-rescued-none",
                &[(
                    "previously",
                    previously(d.people_rescued.previous, "people"),
                )],
            )
        };
        parts.push(t(
            EN,
            "rpt-summary-responses",
            &[
                ("responses", stated(&d.responses, "incidents")),
                ("persons", stated(&d.persons_mobilised, "person-times")),
                ("rescued", rescued),
            ],
        ));
    } else {
        parts.push(t(
            EN,
            "rpt-summary-responses-none",
            &[("previously", previously(d.responses.previous, "incidents"))],
        ));
    }
    format!("{}.", parts.join("; "))
}

fn columns(c: &Change<i64>) -> [String; 4] {
    crate::summary::columns(EN, c)
}

/// The summary of a period in English.
pub(crate) fn summary(s: &Summary) -> Result<String> {
    let name = crate::words::period_name(EN, &s.period);
    let p = &s.patrols;
    let c = &s.cases;
    SummaryEnglish {
        title: name.clone(),
        name,
        scope: s.scope.as_ref().map_or_else(
            || t(EN, "rpt-all-units", &[]),
            |u| {
                format!(
                    "{} ({}){}",
                    u.name,
                    u.code,
                    crate::summary::mapping_note_of(s.mapped_to, &s.apportioned, true)
                )
            },
        ),
        from: date(EN, s.period.from),
        to: date(EN, s.period.to),
        cutoff: match s.cutoff {
            Some(Cutoff::Decree09) => t(EN, "rpt-cutoff-decree09-note", &[]),
            Some(Cutoff::Calendar) => t(EN, "rpt-cutoff-calendar-note", &[]),
            None => String::new(),
        },
        previous_from: date(EN, s.previous_period.from),
        previous_to: date(EN, s.previous_period.to),
        patrols: patrols(s),
        patrol_rows: p
            .by_lead_unit
            .iter()
            .map(|u| {
                let mut row = vec![cell(&u.unit.name)];
                row.extend(columns(&u.count));
                row.push(integer(EN, u.border_guard_persons.current));
                row.push(integer(EN, u.other_persons.current));
                row
            })
            .collect(),
        cases: cases(s),
        seizure_items: seizure_items(s),
        case_unit_rows: c
            .by_handling_unit
            .iter()
            .map(|u| {
                let mut row = vec![cell(&u.unit.name)];
                row.extend(columns(&u.count));
                row.push(integer(EN, u.subjects.current));
                row
            })
            .collect(),
        case_type_rows: c
            .by_type
            .iter()
            .map(|k| {
                let mut row = vec![cell(&k.name)];
                row.extend(columns(&k.count));
                row.push(integer(EN, k.subjects.current));
                row
            })
            .collect(),
        seizure_rows: s
            .seizures
            .iter()
            .map(|z| {
                let q = &z.quantity;
                vec![
                    cell(&z.name),
                    cell(&z.measure),
                    decimal(EN, q.current, false),
                    decimal(EN, q.previous, false),
                    crate::summary::signed(EN, q.difference),
                    crate::summary::signed_percent(EN, q.percent),
                ]
            })
            .collect(),
        documents: if s.documents.count.current == 0 {
            t(
                EN,
                "rpt-summary-documents-none",
                &[(
                    "previously",
                    previously(s.documents.count.previous, "documents"),
                )],
            )
        } else {
            t(
                EN,
                "rpt-summary-documents",
                &[("documents", stated(&s.documents.count, "documents"))],
            )
        },
        propaganda: if s.propaganda.sessions.current == 0 {
            t(
                EN,
                "rpt-summary-propaganda-none",
                &[(
                    "previously",
                    previously(s.propaganda.sessions.previous, "sessions"),
                )],
            )
        } else {
            t(
                EN,
                "rpt-summary-propaganda",
                &[
                    ("sessions", stated(&s.propaganda.sessions, "sessions")),
                    (
                        "listeners",
                        stated_or(
                            &s.propaganda.listeners,
                            "listeners",
                            "rpt-summary-listeners-none",
                        ),
                    ),
                ],
            )
        },
        disaster: disaster(s),
    }
    .render()
    .map_err(|e| ReportError::Render(e.to_string()))
}
