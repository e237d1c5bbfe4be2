//! The reports' sentences in either language, from one home: the Fluent
//! bundles (`rpt-…` keys in crates/i18n/locales/{vi,en}/report.ftl) hold
//! the words, these functions only choose the sentence and fill in the
//! figures, written as the language writes numbers (one padding rule,
//! [`crate::words::count`]). Zero is said in words ("không tổ chức buổi
//! tuyên truyền nào"), never "0 buổi". Unit names stay Vietnamese; the
//! catalogue's names are the language's where the catalogue has them.

use crate::annual::AnnualReview;
use crate::tables::{AnnualTables, annual_tables_in};
use crate::words::{count, date, decimal, integer, percent, t};
use crate::{ReportError, Result};
use askama::Template;
use bienphong_domain::Cutoff;
use bienphong_i18n::Lang;
use rust_decimal::Decimal;

/// The annual review's text, whichever language's template lays it out.
struct AnnualText {
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

/// The Vietnamese layout of [`AnnualText`] (its fields through `Deref`).
#[derive(Template)]
#[template(path = "annual.vi.md")]
struct AnnualVi<'a>(&'a AnnualText);

/// The English layout of [`AnnualText`].
#[derive(Template)]
#[template(path = "annual.en.md")]
struct AnnualEn<'a>(&'a AnnualText);

layouts_of!(AnnualText: AnnualVi, AnnualEn);

/// A count in narrative text: padded as Vietnamese pads (`03`), English
/// never.
fn n(lang: Lang, v: i64) -> String {
    count(lang, v, true)
}

/// The seized items in a sentence, by the catalogue's phrase of each in
/// the language ("10 bánh heroin; 0,43g thuốc phiện, 01 xe máy": the
/// article's punctuation, its separators from the bundle).
fn seizure_list(review: &AnnualReview, lang: Lang) -> String {
    let mut out = String::new();
    for (i, s) in review.seizures.iter().enumerate() {
        if i > 0 {
            let key = if i == 1 {
                "rpt-list-first-separator"
            } else {
                "rpt-list-separator"
            };
            out.push_str(&t(lang, key, &[]));
        }
        let phrase = review.names.phrase(lang, &s.code, &s.phrase);
        out.push_str(&phrase.replace("{}", &decimal(lang, s.quantity, true)));
    }
    out
}

fn briefings(lang: Lang, b: &crate::annual::Briefings) -> String {
    let mut who = Vec::new();
    if b.communes_due > 0 {
        who.push(t(
            lang,
            "rpt-annual-briefings-communes",
            &[
                ("complete", integer(lang, b.communes_complete)),
                ("due", integer(lang, b.communes_due)),
            ],
        ));
    }
    if b.posts_due > 0 {
        who.push(t(
            lang,
            "rpt-annual-briefings-posts",
            &[
                ("complete", integer(lang, b.posts_complete)),
                ("due", integer(lang, b.posts_due)),
            ],
        ));
    }
    if who.is_empty() {
        return if b.meetings == 0 {
            t(lang, "rpt-annual-briefings-none", &[])
        } else {
            t(
                lang,
                "rpt-annual-briefings-meetings",
                &[("meetings", n(lang, b.meetings))],
            )
        };
    }
    t(
        lang,
        "rpt-annual-briefings",
        &[
            ("who", who.join(&format!(" {} ", t(lang, "rpt-and", &[])))),
            ("held", integer(lang, b.held)),
            ("due", integer(lang, b.due)),
            ("meetings", n(lang, b.meetings)),
        ],
    )
}

fn patrols(lang: Lang, p: &crate::annual::Patrols) -> String {
    if p.count == 0 {
        return t(lang, "rpt-annual-patrols-none", &[]);
    }
    let others = if p.other_persons == 0 {
        t(lang, "rpt-annual-patrols-no-others", &[])
    } else {
        t(
            lang,
            "rpt-annual-patrols-others",
            &[("others", n(lang, p.other_persons))],
        )
    };
    t(
        lang,
        "rpt-annual-patrols",
        &[
            ("count", n(lang, p.count)),
            ("persons", n(lang, p.border_guard_persons)),
            ("others", others),
        ],
    )
}

