//! The reports' bodies in English, for foreign partners: the same figures
//! and tables as the Vietnamese ones, the sentences from the English
//! Fluent bundle (`rpt-…`), numbers in English style; unit names and the
//! catalogue's names stay Vietnamese.

use crate::annual::AnnualReview;
use crate::tables::{AnnualTables, annual_tables_in};
use crate::words::{count, date, decimal, integer, percent, t};
use crate::{ReportError, Result};
use askama::Template;
use bienphong_domain::Cutoff;
use bienphong_i18n::Lang;
use rust_decimal::Decimal;

const EN: Lang = Lang::En;

#[derive(Template)]
#[template(path = "annual.en.md")]
struct AnnualEnglish {
    year: i16,
    scope: String,
    from: String,
    to: String,
    cutoff: String,
    patrols: String,
    cases: String,
    briefings: String,
    documents: String,
    propaganda: String,
    disaster: String,
    tables: AnnualTables,
    opening: Option<String>,
    shortcomings: Option<String>,
    directions: Vec<String>,
}

fn n(v: i64) -> String {
    count(EN, v, false)
}

/// "Heroin: 10 bánh; Thuốc phiện: 0.43 g": the catalogue's names and
/// units, the amounts in English style.
fn seizure_list(review: &AnnualReview) -> String {
    review
        .seizures
        .iter()
        .map(|s| {
            let amount = decimal(EN, s.quantity, false);
            if s.measure.is_empty() {
                format!("{}: {amount}", s.name)
            } else {
                format!("{}: {amount} {}", s.name, s.measure)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn briefings(b: &crate::annual::Briefings) -> String {
    let mut who = Vec::new();
    if b.communes_due > 0 {
        who.push(t(
            EN,
            "rpt-annual-briefings-communes",
            &[
                ("complete", integer(EN, b.communes_complete)),
                ("due", integer(EN, b.communes_due)),
            ],
        ));
    }
    if b.posts_due > 0 {
        who.push(t(
            EN,
            "rpt-annual-briefings-posts",
            &[
                ("complete", integer(EN, b.posts_complete)),
                ("due", integer(EN, b.posts_due)),
            ],
        ));
    }
    if who.is_empty() {
        return if b.meetings == 0 {
            t(EN, "rpt-annual-briefings-none", &[])
        } else {
            t(
                EN,
                "rpt-annual-briefings-meetings",
                &[("meetings", n(b.meetings))],
            )
        };
    }
    t(
        EN,
        "rpt-annual-briefings",
        &[
            ("who", who.join(&format!(" {} ", t(EN, "rpt-and", &[])))),
            ("held", integer(EN, b.held)),
            ("due", integer(EN, b.due)),
            ("meetings", n(b.meetings)),
        ],
    )
}

fn patrols(p: &crate::annual::Patrols) -> String {
    if p.count == 0 {
        return t(EN, "rpt-annual-patrols-none", &[]);
    }
    let others = if p.other_persons == 0 {
        t(EN, "rpt-annual-patrols-no-others", &[])
    } else {
        t(
            EN,
            "rpt-annual-patrols-others",
            &[("others", n(p.other_persons))],
        )
    };
    t(
        EN,
        "rpt-annual-patrols",
        &[
            ("count", n(p.count)),
            ("persons", n(p.border_guard_persons)),
            ("others", others),
        ],
    )
}

fn cases(review: &AnnualReview) -> String {
    let c = &review.cases;
    if c.count == 0 {
        return t(EN, "rpt-annual-cases-none", &[]);
    }
    let seizures = if review.seizures.is_empty() {
        String::new()
    } else {
        t(EN, "rpt-annual-seized", &[("items", seizure_list(review))])
    };
    t(
        EN,
        "rpt-annual-cases",
        &[
            ("count", n(c.count)),
            ("subjects", n(c.subjects)),
            ("seizures", seizures),
        ],
    )
}

fn documents(d: &crate::annual::Documents) -> String {
    if d.count == 0 {
        return t(EN, "rpt-annual-documents-none", &[]);
    }
    if d.recipients == 0 {
        return t(EN, "rpt-annual-documents-plain", &[("count", n(d.count))]);
    }
    let share = Decimal::from(d.acknowledged) * Decimal::from(100) / Decimal::from(d.recipients);
    t(
        EN,
        "rpt-annual-documents",
        &[
            ("count", n(d.count)),
            ("recipients", n(d.recipients)),
            ("acknowledged", n(d.acknowledged)),
            ("percent", percent(EN, share)),
        ],
    )
}

fn disaster(d: &crate::annual::Disaster) -> String {
    let plans = if d.plans == 0 {
        t(EN, "rpt-annual-disaster-plans-none", &[])
    } else {
        t(EN, "rpt-annual-disaster-plans", &[("plans", n(d.plans))])
    };
    if d.responses == 0 {
        return t(EN, "rpt-annual-disaster-no-response", &[("plans", plans)]);
    }
    let rescued = if d.people_rescued == 0 {
        String::new()
    } else {
        t(
            EN,
            "rpt-annual-disaster-rescued",
            &[("people", n(d.people_rescued))],
        )
    };
    t(
        EN,
        "rpt-annual-disaster",
        &[
            ("plans", plans),
            ("responses", n(d.responses)),
            ("persons", n(d.persons_mobilised)),
            ("rescued", rescued),
        ],
    )
}

/// The annual review in English.
pub(crate) fn annual(review: &AnnualReview) -> Result<String> {
    let propaganda = &review.propaganda;
    AnnualEnglish {
        year: review.year,
        scope: review.scope.as_ref().map_or_else(
            || t(EN, "rpt-all-units", &[]),
            |s| {
                format!(
                    "{} ({}){}",
                    s.name,
                    s.code,
                    crate::summary::mapping_note_of(review.mapped_to, &review.apportioned, false)
                )
            },
        ),
        from: date(EN, review.period.from),
        to: date(EN, review.period.to),
        cutoff: t(
            EN,
            match review.cutoff {
                Cutoff::Decree09 => "rpt-cutoff-decree09",
                Cutoff::Calendar => "rpt-cutoff-calendar",
            },
            &[],
        ),
        patrols: patrols(&review.patrols),
        cases: cases(review),
        briefings: briefings(&review.briefings),
        documents: documents(&review.documents),
        propaganda: if propaganda.sessions == 0 {
            t(EN, "rpt-annual-propaganda-none", &[])
        } else {
            t(
                EN,
                "rpt-annual-propaganda",
                &[
                    ("sessions", n(propaganda.sessions)),
                    ("listeners", n(propaganda.listeners)),
                ],
            )
        },
        disaster: disaster(&review.disaster),
        tables: annual_tables_in(review, EN).without_codes(),
        opening: review.review_meeting.as_ref().map(|m| {
            t(
                EN,
                "rpt-annual-opening",
                &[
                    ("date", date(EN, m.date)),
                    ("host", m.host.name.clone()),
                    ("attendance", integer(EN, m.attendance)),
                    ("content", m.content.clone()),
                ],
            )
        }),
        shortcomings: review
            .review_meeting
            .as_ref()
            .map(|m| m.shortcomings.clone())
            .filter(|s| !s.is_empty()),
        directions: review
            .review_meeting
            .as_ref()
            .map(|m| {
                m.directions
                    .iter()
                    .map(|d| {
                        let mut args =
                            vec![("text", d.text.clone()), ("owner", d.owner.name.clone())];
                        match d.due {
                            Some(due) => {
                                args.push(("due", date(EN, due)));
                                t(EN, "rpt-annual-direction-due", &args)
                            }
                            None => t(EN, "rpt-annual-direction", &args),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
    .render()
    .map_err(|e| ReportError::Render(e.to_string()))
}

#[derive(Template)]
#[template(path = "briefing.en.md")]
struct BriefingEnglish<'a> {
    view: &'a crate::briefing::BriefingView,
    title: String,
    unit_in_sentence: String,
    name: String,
    from: String,
    to: String,
    submitted: Option<String>,
    figures: Vec<(String, String)>,
    changes: Vec<(String, String, String)>,
    carried: Vec<(String, String, String, String)>,
    overdue: Vec<(String, String, String, String)>,
    results: String,
    shortcomings: String,
    proposals: String,
}

/// A key figure's label in English, by its key: "seizure:CODE" keeps the
/// catalogue's name the Vietnamese label gives after its colon.
fn figure_label(key: &str, vi: &str) -> String {
    match key.split_once(':') {
        Some((kind, _)) => {
            let name = vi.split_once(": ").map_or(vi, |(_, name)| name);
            format!("{}: {name}", t(EN, &format!("rpt-figure-{kind}"), &[]))
        }
        None => EN
            .try_text(&format!("rpt-figure-{key}"))
            .unwrap_or_else(|| vi.to_string()),
    }
}

/// The briefing report in English.
pub(crate) fn briefing(view: &crate::briefing::BriefingView) -> Result<String> {
    use crate::render::cell;
    let text =
        |f: fn(&bienphong_domain::record::BriefingReport) -> &bienphong_domain::text::Text| {
            view.report
                .as_ref()
                .map(|r| f(r).to_string())
                .unwrap_or_default()
        };
    let amount = |q: bienphong_domain::Quantity| decimal(EN, q.value(), false);
    let name = crate::words::period_name(EN, &view.period);
    BriefingEnglish {
        view,
        title: name.clone(),
        unit_in_sentence: view.unit.name.clone(),
        name,
        from: date(EN, view.period.from),
        to: date(EN, view.period.to),
        submitted: view
            .report
            .as_ref()
            .and_then(|r| r.submitted_on)
            .map(|d| date(EN, d)),
        figures: view
            .figures
            .iter()
            .map(|f| {
                (
                    cell(&figure_label(&f.key, f.label.as_str())),
                    amount(f.value),
                )
            })
            .collect(),
        changes: view
            .changes
            .iter()
            .map(|c| {
                (
                    cell(&figure_label(&c.key, c.label.as_str())),
                    amount(c.submitted),
                    amount(c.now),
                )
            })
            .collect(),
        carried: crate::briefing::action_rows(&view.carried, EN),
        overdue: crate::briefing::overdue_rows(&view.overdue_documents, EN),
        results: text(|r| &r.results),
        shortcomings: text(|r| &r.shortcomings),
        proposals: text(|r| &r.proposals),
    }
    .render()
    .map_err(|e| ReportError::Render(e.to_string()))
}
