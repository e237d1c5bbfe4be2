//! The unit pickers of a record form: each unit with its name, code and
//! validity, and only the units valid on the form's date and, where the
//! field takes only some kinds of unit, of those kinds
//! (`validate::unit_kinds`, the list the write's refusal reads). The page carries
//! every unit with its validity (`#unit-choices`), so that `app.js` offers
//! the list again when the date changes; without JavaScript the form's
//! "Cập nhật danh sách đơn vị" button asks the server to draw it again.

use crate::forms::{self, Item, Kind, Posted};
use crate::view::{name_in, unit_label};
use bienphong_domain::format::parse_date;
use bienphong_domain::org::{Org, UnitKind};
use bienphong_domain::text::collate;
use bienphong_domain::validate::unit_kinds;
use bienphong_domain::{Date, RecordType};
use bienphong_i18n::Lang;
use serde::Serialize;

/// The name of the submit button that redraws the form for its date.
pub const REFRESH: &str = "refresh_units";

/// One unit as a picker shows it.
#[derive(Serialize)]
pub struct Choice {
    #[serde(rename = "c")]
    pub code: String,
    /// `Xã Lũng Cú · XA-LUNGCU · đến 30/06/2025`.
    #[serde(rename = "l")]
    pub label: String,
    /// First and last day, `YYYY-MM-DD`, empty when open.
    #[serde(rename = "f")]
    pub from: String,
    #[serde(rename = "t")]
    pub to: String,
    /// Its kind (`border_post`), for the pickers that take some kinds.
    #[serde(rename = "k")]
    pub kind: &'static str,
    #[serde(skip)]
    unit_from: Option<Date>,
    #[serde(skip)]
    unit_to: Option<Date>,
}

impl Choice {
    fn valid_on(&self, d: Date) -> bool {
        self.unit_from.is_none_or(|f| f <= d) && self.unit_to.is_none_or(|t| d <= t)
    }
}

/// Every unit of the organisation, by name in Vietnamese order.
pub fn choices(org: &Org, lang: Lang) -> Vec<Choice> {
    let mut out: Vec<(String, Choice)> = org
        .units
        .values()
        .map(|u| {
            let name = name_in(lang, u);
            let label = unit_label(lang, &name, u);
            let iso = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
            (
                name,
                Choice {
                    code: u.code.to_string(),
                    label,
                    from: iso(u.valid_from),
                    to: iso(u.valid_to),
                    kind: u.kind.as_str(),
                    unit_from: u.valid_from,
                    unit_to: u.valid_to,
                },
            )
        })
        .collect();
    out.sort_by(|a, b| collate(&a.0, &b.0).then_with(|| a.1.code.cmp(&b.1.code)));
    out.into_iter().map(|(_, c)| c).collect()
}

/// The field whose date the form's units must be valid on: the first
/// required date of the record (a patrol's `date`, a programme's `start`);
/// none for the organisation's own records.
pub fn date_field(t: RecordType) -> Option<&'static str> {
    forms::form_of(t).into_iter().find_map(|item| match item {
        Item::Field(f) if f.kind == Kind::Date && f.required => Some(f.name),
        _ => None,
    })
}

/// The form's date as posted, if it reads as one.
pub fn form_date(t: RecordType, posted: &Posted) -> Option<Date> {
    let field = date_field(t)?;
    let text = posted.get(field)?.first()?;
    parse_date(text).ok()
}

/// The kinds of unit the field `name` of `t` takes, as `app.js` reads
/// them (`border_post station`); empty when it takes any.
pub fn kinds_of(t: RecordType, name: &str) -> String {
    unit_kinds(t, name)
        .unwrap_or_default()
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The options of one picker: the units valid on `date` (every unit when
/// the form has no date) of a kind in `kinds` (any when empty), and any
/// unit already chosen even if it is not, so that what was chosen stays
/// visible beside its error.
pub fn options(
    choices: &[Choice],
    date: Option<Date>,
    kinds: &[UnitKind],
    chosen: &[String],
) -> Vec<(String, String)> {
    choices
        .iter()
        .filter(|c| {
            let fits = date.is_none_or(|d| c.valid_on(d))
                && (kinds.is_empty() || kinds.iter().any(|k| k.as_str() == c.kind));
            fits || chosen.contains(&c.code)
        })
        .map(|c| (c.code.clone(), c.label.clone()))
        .collect()
}

/// Every unit with its days, for `app.js`, as JSON safe inside `<script>`.
pub fn choices_json(choices: &[Choice]) -> String {
    serde_json::to_string(choices)
        .unwrap_or_else(|_| "[]".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// Whether the form has a unit picker at all.
pub fn has_picker(t: RecordType) -> bool {
    let is_unit = |k: Kind| matches!(k, Kind::Unit | Kind::Units);
    forms::form_of(t).into_iter().any(|item| match item {
        Item::Field(f) => is_unit(f.kind),
        Item::Rows { fields, .. } => fields.iter().any(|f| is_unit(f.kind)),
    })
}