fn cases(lang: Lang, review: &AnnualReview) -> String {
    let c = &review.cases;
    if c.count == 0 {
        return t(lang, "rpt-annual-cases-none", &[]);
    }
    let seizures = if review.seizures.is_empty() {
        String::new()
    } else {
        t(
            lang,
            "rpt-annual-seized",
            &[("items", seizure_list(review, lang))],
        )
    };
    t(
        lang,
        "rpt-annual-cases",
        &[
            ("count", n(lang, c.count)),
            ("subjects", n(lang, c.subjects)),
            ("seizures", seizures),
        ],
    )
}

fn documents(lang: Lang, d: &crate::annual::Documents) -> String {
    if d.count == 0 {
        return t(lang, "rpt-annual-documents-none", &[]);
    }
    if d.recipients == 0 {
        return t(
            lang,
            "rpt-annual-documents-plain",
            &[("count", n(lang, d.count))],
        );
    }
    let share = Decimal::from(d.acknowledged) * Decimal::from(100) / Decimal::from(d.recipients);
    t(
        lang,
        "rpt-annual-documents",
        &[
            ("count", n(lang, d.count)),
            ("recipients", n(lang, d.recipients)),
            ("acknowledged", n(lang, d.acknowledged)),
            ("percent", percent(lang, share)),
        ],
    )
}

fn disaster(lang: Lang, d: &crate::annual::Disaster) -> String {
    let plans = if d.plans == 0 {
        t(lang, "rpt-annual-disaster-plans-none", &[])
    } else {
        t(
            lang,
            "rpt-annual-disaster-plans",
            &[("plans", n(lang, d.plans))],
        )
    };
    if d.responses == 0 {
        return t(lang, "rpt-annual-disaster-no-response", &[("plans", plans)]);
    }
    let rescued = if d.people_rescued == 0 {
        String::new()
    } else {
        t(
            lang,
            "rpt-annual-disaster-rescued",
            &[("people", n(lang, d.people_rescued))],
        )
    };
    t(
        lang,
        "rpt-annual-disaster",
        &[
            ("plans", plans),
            ("responses", n(lang, d.responses)),
            ("persons", n(lang, d.persons_mobilised)),
            ("rescued", rescued),
        ],
    )
}

/// The annual review as Markdown in `lang`.
pub(crate) fn annual(review: &AnnualReview, lang: Lang) -> Result<String> {
    let propaganda = &review.propaganda;
    let text = AnnualText {
        year: review.year,
        scope: review.scope.as_ref().map_or_else(
            || t(lang, "rpt-all-units", &[]),
            |s| {
                format!(
                    "{} ({}){}",
                    s.name,
                    s.code,
                    crate::summary::mapping_note_of(
                        lang,
                        review.mapped_to,
                        &review.apportioned,
                        false
                    )
                )
            },
        ),
        from: date(lang, review.period.from),
        to: date(lang, review.period.to),
        cutoff: t(
            lang,
            match review.cutoff {
                Cutoff::Decree09 => "rpt-cutoff-decree09",
                Cutoff::Calendar => "rpt-cutoff-calendar",
            },
            &[],
        ),
        patrols: patrols(lang, &review.patrols),
        cases: cases(lang, review),
        briefings: briefings(lang, &review.briefings),
        documents: documents(lang, &review.documents),
        propaganda: if propaganda.sessions == 0 {
            t(lang, "rpt-annual-propaganda-none", &[])
        } else {
            t(
                lang,
                "rpt-annual-propaganda",
                &[
                    ("sessions", n(lang, propaganda.sessions)),
                    ("listeners", n(lang, propaganda.listeners)),
                ],
            )
        },
        disaster: disaster(lang, &review.disaster),
        tables: annual_tables_in(review, lang).without_codes(),
        opening: review.review_meeting.as_ref().map(|m| {
            t(
                lang,
                "rpt-annual-opening",
                &[
                    ("date", date(lang, m.date)),
                    ("host", m.host.name.clone()),
                    ("attendance", integer(lang, m.attendance)),
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
                                args.push(("due", date(lang, due)));
                                t(lang, "rpt-annual-direction-due", &args)
                            }
                            None => t(lang, "rpt-annual-direction", &args),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
    };
    match lang {
        Lang::Vi => AnnualVi(&text).render(),
        Lang::En => AnnualEn(&text).render(),
    }
    .map_err(|e| ReportError::Render(e.to_string()))
}

/// The briefing report's text, whichever language's template lays it out.
struct BriefingText<'a> {
    view: &'a crate::briefing::BriefingView,
    /// The period inside the title: "quý I năm 2024".
    title: String,
    /// The unit as a sentence names it: "xã Lũng Cú", "Đồn Biên phòng Lũng Cú".
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

/// The Vietnamese layout of [`BriefingText`] (its fields through `Deref`).
#[derive(Template)]
#[template(path = "briefing.vi.md")]
struct BriefingVi<'a, 'b>(&'b BriefingText<'a>);

/// The English layout of [`BriefingText`].
#[derive(Template)]
#[template(path = "briefing.en.md")]
struct BriefingEn<'a, 'b>(&'b BriefingText<'a>);

impl<'a> std::ops::Deref for BriefingVi<'a, '_> {
    type Target = BriefingText<'a>;
    fn deref(&self) -> &BriefingText<'a> {
        self.0
    }
}

impl<'a> std::ops::Deref for BriefingEn<'a, '_> {
    type Target = BriefingText<'a>;
    fn deref(&self) -> &BriefingText<'a> {
        self.0
    }
}

