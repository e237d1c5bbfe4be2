//! The organisation as people read it: units with their links and
//! validity, and the catalogues in Vietnamese order.

use crate::AppState;
use crate::error::Error;
use crate::extract::{SignedIn, back_of};
use crate::params;
use crate::view::{Frame, Tr, frame, render, unit_name};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use bienphong_domain::catalogue::CatalogueKind;
use bienphong_domain::format;
use bienphong_domain::text::collate;

pub struct UnitLine {
    pub code: String,
    /// Administrative codes with their validity, and the agency identifier.
    pub admin_codes: String,
    pub agency_id: String,
    pub name: String,
    pub kind: String,
    pub valid: String,
    pub parents: String,
    pub coordinated: String,
    pub verified: bool,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    f: Frame,
    units: Vec<UnitLine>,
    search: String,
}

fn validity(from: Option<bienphong_domain::Date>, to: Option<bienphong_domain::Date>) -> String {
    match (from, to) {
        (None, None) => "—".into(),
        (f, t) => format!(
            "{} – {}",
            f.map(format::date).unwrap_or_default(),
            t.map(format::date).unwrap_or_default()
        ),
    }
}

pub async fn org_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    uri: axum::http::Uri,
    Query(q): Query<params::Query>,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let org = state.service.org_shared().await?;
    let tr = Tr(lang);
    let search = q.get("q").cloned().unwrap_or_default();
    let mut units: Vec<&bienphong_domain::org::Unit> = org
        .units
        .values()
        .filter(|u| {
            search.trim().is_empty()
                || bienphong_domain::text::matches_search(
                    &format!("{} {}", u.name, u.code),
                    &search,
                )
        })
        .collect();
    units.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| collate(a.name.as_str(), b.name.as_str()))
    });
    let lines = units
        .into_iter()
        .map(|u| {
            let links = |coordination: bool, incoming: bool| {
                org.links
                    .iter()
                    .filter(|l| {
                        (l.kind == bienphong_domain::org::LinkKind::Coordination) == coordination
                            && if incoming {
                                l.to == u.code
                            } else {
                                l.from == u.code
                            }
                    })
                    .map(|l| {
                        let other = if incoming { &l.from } else { &l.to };
                        let v = validity(l.valid_from, l.valid_to);
                        let name = unit_name(&org, other.as_str(), lang);
                        if v == "—" {
                            name
                        } else {
                            format!("{name} ({v})")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            UnitLine {
                code: u.code.to_string(),
                admin_codes: u.admin_codes_text(),
                agency_id: u.agency_id.clone().unwrap_or_default(),
                name: unit_name(&org, u.code.as_str(), lang),
                kind: tr.choice(u.kind.as_str()),
                valid: validity(u.valid_from, u.valid_to),
                parents: links(false, true),
                coordinated: links(true, false),
                verified: u.verified,
            }
        })
        .collect();
    Ok(render(OrgPage {
        f: frame(&auth, &org, &back_of(&uri)),
        units: lines,
        search,
    }))
}

pub struct CatalogueSection {
    pub title: String,
    pub entries: Vec<(String, String, String, String)>,
}

#[derive(Template)]
#[template(path = "catalogues.html")]
struct CataloguePage {
    f: Frame,
    sections: Vec<CatalogueSection>,
}

pub async fn catalogue_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
) -> Result<Response, Error> {
    let lang = auth.lang;
    let org = state.service.org_shared().await?;
    let tr = Tr(lang);
    let sections = CatalogueKind::ALL
        .iter()
        .map(|k| {
            let mut entries: Vec<_> = org.catalogue.list(*k);
            entries.sort_by(|a, b| {
                a.order
                    .cmp(&b.order)
                    .then_with(|| collate(a.vi.as_str(), b.vi.as_str()))
            });
            CatalogueSection {
                title: tr.choice(k.as_str()),
                entries: entries
                    .into_iter()
                    .map(|e| {
                        (
                            e.code.to_string(),
                            e.vi.to_string(),
                            e.en.to_string(),
                            e.measure_vi
                                .as_ref()
                                .map(|m| m.to_string())
                                .unwrap_or_default(),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(render(CataloguePage {
        f: frame(&auth, &org, "/catalogues"),
        sections,
    }))
}
