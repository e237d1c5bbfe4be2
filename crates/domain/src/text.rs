//! Vietnamese text: stored in NFC, searched without diacritics or case.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Free text as people type it, trimmed and in Unicode NFC so that the same
/// words typed on two keyboards compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Text(String);

impl Text {
    pub fn new(s: &str) -> Self {
        Self(nfc(s.trim()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Self::new(&s))
    }
}

pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// The key search compares: no diacritics, `đ` as `d`, lower case, so that
/// "lung cu" finds "Lũng Cú".
pub fn search_key(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Vietnamese alphabetical order (a ă â b c d đ e ê … o ô ơ … u ư …), tones
/// after letters, as people expect lists of communes and posts to be sorted.
pub fn collate(a: &str, b: &str) -> std::cmp::Ordering {
    use icu_collator::CollatorBorrowed;
    use icu_collator::options::CollatorOptions;
    use std::sync::LazyLock;
    static COLLATOR: LazyLock<Option<CollatorBorrowed<'static>>> = LazyLock::new(|| {
        let locale: icu_locale_core::Locale = "vi".parse().ok()?;
        CollatorBorrowed::try_new(locale.into(), CollatorOptions::default()).ok()
    });
    match COLLATOR.as_ref() {
        Some(c) => c.compare(a, b),
        None => a.cmp(b),
    }
}

/// Whether `haystack` contains `needle`, ignoring diacritics and case.
pub fn matches_search(haystack: &str, needle: &str) -> bool {
    search_key(haystack).contains(&search_key(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_ignores_diacritics_and_case() {
        assert!(matches_search("Đồn Biên phòng Lũng Cú", "lung cu"));
        assert!(matches_search("Đồn Biên phòng Lũng Cú", "DON BIEN"));
        assert!(!matches_search("Lũng Cú", "lung ca"));
    }

    #[test]
    fn sorting_follows_the_vietnamese_alphabet() {
        let mut names = vec![
            "Đồng Văn",
            "Ân Thi",
            "Bạch Đích",
            "Ăn Khê",
            "An Lão",
            "Dương",
            "Ơn",
            "Ô Lâu",
            "Ốc",
            "Xín Mần",
        ];
        names.sort_by(|a, b| collate(a, b));
        assert_eq!(
            names,
            vec![
                "An Lão",
                "Ăn Khê",
                "Ân Thi",
                "Bạch Đích",
                "Dương",
                "Đồng Văn",
                "Ô Lâu",
                "Ốc",
                "Ơn",
                "Xín Mần"
            ]
        );
    }

    #[test]
    fn text_is_nfc_and_trimmed() {
        let decomposed = "Lu\u{0303}ng Cu\u{0301} ";
        let t = Text::new(decomposed);
        assert_eq!(t.as_str(), "Lũng Cú");
        assert_eq!(t, Text::new("Lũng Cú"));
    }
}
