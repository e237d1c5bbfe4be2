//! The summary of a period as Markdown in either language, compared with
//! the same period last year: one function from the Fluent bundles
//! (`rpt-summary-…`, `rpt-compared`, `rpt-previously` in
//! crates/i18n/locales/{vi,en}/report.ftl), the figures written as the
//! language writes them. Zero is said in words ("không tổ chức buổi tuyên
//! truyền nào (cùng kỳ cũng không có)"), never "0 buổi, bằng cùng kỳ".

use crate::render::cell;
use crate::summary::{Change, SeizureChange, Summary, columns, signed, signed_percent};
use crate::words::{count, date, decimal, integer, percent, t};
use crate::{ReportError, Result};
use askama::Template;
use bienphong_domain::Cutoff;
use bienphong_domain::catalogue::CatalogueKind;
use bienphong_i18n::Lang;
use rust_decimal::Decimal;

/// The summary's text, whichever language's template lays it out.
struct SummaryText {
    /// The period as the title names it: "quý I năm 2024".
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

/// The Vietnamese layout of [`SummaryText`] (its fields through `Deref`).
#[derive(Template)]
#[template(path = "summary.vi.md")]
struct SummaryVi<'a>(&'a SummaryText);

/// The English layout of [`SummaryText`].
#[derive(Template)]
#[template(path = "summary.en.md")]
struct SummaryEn<'a>(&'a SummaryText);

layouts_of!(SummaryText: SummaryVi, SummaryEn);

/// The counting word `key` in `lang` ("vụ", "cases").
fn word(lang: Lang, key: &str) -> String {
    t(lang, &format!("rpt-word-{key}"), &[])
}

/// "tăng 12 vụ (13,6%) so với cùng kỳ", "bằng cùng kỳ", "up 3 patrols
/// (33.3%) on the same period last year": one Fluent select on how the
/// figure changed, `amount_of` writing the difference with its word.
fn comparison(
    lang: Lang,
    current: Decimal,
    previous: Decimal,
    amount_of: &dyn Fn(Decimal) -> String,
) -> String {
    let difference = current.saturating_sub(previous);
    let percent_of = bienphong_domain::format::change_percent(current, previous);
    let change = if difference.is_zero() {
        "same"
    } else if percent_of.is_none() {
        "new"
    } else if difference.is_sign_positive() {
        "up"
    } else {
        "down"
    };
    t(
        lang,
        "rpt-compared",
        &[
            ("change", change.to_string()),
            ("amount", amount_of(difference.abs())),
            (
                "percent",
                percent_of.map_or_else(String::new, |p| percent(lang, p.abs())),
            ),
        ],
    )
}

/// "05 vụ", "5 cases": a count with its word, padded as the language pads.
fn counted(lang: Lang, n: Decimal, key: &str) -> String {
    format!("{} {}", decimal(lang, n, true), word(lang, key))
}

/// "05 vụ, tăng 01 vụ (25%) so với cùng kỳ".
fn stated(lang: Lang, c: &Change<i64>, key: &str) -> String {
    t(
        lang,
        "rpt-stated",
        &[
            ("amount", counted(lang, Decimal::from(c.current), key)),
            (
                "comparison",
                comparison(lang, c.current.into(), c.previous.into(), &|d| {
                    counted(lang, d, key)
                }),
            ),
        ],
    )
}

/// What the same period had, after a sentence that says there was none
/// now: " (cùng kỳ: 12 vụ)", " (cùng kỳ cũng không có)".
fn previously(lang: Lang, previous: i64, key: &str) -> String {
    t(
        lang,
        "rpt-previously",
        &[
            (
                "had",
                if previous == 0 { "none" } else { "some" }.to_string(),
            ),
            ("amount", counted(lang, Decimal::from(previous), key)),
        ],
    )
}

/// `stated`, or the sentence `none` with the same period's figure when
/// there is nothing this period.
fn stated_or(lang: Lang, c: &Change<i64>, key: &str, none: &str) -> String {
    if c.current == 0 {
        t(
            lang,
            none,
            &[("previously", previously(lang, c.previous, key))],
        )
    } else {
        stated(lang, c, key)
    }
}

