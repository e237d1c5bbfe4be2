//! The form of a record type, drawn from the domain's field declaration:
//! the pages to add and edit a record, and their posts.

use super::pickers::{self, Choice};
use super::record_path;
use crate::error::{ApiError, Error};
use crate::extract::{Authenticated, CsrfForm, SignedIn};
use crate::forms::{self, Item, Kind, Posted};
use crate::routes::record_type_of;
use crate::view::{Frame, Tr, field_label, frame, render_with, write_error};
use crate::{AppState, now_ms};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bienphong_domain::format;
use bienphong_domain::org::Org;
use bienphong_domain::validate::unit_kinds;
use bienphong_domain::{Date, RecordType, RevisionId};
use bienphong_i18n::Lang;
use bienphong_service::{ServiceError, today};
use serde_json::Value;
use std::collections::HashMap;

pub struct Input {
    pub name: String,
    pub label: String,
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String, bool)>,
    pub required: bool,
    pub error: Option<String>,
    /// A unit picker, whose options follow the form's date.
    pub units: bool,
    /// The kinds of unit the picker offers (`border_post station`), empty
    /// for any.
    pub unit_kinds: String,
}

pub struct Section {
    pub label: String,
    pub inputs: Vec<Input>,
    pub rows: Vec<Vec<Input>>,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    f: Frame,
    title: String,
    action: String,
    revision: String,
    sections: Vec<Section>,
    error: Option<String>,
    /// The write asked to confirm unusual values: the "Xác nhận" box.
    ask_confirm: bool,
    /// The id of the date input the unit pickers follow ("" for none).
    units_date: String,
    /// Every unit with its days, for the pickers (JSON; "" without pickers).
    units_json: String,
}

/// Why the form comes back: one message per field at fault (beside it),
/// one line at the top, and whether to offer to confirm.
struct Refusal {
    status: StatusCode,
    fields: Vec<(String, String)>,
    general: Option<String>,
    ask_confirm: bool,
}

impl Refusal {
    /// The message goes beside the input of `field` (a unit of a list,
    /// `partner_units[1]`, beside the list's picker); the top of the form
    /// only says which field to look at.
    fn one(
        lang: Lang,
        t: RecordType,
        (status, field, message): (StatusCode, String, String),
    ) -> Self {
        if field.is_empty() {
            Self {
                status,
                fields: vec![],
                general: Some(message),
                ask_confirm: false,
            }
        } else {
            let field = input_of(t, &field);
            let general =
                Some(lang.text("form-see-field", &[("field", field_label(lang, &field))]));
            Self {
                status,
                fields: vec![(field, message)],
                general,
                ask_confirm: false,
            }
        }
    }

    fn invalid(lang: Lang, t: RecordType, v: &bienphong_domain::ValidationError) -> Self {
        Self::one(
            lang,
            t,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                v.field.clone(),
                lang.problem_only(v),
            ),
        )
    }

    /// A refused write; values to confirm are each shown beside their field.
    fn of(lang: Lang, t: RecordType, e: ServiceError) -> Self {
        match e {
            ServiceError::NeedsConfirmation(doubts) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                fields: doubts
                    .iter()
                    .map(|d| (input_of(t, &d.field), lang.doubt_only(d)))
                    .collect(),
                general: Some(lang.text("form-needs-confirmation", &[])),
                ask_confirm: true,
            },
            other => Self::one(lang, t, write_error(lang, other)),
        }
    }
}

/// The input a field named by an error lives in: itself, or for one item
/// of a list typed or picked in one input (`partner_units[1]`,
/// `markers[0]`), the list's input.
fn input_of(t: RecordType, field: &str) -> String {
    if let Some((list, rest)) = field.split_once('[')
        && rest
            .strip_suffix(']')
            .is_some_and(|i| i.parse::<usize>().is_ok())
        && forms::form_of(t)
            .into_iter()
            .any(|item| matches!(item, Item::Field(f) if f.name == list))
    {
        return list.to_string();
    }
    field.to_string()
}

/// Whether the form's "Xác nhận" box was ticked.
fn confirmed(posted: &Posted) -> bool {
    posted
        .get("confirm")
        .is_some_and(|v| v.iter().any(|x| !x.is_empty()))
}

/// What every input of one form shares.
struct Ctx<'a> {
    org: &'a Org,
    lang: Lang,
    posted: &'a Posted,
    errors: &'a HashMap<String, String>,
    units: &'a [Choice],
    date: Option<Date>,
    record_type: RecordType,
}

