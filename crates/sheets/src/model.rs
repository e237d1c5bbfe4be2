//! The columns of each record type's sheet, derived from the field
//! declaration (`bienphong_domain::fields`) and the catalogues: one column
//! per scalar field, one column per catalogue entry for lists of
//! (entry, amount) such as patrol participants and case seizures. Lists
//! that do not flatten (meeting actions, document recipients, programme
//! disbursements) are left out of sheets.

use bienphong_domain::catalogue::CatalogueKind;
use bienphong_domain::fields::{Field, Item, Kind, form_of};
use bienphong_domain::org::{Code, Org};
use bienphong_domain::text::search_key;
use bienphong_domain::{Date, RecordType, format};
use bienphong_i18n::Lang;
use std::collections::HashMap;

/// The record types that have a sheet: the kinds of coordinated work and
/// the organisation (units, links, markers, catalogue entries). Personal
/// data (case subjects, beneficiaries) has none: it is not to travel in
/// spreadsheets. Nor do attached files: they are uploaded, not typed.
pub fn has_sheet(t: RecordType) -> bool {
    !t.is_restricted() && t != RecordType::Attachment && t != RecordType::Signoff
}

/// A list of rows that flattens into one column per catalogue entry: its
/// rows have exactly two fields, the entry and its amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flat {
    /// The list's field in the record (`participants`).
    pub rows: &'static str,
    /// The field holding the entry's code (`force`).
    pub key: &'static str,
    pub catalogue: CatalogueKind,
    /// The amount (`persons`).
    pub value: Field,
}

impl Flat {
    fn of(item: &Item) -> Option<Flat> {
        match item {
            Item::Rows { name, fields, .. } => match fields {
                [
                    Field {
                        name: key,
                        kind: Kind::Catalogue(catalogue),
                        ..
                    },
                    value,
                ] => Some(Flat {
                    rows: name,
                    key,
                    catalogue: *catalogue,
                    value: *value,
                }),
                _ => None,
            },
            Item::Field(_) => None,
        }
    }
}

/// What a column holds.
#[derive(Clone, Debug)]
pub enum Target {
    /// The record's id, for re-importing an exported sheet.
    RecordId,
    /// The revision an exported row shows: what a re-import compares the
    /// row and the record with (a hidden column of exports).
    Base,
    Field(Field),
    /// The amount of one catalogue entry in a flattened list.
    Entry {
        flat: Flat,
        code: Code,
    },
    /// A column the import reads past (row numbers, the error column).
    Ignored,
    /// Beside a unit field in an export: the unit's administrative code on
    /// the record's date (else its latest), or its agency identifier. An
    /// import reads past it.
    UnitCode(Field),
}