fn patrols(lang: Lang, s: &Summary) -> String {
    let p = &s.patrols;
    if p.count.current == 0 {
        return t(
            lang,
            "rpt-summary-patrols-none",
            &[("previously", previously(lang, p.count.previous, "patrols"))],
        );
    }
    let part = |c: &Change<i64>, some: &str| {
        if c.current == 0 {
            t(
                lang,
                &format!("{some}-none"),
                &[("previously", previously(lang, c.previous, "person-times"))],
            )
        } else {
            format!(
                "{}, {}",
                t(lang, some, &[("persons", count(lang, c.current, true))]),
                comparison(lang, c.current.into(), c.previous.into(), &|d| {
                    counted(lang, d, "person-times")
                })
            )
        }
    };
    t(
        lang,
        "rpt-summary-patrols",
        &[
            ("patrols", stated(lang, &p.count, "patrols")),
            (
                "border_guard",
                part(&p.border_guard_persons, "rpt-summary-border-guard"),
            ),
            ("others", part(&p.other_persons, "rpt-summary-others")),
        ],
    )
}

fn cases(lang: Lang, s: &Summary) -> String {
    let c = &s.cases;
    if c.count.current == 0 {
        let before = if c.count.previous == 0 {
            previously(lang, 0, "cases")
        } else {
            t(
                lang,
                "rpt-summary-cases-previously",
                &[
                    ("cases", count(lang, c.count.previous, true)),
                    ("subjects", count(lang, c.subjects.previous, true)),
                ],
            )
        };
        return t(lang, "rpt-summary-cases-none", &[("previously", before)]);
    }
    t(
        lang,
        "rpt-summary-cases",
        &[
            ("cases", stated(lang, &c.count, "cases")),
            (
                "subjects",
                stated_or(lang, &c.subjects, "subjects", "rpt-summary-subjects-none"),
            ),
        ],
    )
}

/// How an amount of the item is written: `{}g` when its phrase in `lang`
/// writes the measure against the number (`0,43g thuốc phiện`), else the
/// measure as a word after it (`04 bánh`, `0.43 g`).
fn measure_pattern(s: &Summary, z: &SeizureChange, lang: Lang) -> String {
    let measure = s.names.measure(lang, &z.code, &z.measure);
    let phrase = s.names.phrase(lang, &z.code, &z.phrase);
    let attached = format!("{{}}{measure}");
    if !measure.is_empty() && phrase.starts_with(&attached) {
        attached
    } else {
        measure.to_string()
    }
}

fn seizure_items(lang: Lang, s: &Summary) -> Vec<String> {
    s.seizures
        .iter()
        .enumerate()
        .map(|(i, z)| {
            let pattern = measure_pattern(s, z, lang);
            let amount_of = |q: Decimal| {
                let amount = decimal(lang, q, true);
                if pattern.contains("{}") {
                    pattern.replace("{}", &amount)
                } else if pattern.is_empty() {
                    amount
                } else {
                    format!("{amount} {pattern}")
                }
            };
            let end = if i + 1 == s.seizures.len() { "." } else { ";" }.to_string();
            let name = s
                .names
                .name(lang, CatalogueKind::SeizedItem, &z.code, &z.name)
                .to_string();
            let q = &z.quantity;
            if q.current.is_zero() {
                return t(
                    lang,
                    "rpt-summary-seizure-none",
                    &[
                        ("name", name),
                        ("previous", amount_of(q.previous)),
                        ("end", end),
                    ],
                );
            }
            t(
                lang,
                "rpt-summary-seizure",
                &[
                    ("name", name),
                    ("amount", amount_of(q.current)),
                    (
                        "comparison",
                        comparison(lang, q.current, q.previous, &amount_of),
                    ),
                    ("end", end),
                ],
            )
        })
        .collect()
}

fn disaster(lang: Lang, s: &Summary) -> String {
    let d = &s.disaster;
    let all = [
        &d.plans,
        &d.responses,
        &d.persons_mobilised,
        &d.people_rescued,
    ];
    if all.iter().all(|c| c.current == 0 && c.previous == 0) {
        return t(lang, "rpt-summary-disaster-none", &[]);
    }
    let mut parts = vec![if d.plans.current > 0 {
        t(
            lang,
            "rpt-summary-plans",
            &[
                ("count", count(lang, d.plans.current, true)),
                (
                    "comparison",
                    comparison(
                        lang,
                        d.plans.current.into(),
                        d.plans.previous.into(),
                        &|n| counted(lang, n, "plans"),
                    ),
                ),
            ],
        )
    } else {
        t(
            lang,
            "rpt-summary-plans-none",
            &[("previously", previously(lang, d.plans.previous, "plans"))],
        )
    }];
    if d.responses.current > 0 {
        let rescued = if d.people_rescued.current > 0 {
            t(
                lang,
                "rpt-summary-rescued",
                &[("people", stated(lang, &d.people_rescued, "people"))],
            )
        } else {
            t(
                lang,
                "rpt-summary-rescued-none",
                &[(
                    "previously",
                    previously(lang, d.people_rescued.previous, "people"),
                )],
            )
        };
        parts.push(t(
            lang,
            "rpt-summary-responses",
            &[
                ("responses", stated(lang, &d.responses, "incidents")),
                (
                    "persons",
                    stated(lang, &d.persons_mobilised, "persons-mobilised"),
                ),
                ("rescued", rescued),
            ],
        ));
    } else {
        parts.push(t(
            lang,
            "rpt-summary-responses-none",
            &[(
                "previously",
                previously(lang, d.responses.previous, "incidents"),
            )],
        ));
    }
    format!("{}.", crate::summary::uppercase_first(&parts.join("; ")))
}