fn input(cx: &Ctx<'_>, field: &forms::Field, name: String) -> Input {
    let (org, lang, posted, errors) = (cx.org, cx.lang, cx.posted, cx.errors);
    let t = Tr(lang);
    let values = posted.get(&name).cloned().unwrap_or_default();
    let value = values.first().cloned().unwrap_or_default();
    let choose = |opts: Vec<(String, String)>, with_blank: bool| {
        let mut out: Vec<(String, String, bool)> = Vec::new();
        if with_blank {
            out.push((String::new(), "—".into(), value.is_empty()));
        }
        out.extend(opts.into_iter().map(|(v, l)| {
            let sel = values.contains(&v);
            (v, l, sel)
        }));
        out
    };
    let kinds = unit_kinds(cx.record_type, field.name).unwrap_or_default();
    let (kind, options) = match field.kind {
        Kind::Date => ("date", vec![]),
        Kind::Unit => (
            "select",
            choose(pickers::options(cx.units, cx.date, kinds, &values), true),
        ),
        Kind::Units => (
            "multiselect",
            choose(pickers::options(cx.units, cx.date, kinds, &values), false),
        ),
        Kind::Catalogue(c) => (
            "select",
            choose(
                org.catalogue
                    .list(c)
                    .into_iter()
                    .map(|e| {
                        let label = match lang {
                            Lang::En => e.en.to_string(),
                            Lang::Vi => e.vi.to_string(),
                        };
                        (e.code.to_string(), label)
                    })
                    .collect(),
                true,
            ),
        ),
        Kind::Choice(values) => (
            "select",
            choose(
                values
                    .iter()
                    .map(|v| (v.to_string(), t.choice(v)))
                    .collect(),
                !field.required,
            ),
        ),
        Kind::Count | Kind::Quantity | Kind::Money => ("number", vec![]),
        Kind::LongText => ("textarea", vec![]),
        Kind::Bool => ("checkbox", vec![]),
        Kind::Codes | Kind::Text | Kind::Record => ("text", vec![]),
    };
    Input {
        label: t.get(&format!("field-{}", field.name)),
        error: errors.get(&name).cloned(),
        name,
        kind,
        value,
        options,
        required: field.required,
        units: matches!(field.kind, Kind::Unit | Kind::Units),
        unit_kinds: pickers::kinds_of(cx.record_type, field.name),
    }
}

fn sections(cx: &Ctx<'_>, t: RecordType) -> Vec<Section> {
    let tr = Tr(cx.lang);
    let mut main = Section {
        label: String::new(),
        inputs: vec![],
        rows: vec![],
    };
    let mut out = Vec::new();
    for item in forms::form_of(t) {
        match item {
            Item::Field(field) => {
                main.inputs.push(input(cx, &field, field.name.to_string()));
            }
            Item::Rows {
                name,
                fields,
                blank,
            } => {
                let n = forms::filled_rows(cx.posted, name) + blank;
                let rows = (0..n)
                    .map(|i| {
                        fields
                            .iter()
                            .map(|f| input(cx, f, format!("{name}[{i}].{}", f.name)))
                            .collect()
                    })
                    .collect();
                out.push(Section {
                    label: tr.get(&format!("field-{name}")),
                    inputs: vec![],
                    rows,
                });
            }
        }
    }
    out.insert(0, main);
    out
}

fn form_response(
    auth: &Authenticated,
    org: &Org,
    t: RecordType,
    action: String,
    revision: String,
    posted: &Posted,
    refusal: Option<Refusal>,
) -> Response {
    let lang = auth.lang;
    let tr = Tr(lang);
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.status);
    let ask_confirm = refusal.as_ref().is_some_and(|r| r.ask_confirm);
    let (errors, general) = match refusal {
        Some(r) => (r.fields.into_iter().collect(), r.general),
        None => (HashMap::new(), None),
    };
    let title = if revision.is_empty() {
        format!("{} — {}", tr.get("form-new"), tr.get(&format!("type-{t}")))
    } else {
        format!("{} — {}", tr.get("form-edit"), tr.get(&format!("type-{t}")))
    };
    let has_units = pickers::has_picker(t);
    let units = if has_units {
        pickers::choices(org, lang)
    } else {
        vec![]
    };
    let cx = Ctx {
        org,
        lang,
        posted,
        errors: &errors,
        units: &units,
        date: pickers::form_date(t, posted),
        record_type: t,
    };
    let units_date = match pickers::date_field(t) {
        Some(field) if has_units => format!("f-{field}"),
        _ => String::new(),
    };
    render_with(
        status,
        FormPage {
            f: frame(auth, org, &action),
            title,
            action,
            revision,
            sections: sections(&cx, t),
            error: general,
            ask_confirm,
            units_json: if has_units {
                pickers::choices_json(&units)
            } else {
                String::new()
            },
            units_date,
        },
    )
}

