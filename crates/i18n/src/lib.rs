//! Messages in the user's language, for the CLI and the web. The texts live
//! in `locales/*/*.ftl`.

use bienphong_domain::limits::{Doubt, DoubtCode};
use bienphong_domain::{Described, ErrorKind, ValidationError};
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
        let (key, args) = e.problem.message(&e.field);
        self.text(key, &args)
    }
}

impl Lang {
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
        for code in [DoubtCode::LargeSeizure, DoubtCode::LargeAmount] {
            let d = Doubt { code, ..d.clone() };
            assert!(!Lang::Vi.doubt_only(&d).contains("Unknown"));
            assert!(!Lang::En.doubt_only(&d).contains("Unknown"));
        }
    }
}