/// A key figure's label in `lang`, by its key: the Vietnamese label as it
/// was frozen in Vietnamese; else the bundle's label of the key, and for
/// "seizure:CODE" the catalogue's name and measure of the item in `lang`
/// (the Vietnamese after the label's colon where the catalogue has none).
fn figure_label(lang: Lang, names: &crate::annual::CatalogueNames, key: &str, vi: &str) -> String {
    if lang == Lang::Vi {
        return vi.to_string();
    }
    match key.split_once(':') {
        Some((kind, code)) => {
            let vi_name = vi.split_once(": ").map_or(vi, |(_, name)| name);
            let item = bienphong_domain::catalogue::CatalogueKind::SeizedItem;
            let english = if kind == "seizure" {
                names.name(lang, item, code, "")
            } else {
                ""
            };
            let name = match english {
                "" => vi_name.to_string(),
                name => match names.measure(lang, code, "") {
                    "" => name.to_string(),
                    measure => format!("{name} ({measure})"),
                },
            };
            format!("{}: {name}", t(lang, &format!("rpt-figure-{kind}"), &[]))
        }
        None => lang
            .try_text(&format!("rpt-figure-{key}"))
            .unwrap_or_else(|| vi.to_string()),
    }
}

/// The briefing report as Markdown in `lang`.
pub(crate) fn briefing(view: &crate::briefing::BriefingView, lang: Lang) -> Result<String> {
    use crate::render::cell;
    let text =
        |f: fn(&bienphong_domain::record::BriefingReport) -> &bienphong_domain::text::Text| {
            view.report
                .as_ref()
                .map(|r| f(r).to_string())
                .unwrap_or_default()
        };
    let amount = |q: bienphong_domain::Quantity| decimal(lang, q.value(), false);
    let label = |key: &str, vi: &str| cell(&figure_label(lang, &view.names, key, vi));
    let text = BriefingText {
        view,
        title: crate::words::period_in_sentence(lang, &view.period),
        unit_in_sentence: match lang {
            Lang::Vi => crate::briefing::in_sentence(&view.unit.name),
            Lang::En => view.unit.name.clone(),
        },
        name: crate::words::period_name(lang, &view.period),
        from: date(lang, view.period.from),
        to: date(lang, view.period.to),
        submitted: view
            .report
            .as_ref()
            .and_then(|r| r.submitted_on)
            .map(|d| date(lang, d)),
        figures: view
            .figures
            .iter()
            .map(|f| (label(&f.key, f.label.as_str()), amount(f.value)))
            .collect(),
        changes: view
            .changes
            .iter()
            .map(|c| {
                (
                    label(&c.key, c.label.as_str()),
                    amount(c.submitted),
                    amount(c.now),
                )
            })
            .collect(),
        carried: crate::briefing::action_rows(&view.carried, lang),
        overdue: crate::briefing::overdue_rows(&view.overdue_documents, lang),
        results: text(|r| &r.results),
        shortcomings: text(|r| &r.shortcomings),
        proposals: text(|r| &r.proposals),
    };
    match lang {
        Lang::Vi => BriefingVi(&text).render(),
        Lang::En => BriefingEn(&text).render(),
    }
    .map_err(|e| ReportError::Render(e.to_string()))
}
