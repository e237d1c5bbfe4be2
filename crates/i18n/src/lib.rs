//! Messages in the user's language, for the CLI and the web. The texts live
//! in `locales/*/*.ftl`.

use bienphong_domain::limits::{Doubt, DoubtCode};
use bienphong_domain::{Described, ErrorKind, Problem, ValidationError};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Terminals show the isolation marks as stray characters.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

static VI: LazyLock<LanguageIdentifier> = LazyLock::new(|| "vi".parse().unwrap_or_default());
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().unwrap_or_default());

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// `vi` or `en`; anything else is Vietnamese, the product's first
    /// language.
    pub fn parse(s: &str) -> Self {
        if s.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }

    /// "FIELD: what is wrong with it".
    /// The message of an error as its layer describes it: its text, after
    /// the field it is about as [`Lang::problem`] words it (a malformed
    /// request's part, such as `file`, is not named in the text: the edge
    /// lists it).
    pub fn described(self, d: &Described) -> String {
        let text = self.text(d.key, &d.args);
        match &d.field {
            Some(field) if d.kind != ErrorKind::Malformed => format!("{field}: {text}"),
            _ => text,
        }
    }

    /// What a reorganisation writes, one line per unit or link: the one
    /// wording of a change set's plan, for the CLI and the web.
    pub fn org_plan(self, plan: &bienphong_domain::reorg::Plan) -> Vec<String> {
        use bienphong_domain::org::{Link, LinkKind};
        let date = |d: Option<bienphong_domain::Date>| {
            d.map(bienphong_domain::format::date).unwrap_or_default()
        };
        let link = |l: &Link| {
            let kind = match l.kind {
                LinkKind::MilitaryParent => "military_parent",
                LinkKind::CivilParent => "civil_parent",
                LinkKind::Coordination => "coordination",
            };
            format!(
                "{} {} → {}",
                self.text(&format!("link-kind-{kind}"), &[]),
                l.from,
                l.to
            )
        };
        let mut out = Vec::new();
        for u in &plan.units {
            let (key, day) = if plan.new_units.contains(&u.code) {
                ("org-plan-unit-new", date(u.valid_from))
            } else if u.valid_to.is_some() {
                ("org-plan-unit-ends", date(u.valid_to))
            } else {
                ("org-plan-unit-edited", String::new())
            };
            let kind = self.text(&format!("unit-kind-{}", u.kind.as_str()), &[]);
            out.push(self.text(
                key,
                &[
                    ("code", u.code.to_string()),
                    ("name", u.name.to_string()),
                    ("kind", kind),
                    ("date", day),
                ],
            ));
        }
        for (_, l) in &plan.ended_links {
            out.push(self.text(
                "org-plan-link-ended",
                &[("link", link(l)), ("date", date(l.valid_to))],
            ));
        }
        for l in &plan.new_links {
            out.push(self.text(
                "org-plan-link-new",
                &[("link", link(l)), ("date", date(l.valid_from))],
            ));
        }
        out
    }

    pub fn problem(self, e: &ValidationError) -> String {
        format!("{}: {}", e.field, self.problem_only(e))
    }
    pub fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    pub fn text(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// The text of `key`, if the language has one (a help text that
    /// falls back to the code's own when not translated).
    pub fn try_text(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), key)
    }

    /// The label of a code under a key prefix (`audit-do-` and
    /// `restricted.read` → `audit-do-restricted-read`), or the code itself
    /// when there is none.
    pub fn label(self, prefix: &str, code: &str) -> String {
        LOCALES
            .try_lookup(self.id(), &format!("{prefix}{}", code.replace('.', "-")))
            .unwrap_or_else(|| code.to_string())
    }

    /// Who a revision is by, with the name claimed beside it when there is
    /// one, the same in the CLI's and the web's history.
    pub fn attribution(self, a: &bienphong_domain::revision::Attribution) -> String {
        match &a.claimed {
            Some(claimed) => self.text(
                "history-by-claimed",
                &[("by", a.by.clone()), ("claimed", claimed.clone())],
            ),
            None => a.by.clone(),
        }
    }

    /// What is wrong, without the field's name (a form shows it next to
    /// the field).
    pub fn problem_only(self, e: &ValidationError) -> String {
        let (key, mut args) = e.problem.message(&e.field);
        // The domain names unit kinds by code; people read them in words.
        if let Problem::WrongUnitKind {
            actual, expected, ..
        } = &e.problem
        {
            for (name, value) in args.iter_mut() {
                match *name {
                    "actual" => *value = self.unit_kind(actual),
                    "expected" => {
                        *value = expected
                            .split('|')
                            .map(|k| self.unit_kind(k.trim()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                    _ => {}
                }
            }
        }
        self.text(key, &args)
    }
}

impl Lang {
    /// A kind of unit in words as a sentence says it (`commune` → "xã"),
    /// or as written when the kind is not one of the known ones. The one
    /// home of these words is `unit-kind-<kind>`; a label
    /// ([`Lang::choice`]) is the same words with a capital.
    pub fn unit_kind(self, kind: &str) -> String {
        LOCALES
            .try_lookup(self.id(), &format!("unit-kind-{kind}"))
            .unwrap_or_else(|| kind.to_string())
    }

    /// The label of one of a field's fixed values (`joint` → "Tuần tra
    /// chung"): `choice-<value>`, or for a unit kind its words
    /// ([`Lang::unit_kind`]) with a capital; the value itself when it has
    /// neither.
    pub fn choice(self, value: &str) -> String {
        if let Some(label) = LOCALES.try_lookup(self.id(), &format!("choice-{value}")) {
            return label;
        }
        match LOCALES.try_lookup(self.id(), &format!("unit-kind-{value}")) {
            Some(words) => {
                let mut chars = words.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => words,
                }
            }
            None => value.to_string(),
        }
    }

    /// "FIELD: what is unusual about it, and the usual threshold".
    pub fn doubt(self, d: &Doubt) -> String {
        format!("{}: {}", d.field, self.doubt_only(d))
    }

    /// What is unusual, without the field's name (a form shows it next to
    /// the field).
    pub fn doubt_only(self, d: &Doubt) -> String {
        let key = match d.code {
            DoubtCode::ManyPersons => "doubt-many-persons",
            DoubtCode::LargeSeizure => "doubt-large-seizure",
            DoubtCode::LargeAmount => "doubt-large-amount",
            DoubtCode::AboveUnitHistory => "doubt-above-unit-history",
        };
        self.text(
            key,
            &[
                ("field", d.field.clone()),
                ("value", d.value.clone()),
                ("threshold", d.threshold.clone()),
            ],
        )
    }
}

/// The code a list's "Phân loại" names: a code, or the label of a
/// catalogue entry or of one of the record type's choices, in either
/// language, with or without diacritics ("ma tuy", "Ma túy", "MATUY").
/// Text that names nothing is kept, and finds nothing. The web's and the
/// CLI's list filters both read it here.
pub fn category_code(
    org: &bienphong_domain::org::Org,
    t: bienphong_domain::RecordType,
    text: &str,
) -> String {
    use bienphong_domain::fields::{Item, Kind, form_of};
    use bienphong_domain::text::search_key;
    let wanted = search_key(text.trim());
    let same = |s: &str| search_key(s) == wanted;
    if let Some(e) = org
        .catalogue
        .entries
        .values()
        .find(|e| same(e.code.as_str()) || same(e.vi.as_str()) || same(e.en.as_str()))
    {
        return e.code.to_string();
    }
    let choices = form_of(t).into_iter().filter_map(|item| match item {
        Item::Field(f) => match f.kind {
            Kind::Choice(values) => Some(values),
            _ => None,
        },
        Item::Rows { .. } => None,
    });
    for values in choices {
        for v in values {
            let label = |l: Lang| l.choice(v);
            if same(v) || same(&label(Lang::Vi)) || same(&label(Lang::En)) {
                return (*v).to_string();
            }
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bienphong_domain::Problem;

    #[test]
    fn every_problem_has_both_languages() {
        let e = ValidationError::new("participants[0].persons", Problem::Negative("-3".into()));
        assert_eq!(
            Lang::Vi.problem(&e),
            "participants[0].persons: không được là số âm: \"-3\""
        );
        assert_eq!(
            Lang::En.problem(&e),
            "participants[0].persons: must not be negative: \"-3\""
        );
    }

    #[test]
    fn audit_actions_have_labels_in_both_languages() {
        for action in [
            "create",
            "update",
            "delete",
            "restore",
            "resolve",
            "submit",
            "restricted.read",
            "login",
            "logout",
            "token.create",
            "token.revoke",
            "user.create",
            "user.password",
            "register.next",
        ] {
            for lang in [Lang::Vi, Lang::En] {
                assert_ne!(lang.label("audit-do-", action), action, "{lang:?}");
            }
        }
        assert_eq!(
            Lang::Vi.label("audit-do-", "restricted.read"),
            "Xem dữ liệu cá nhân"
        );
        assert_eq!(
            Lang::Vi.label("audit-do-", "something.new"),
            "something.new"
        );
        assert_eq!(Lang::Vi.label("audit-outcome-", "refused"), "Bị từ chối");
    }

    #[test]
    fn a_unit_of_the_wrong_kind_is_named_by_the_kinds_labels() {
        let e = ValidationError::new(
            "lead_unit",
            Problem::WrongUnitKind {
                code: "HG".into(),
                actual: "province".into(),
                expected: "border_post | border_guard_command".into(),
            },
        );
        assert_eq!(
            Lang::Vi.problem_only(&e),
            "đơn vị \"HG\" là tỉnh; ô này chỉ nhận: đồn biên phòng, bộ chỉ huy Bộ đội Biên phòng"
        );
        assert_eq!(
            Lang::En.problem_only(&e),
            "unit \"HG\" is a province; this field takes: border post, Border Guard command"
        );
        assert_eq!(Lang::Vi.unit_kind("no_such_kind"), "no_such_kind");
    }

    /// A unit kind's words have one home (`unit-kind-<kind>`): its label
    /// in a picker or on a record page is the same words with a capital,
    /// never a second text that could drift.
    #[test]
    fn a_unit_kind_is_worded_in_one_place() {
        for kind in [
            "province",
            "border_guard_command",
            "border_post",
            "station",
            "district",
            "commune",
            "village",
        ] {
            for lang in [Lang::Vi, Lang::En] {
                assert!(
                    lang.try_text(&format!("choice-{kind}")).is_none(),
                    "choice-{kind} duplicates unit-kind-{kind} ({lang:?})"
                );
                assert!(
                    lang.try_text(&format!("unit-kind-{kind}")).is_some(),
                    "{kind} {lang:?}"
                );
                let words = lang.unit_kind(kind);
                let label = lang.choice(kind);
                assert_eq!(label.to_lowercase(), words.to_lowercase());
                assert!(label.starts_with(char::is_uppercase), "{label}");
            }
        }
        assert_eq!(Lang::Vi.choice("commune"), "Xã");
        assert_eq!(Lang::Vi.choice("village"), "Thôn, bản");
        assert_eq!(Lang::Vi.choice("joint"), "Tuần tra chung");
        assert_eq!(Lang::Vi.choice("no_such_value"), "no_such_value");
    }

    #[test]
    fn every_doubt_has_both_languages() {
        let d = Doubt {
            field: "participants[0].persons".into(),
            code: DoubtCode::ManyPersons,
            value: "1.178".into(),
            threshold: "200".into(),
        };
        for lang in [Lang::Vi, Lang::En] {
            let text = lang.doubt(&d);
            assert!(text.starts_with("participants[0].persons: "), "{text}");
            assert!(text.contains("1.178") && text.contains("200"), "{text}");
        }
        assert!(Lang::Vi.doubt_only(&d).contains("xác nhận"));
        for code in [
            DoubtCode::LargeSeizure,
            DoubtCode::LargeAmount,
            DoubtCode::AboveUnitHistory,
        ] {
            let d = Doubt { code, ..d.clone() };
            assert!(!Lang::Vi.doubt_only(&d).contains("Unknown"));
            assert!(!Lang::En.doubt_only(&d).contains("Unknown"));
        }
    }
}