impl Target {
    /// Two targets fill the same value.
    pub fn same(&self, other: &Target) -> bool {
        match (self, other) {
            (Target::RecordId, Target::RecordId) | (Target::Base, Target::Base) => true,
            (Target::Field(a), Target::Field(b)) => a.name == b.name,
            (Target::Entry { flat: a, code: x }, Target::Entry { flat: b, code: y }) => {
                a.rows == b.rows && x == y
            }
            _ => false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Column {
    pub header: String,
    pub target: Target,
}

/// The fields of `t` a sheet holds, and the flattened lists.
pub fn sheet_items(t: RecordType) -> (Vec<Field>, Vec<Flat>) {
    let mut fields = Vec::new();
    let mut flats = Vec::new();
    for item in form_of(t) {
        match item {
            Item::Field(f) if !matches!(f.kind, Kind::Record) => fields.push(f),
            Item::Field(_) => {}
            Item::Rows { .. } => {
                if let Some(flat) = Flat::of(&item) {
                    flats.push(flat);
                }
            }
        }
    }
    (fields, flats)
}

/// The lists of `t` a sheet leaves out (`actions`, `recipients`…).
pub fn left_out(t: RecordType) -> Vec<&'static str> {
    form_of(t)
        .iter()
        .filter_map(|item| match item {
            Item::Rows { name, .. } if Flat::of(item).is_none() => Some(*name),
            _ => None,
        })
        .collect()
}

/// A field's column header in `lang`.
pub fn field_label(lang: Lang, name: &str) -> String {
    match name {
        "markers" => lang.text("sheet-markers", &[]),
        "partner_units" | "participant_units" => {
            format!(
                "{} {}",
                lang.text(&format!("field-{name}"), &[]),
                lang.text("sheet-list-hint", &[])
            )
        }
        _ => lang.text(&format!("field-{name}"), &[]),
    }
}

fn flat_prefix(lang: Lang, flat: &Flat) -> String {
    lang.text(&format!("sheet-flat-{}", flat.rows), &[])
}

/// The header of an entry's column: "Lượt: Dân quân", "Thu giữ: Heroin (bánh)".
pub fn entry_label(lang: Lang, org: &Org, flat: &Flat, code: &Code) -> String {
    let entry = org.catalogue.get(flat.catalogue, code);
    let name = entry
        .map(|e| match lang {
            Lang::Vi => e.vi.to_string(),
            Lang::En => e.en.to_string(),
        })
        .unwrap_or_else(|| code.to_string());
    let measure = entry
        .and_then(|e| match lang {
            Lang::Vi => e.measure_vi.as_ref(),
            Lang::En => e.measure_en.as_ref().or(e.measure_vi.as_ref()),
        })
        .map(|m| format!(" ({m})"))
        .unwrap_or_default();
    format!("{}: {name}{measure}", flat_prefix(lang, flat))
}

/// The header of the column of a unit field's codes (see
/// [`Target::UnitCode`]).
pub fn unit_code_header(lang: Lang, f: &Field) -> String {
    format!(
        "{} ({})",
        field_label(lang, f.name),
        lang.text("sheet-unit-codes", &[])
    )
}

/// The columns of `t`'s sheet, headers in Vietnamese: the record id, the
/// fields, then one column per active catalogue entry of each flattened list
/// (and per inactive entry in `extra`, which records still use).
pub fn columns(t: RecordType, org: &Org, extra: &[(Flat, Code)]) -> Vec<Column> {
    let lang = Lang::Vi;
    let mut out = vec![Column {
        header: lang.text("sheet-record-id", &[]),
        target: Target::RecordId,
    }];
    let (fields, flats) = sheet_items(t);
    let mut flats_done = false;
    for item in form_of(t) {
        match item {
            Item::Field(f) if fields.iter().any(|x| x.name == f.name) => {
                let mut header = field_label(lang, f.name);
                if f.required {
                    header.push_str(" *");
                }
                out.push(Column {
                    header,
                    target: Target::Field(f),
                });
            }
            Item::Rows { .. } if !flats_done => {
                flats_done = true;
                for flat in &flats {
                    let mut codes: Vec<Code> = org
                        .catalogue
                        .list(flat.catalogue)
                        .into_iter()
                        .filter(|e| e.active)
                        .map(|e| e.code.clone())
                        .collect();
                    for (f, c) in extra {
                        if f.rows == flat.rows && !codes.contains(c) {
                            codes.push(c.clone());
                        }
                    }
                    for code in codes {
                        out.push(Column {
                            header: entry_label(lang, org, flat, &code),
                            target: Target::Entry { flat: *flat, code },
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A header or a cell compared without diacritics, case, surrounding
/// spaces, a trailing `*` or `:`, and with runs of spaces as one.
pub fn key(s: &str) -> String {
    let k = search_key(s);
    let k = k.trim().trim_end_matches(['*', ':']).trim();
    k.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds what each header of a sheet of `t` stands for.
pub struct Headers<'a> {
    org: &'a Org,
    fixed: HashMap<String, Target>,
    flats: Vec<(Vec<String>, Flat)>,
}

impl<'a> Headers<'a> {
    pub fn new(t: RecordType, org: &'a Org) -> Self {
        let mut fixed = HashMap::new();
        for lang in [Lang::En, Lang::Vi] {
            fixed.insert(key(&lang.text("sheet-record-id", &[])), Target::RecordId);
            for ignored in ["sheet-row-number", "sheet-errors", "sheet-source-row"] {
                fixed.insert(key(&lang.text(ignored, &[])), Target::Ignored);
            }
        }
        for k in ["id", "record_id", "ma"] {
            fixed.insert(k.to_string(), Target::RecordId);
        }
        for lang in [Lang::En, Lang::Vi] {
            fixed.insert(key(&lang.text("sheet-base-revision", &[])), Target::Base);
        }
        fixed.insert("base_revision".to_string(), Target::Base);
        for k in ["tt", "no", "#"] {
            fixed.insert(k.to_string(), Target::Ignored);
        }
        let (fields, flat_list) = sheet_items(t);
        for f in fields {
            if matches!(f.kind, Kind::Unit) {
                for lang in [Lang::En, Lang::Vi] {
                    fixed.insert(key(&unit_code_header(lang, &f)), Target::Ignored);
                }
            }
            fixed.insert(key(f.name), Target::Field(f));
            for lang in [Lang::En, Lang::Vi] {
                fixed.insert(key(&field_label(lang, f.name)), Target::Field(f));
                fixed.insert(
                    key(&lang.text(&format!("field-{}", f.name), &[])),
                    Target::Field(f),
                );
            }
        }
        let flats = flat_list
            .into_iter()
            .map(|flat| {
                let prefixes = vec![
                    key(&flat_prefix(Lang::Vi, &flat)),
                    key(&flat_prefix(Lang::En, &flat)),
                    key(flat.rows),
                ];
                (prefixes, flat)
            })
            .collect();
        Self { org, fixed, flats }
    }

    /// What `header` stands for; `Err` names a catalogue entry the header
    /// asks for that the catalogue does not have.
    pub fn target(&self, header: &str) -> Option<Result<Target, String>> {
        let k = key(header);
        if k.is_empty() {
            return None;
        }
        if let Some(t) = self.fixed.get(&k) {
            return Some(Ok(t.clone()));
        }
        for (prefixes, flat) in &self.flats {
            for p in prefixes {
                // "Lượt: X" or "Lượt - X"; "Lượtx" does not start with the prefix.
                let Some(after) = k.strip_prefix(p.as_str()) else {
                    continue;
                };
                if !after.starts_with([':', '-', ' ']) {
                    continue;
                }
                let rest = after.trim_start_matches([':', '-', ' ']).trim();
                if rest.is_empty() {
                    continue;
                }
                // "Lượt tham gia: Dân quân": the entry follows the last colon.
                let tail = rest.rsplit_once(':').map(|(_, t)| t.trim());
                let code = entry_code(self.org, flat.catalogue, rest)
                    .or_else(|| tail.and_then(|t| entry_code(self.org, flat.catalogue, t)));
                return Some(match code {
                    Some(code) => Ok(Target::Entry { flat: *flat, code }),
                    None => Err(rest.to_string()),
                });
            }
        }
        None
    }
}

impl Headers<'_> {
    /// What a header under a group header stands for: "Dân quân" under
    /// "Số lượt tham gia" (a group header naming a flattened list).
    pub fn target_in_group(&self, group: &str, header: &str) -> Option<Target> {
        let g = key(group);
        for (prefixes, flat) in &self.flats {
            if prefixes.iter().any(|p| g.contains(p.as_str()))
                && let Some(code) = entry_code(self.org, flat.catalogue, header)
            {
                return Some(Target::Entry { flat: *flat, code });
            }
        }
        None
    }
}

/// The catalogue entry a text names: its code or its label in either
/// language, ignoring diacritics and case; a trailing "(unit)" is allowed.
pub fn entry_code(org: &Org, kind: CatalogueKind, text: &str) -> Option<Code> {
    let find = |k: &str| {
        org.catalogue
            .entries
            .values()
            .filter(|e| e.catalogue == kind)
            .find(|e| {
                key(e.code.as_str()) == k || key(e.vi.as_str()) == k || key(e.en.as_str()) == k
            })
            .map(|e| e.code.clone())
    };
    let k = key(text);
    find(&k).or_else(|| {
        let open = k.rfind('(')?;
        k.ends_with(')').then(|| find(k[..open].trim())).flatten()
    })
}

/// Words naming the kind of a unit before its name, as search keys.
const UNIT_PREFIXES: &[&str] = &[
    "don bien phong",
    "don bp",
    "tram bien phong",
    "tram bp",
    "bo chi huy bdbp",
    "ban chi huy bdbp",
    "bo chi huy bo doi bien phong",
    "xa",
    "thi tran",
    "phuong",
    "huyen",
    "tinh",
    "thon",
    "ban",
];

/// Units by the keys people may type for them: code, name, English name,
/// and the name without the word for its kind ("Lũng Cú"). An exact full
/// name (or code) wins over a short name: "Tỉnh Biên Thùy" is the province
/// even where another unit's name shortens to the same words.
pub struct UnitIndex {
    by_key: HashMap<String, Vec<Code>>,
    by_short: HashMap<String, Vec<Code>>,
}

/// How a unit cell resolved.
pub enum UnitMatch {
    One(Code),
    None,
    /// Several units fit, even on the row's date: "Name (CODE, dates)".
    Many(Vec<String>),
}

impl UnitIndex {
    pub fn new(org: &Org) -> Self {
        let mut by_key: HashMap<String, Vec<Code>> = HashMap::new();
        let mut by_short: HashMap<String, Vec<Code>> = HashMap::new();
        let mut codes: Vec<&Code> = org.units.keys().collect();
        codes.sort();
        for code in codes {
            let u = &org.units[code];
            let mut keys = vec![key(u.code.as_str()), key(u.name.as_str())];
            if let Some(en) = &u.name_en {
                keys.push(key(en.as_str()));
            }
            // "Lũng Cú" for "Đồn Biên phòng Lũng Cú" and for "Xã Lũng Cú":
            // a short name two units share is resolved or reported as
            // ambiguous like any other.
            let full = key(u.name.as_str());
            let mut short: Vec<String> = UNIT_PREFIXES
                .iter()
                .filter_map(|prefix| full.strip_prefix(prefix)?.strip_prefix(' '))
                .filter(|rest| !rest.is_empty())
                .map(str::to_string)
                .collect();
            keys.sort();
            keys.dedup();
            short.sort();
            short.dedup();
            for k in keys {
                by_key.entry(k).or_default().push(code.clone());
            }
            for k in short {
                by_short.entry(k).or_default().push(code.clone());
            }
        }
        Self { by_key, by_short }
    }

    /// The unit `text` names on `date`: a code (its own, an administrative
    /// code in force on the date, an agency identifier), a name with or without
    /// diacritics, or "Name (CODE)". A name several units share is decided
    /// by which of them exists on the date.
    pub fn resolve(&self, org: &Org, text: &str, date: Option<Date>) -> UnitMatch {
        let t = text.trim();
        // Its own code, an administrative code in force on the date, an
        // agency identifier: the domain's one reader of a unit named.
        let day = date.map(|d| bienphong_domain::Period { from: d, to: d });
        if let Ok(code) = org.named_unit(t, day.as_ref())
            && org.units.contains_key(&code)
        {
            return UnitMatch::One(code);
        }
        if let Some(open) = t.rfind('(')
            && t.ends_with(')')
            && let Ok(code) = Code::parse(&t[open + 1..t.len() - 1])
            && org.units.contains_key(&code)
        {
            return UnitMatch::One(code);
        }
        let k = key(t);
        let Some(found) = self.by_key.get(&k).or_else(|| self.by_short.get(&k)) else {
            return UnitMatch::None;
        };
        if found.len() == 1 {
            return UnitMatch::One(found[0].clone());
        }
        let valid: Vec<&Code> = match date {
            Some(d) => found
                .iter()
                .filter(|c| org.units.get(*c).is_some_and(|u| u.valid_on(d)))
                .collect(),
            None => vec![],
        };
        if valid.len() == 1 {
            return UnitMatch::One(valid[0].clone());
        }
        let shown: Vec<&Code> = if valid.is_empty() {
            found.iter().collect()
        } else {
            valid
        };
        UnitMatch::Many(
            shown
                .into_iter()
                .filter_map(|c| org.units.get(c))
                .map(|u| {
                    let from = u.valid_from.map(format::date).unwrap_or_default();
                    let to = u.valid_to.map(format::date).unwrap_or_default();
                    if from.is_empty() && to.is_empty() {
                        format!("{} ({})", u.name, u.code)
                    } else {
                        format!("{} ({}, {from}–{to})", u.name, u.code)
                    }
                })
                .collect(),
        )
    }

    /// How a sheet shows `code` on `date`: the unit's name where that name
    /// reads back as this unit, otherwise the code.
    pub fn shown(&self, org: &Org, code: &Code, date: Option<Date>) -> String {
        match org.units.get(code) {
            Some(u) => match self.resolve(org, u.name.as_str(), date) {
                UnitMatch::One(c) if &c == code => u.name.to_string(),
                _ => code.to_string(),
            },
            None => code.to_string(),
        }
    }
}

/// The choice a text names: its value or its label in either language.
pub fn choice_value(choices: &[&'static str], text: &str) -> Option<&'static str> {
    let k = key(text);
    choices
        .iter()
        .copied()
        .find(|c| key(c) == k || [Lang::Vi, Lang::En].iter().any(|l| key(&l.choice(c)) == k))
}