pub async fn new_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Path(kind): Path<String>,
) -> Result<Response, Error> {
    let action = format!("/records/{kind}/new");
    let t = record_type_of(&kind).ok_or_else(|| ApiError::not_found(auth.lang))?;
    let org = state.service.org_shared().await?;
    let mut posted: Posted = HashMap::new();
    // An editor's records are their own unit's unless they choose another
    // (while that unit exists: not a province merged away).
    let own = &auth.principal.grant.unit;
    let own_exists = org.unit(own).is_some_and(|u| u.valid_on(today()));
    for item in forms::form_of(t) {
        if let Item::Field(f) = item
            && matches!(f.kind, Kind::Unit)
            && f.required
        {
            if own_exists {
                posted.insert(f.name.into(), vec![own.to_string()]);
            }
            break;
        }
    }
    posted.insert("date".into(), vec![format::date(today())]);
    Ok(form_response(
        &auth,
        &org,
        t,
        action,
        String::new(),
        &posted,
        None,
    ))
}

/// A new record from the form: saved, or the form again with the
/// message next to the field at fault.
pub async fn create(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    CsrfForm { auth, form: posted }: CsrfForm,
) -> Result<Response, Error> {
    let action = format!("/records/{kind}/new");
    let lang = auth.lang;
    let t = record_type_of(&kind).ok_or_else(|| ApiError::not_found(lang))?;
    let org = state.service.org_shared().await?;
    let fail = |refusal: Refusal| {
        form_response(
            &auth,
            &org,
            t,
            action.clone(),
            String::new(),
            &posted,
            Some(refusal),
        )
    };
    if posted.contains_key(pickers::REFRESH) {
        return Ok(redraw(
            &auth,
            &org,
            t,
            action.clone(),
            String::new(),
            &posted,
        ));
    }
    let content = match forms::to_content(t, &posted) {
        Ok(c) => c,
        Err(v) => return Ok(fail(Refusal::invalid(lang, t, &v))),
    };
    Ok(
        match state
            .service
            .add_as(&auth.principal, now_ms(), content, confirmed(&posted))
            .await
        {
            Ok(rev) => {
                Redirect::to(&format!("/records/{kind}/{}?saved=1", rev.record_id)).into_response()
            }
            Err(e) => fail(Refusal::of(lang, t, e)),
        },
    )
}

pub async fn edit_page(
    State(state): State<AppState>,
    SignedIn(auth): SignedIn,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, Error> {
    let action = format!("/records/{kind}/{id}/edit");
    let lang = auth.lang;
    let (t, record_id) = record_path(&kind, &id).ok_or_else(|| ApiError::not_found(lang))?;
    let org = state.service.org_shared().await?;
    let (record, _) = state
        .service
        .read_as(&auth.principal, now_ms(), record_id)
        .await?;
    if record.record_type != t {
        return Err(ApiError::not_found(lang).into());
    }
    let value: Value = serde_json::from_str(&record.content).unwrap_or(Value::Null);
    let posted = forms::from_json(t, &value);
    Ok(form_response(
        &auth,
        &org,
        t,
        action,
        record.revision_id.to_string(),
        &posted,
        None,
    ))
}

pub async fn update(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    CsrfForm { auth, form: posted }: CsrfForm,
) -> Result<Response, Error> {
    let action = format!("/records/{kind}/{id}/edit");
    let lang = auth.lang;
    let (t, record_id) = record_path(&kind, &id).ok_or_else(|| ApiError::not_found(lang))?;
    let org = state.service.org_shared().await?;
    let revision_text = posted
        .get("revision")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default();
    let fail = |refusal: Refusal| {
        form_response(
            &auth,
            &org,
            t,
            action.clone(),
            revision_text.clone(),
            &posted,
            Some(refusal),
        )
    };
    if posted.contains_key(pickers::REFRESH) {
        return Ok(redraw(
            &auth,
            &org,
            t,
            action.clone(),
            revision_text.clone(),
            &posted,
        ));
    }
    let Ok(revision) = revision_text.parse::<RevisionId>() else {
        return Ok(fail(Refusal::one(
            lang,
            t,
            (
                StatusCode::BAD_REQUEST,
                String::new(),
                lang.text("form-no-revision", &[]),
            ),
        )));
    };
    // What the form could not show is kept as the record holds it.
    let (before, _) = state
        .service
        .read_as(&auth.principal, now_ms(), record_id)
        .await?;
    let before: Value = serde_json::from_str(&before.content).unwrap_or(Value::Null);
    let content = match forms::to_content_over(t, &posted, &before) {
        Ok(c) => c,
        Err(v) => return Ok(fail(Refusal::invalid(lang, t, &v))),
    };
    let written = state
        .service
        .edit_as(
            &auth.principal,
            now_ms(),
            record_id,
            Some(revision),
            content,
            confirmed(&posted),
        )
        .await;
    Ok(match written {
        Ok(_) => Redirect::to(&format!("/records/{kind}/{record_id}?saved=1")).into_response(),
        Err(e) => fail(Refusal::of(lang, t, e)),
    })
}

/// The form again as posted, nothing saved: its unit pickers drawn for
/// the date typed (the round trip of a browser without JavaScript).
fn redraw(
    auth: &Authenticated,
    org: &Org,
    t: RecordType,
    action: String,
    revision: String,
    posted: &Posted,
) -> Response {
    form_response(auth, org, t, action, revision, posted, None)
}