/// The summary of a period as Markdown in `lang`.
pub(crate) fn summary(s: &Summary, lang: Lang) -> Result<String> {
    let p = &s.patrols;
    let c = &s.cases;
    let names = &s.names;
    let text = SummaryText {
        title: crate::words::period_in_sentence(lang, &s.period),
        name: crate::words::period_name(lang, &s.period),
        scope: s.scope.as_ref().map_or_else(
            || t(lang, "rpt-all-units", &[]),
            |u| {
                format!(
                    "{} ({}){}",
                    u.name,
                    u.code,
                    crate::summary::mapping_note_of(lang, s.mapped_to, &s.apportioned, true)
                )
            },
        ),
        from: date(lang, s.period.from),
        to: date(lang, s.period.to),
        cutoff: match s.cutoff {
            Some(Cutoff::Decree09) => t(lang, "rpt-cutoff-decree09-note", &[]),
            Some(Cutoff::Calendar) => t(lang, "rpt-cutoff-calendar-note", &[]),
            None => String::new(),
        },
        previous_from: date(lang, s.previous_period.from),
        previous_to: date(lang, s.previous_period.to),
        patrols: patrols(lang, s),
        patrol_rows: p
            .by_lead_unit
            .iter()
            .map(|u| {
                let mut row = vec![cell(&u.unit.name)];
                row.extend(columns(lang, &u.count));
                row.push(integer(lang, u.border_guard_persons.current));
                row.push(integer(lang, u.other_persons.current));
                row
            })
            .collect(),
        cases: cases(lang, s),
        seizure_items: seizure_items(lang, s),
        case_unit_rows: c
            .by_handling_unit
            .iter()
            .map(|u| {
                let mut row = vec![cell(&u.unit.name)];
                row.extend(columns(lang, &u.count));
                row.push(integer(lang, u.subjects.current));
                row
            })
            .collect(),
        case_type_rows: c
            .by_type
            .iter()
            .map(|k| {
                let mut row = vec![cell(names.name(
                    lang,
                    CatalogueKind::CaseType,
                    &k.code,
                    &k.name,
                ))];
                row.extend(columns(lang, &k.count));
                row.push(integer(lang, k.subjects.current));
                row
            })
            .collect(),
        seizure_rows: s
            .seizures
            .iter()
            .map(|z| {
                let q = &z.quantity;
                vec![
                    cell(names.name(lang, CatalogueKind::SeizedItem, &z.code, &z.name)),
                    cell(names.measure(lang, &z.code, &z.measure)),
                    decimal(lang, q.current, false),
                    decimal(lang, q.previous, false),
                    signed(lang, q.difference),
                    signed_percent(lang, q.percent),
                ]
            })
            .collect(),
        documents: if s.documents.count.current == 0 {
            t(
                lang,
                "rpt-summary-documents-none",
                &[(
                    "previously",
                    previously(lang, s.documents.count.previous, "documents"),
                )],
            )
        } else {
            t(
                lang,
                "rpt-summary-documents",
                &[("documents", stated(lang, &s.documents.count, "documents"))],
            )
        },
        propaganda: if s.propaganda.sessions.current == 0 {
            t(
                lang,
                "rpt-summary-propaganda-none",
                &[(
                    "previously",
                    previously(lang, s.propaganda.sessions.previous, "sessions"),
                )],
            )
        } else {
            t(
                lang,
                "rpt-summary-propaganda",
                &[
                    ("sessions", stated(lang, &s.propaganda.sessions, "sessions")),
                    (
                        "listeners",
                        stated_or(
                            lang,
                            &s.propaganda.listeners,
                            "listeners",
                            "rpt-summary-listeners-none",
                        ),
                    ),
                ],
            )
        },
        disaster: disaster(lang, s),
    };
    match lang {
        Lang::Vi => SummaryVi(&text).render(),
        Lang::En => SummaryEn(&text).render(),
    }
    .map_err(|e| ReportError::Render(e.to_string()))
}
