//! Duties towards the people whose data the store holds (Personal Data
//! Protection Law 91/2025/QH15, Decree 356/2025, from 1/1/2026): the
//! consent a beneficiary's personal details need, and the day a data
//! subject's request must be answered by. One place for each rule; every
//! write path (forms, API, CLI, sheets, sync) asks here.

use crate::Content;
use crate::Date;
use crate::error::{Problem, ValidationError};
use crate::record::{Beneficiary, CaseSubjects};

/// Below this age a person is a child (Law on Children 2016, art. 1), whose
/// data needs the consent of a legal representative.
pub const CHILD_UNTIL_AGE: i16 = 16;

/// From this age a child's own consent is needed as well (Decree 356/2025).
pub const CHILD_CONSENTS_FROM_AGE: i16 = 7;

/// Working days within which a data subject's request is answered.
pub const REQUEST_WORKING_DAYS: i64 = 2;

/// What a beneficiary's age on `on` may be, with only a birth year known:
/// the age reached in that year (a birthday may still be ahead, so the
/// person may be one year younger).
pub fn age_in_year(birth_year: u16, on: Date) -> i16 {
    on.year() - i16::try_from(birth_year).unwrap_or(i16::MAX)
}

/// Refuses a beneficiary's personal details stored without the consent the
/// law asks for. The record's date is the day consent was given
/// (`consent_on`): a beneficiary record has no other date, and consent is
/// what allows the data to be held from then on.
///
/// - A birth year, an ethnicity (sensitive data) or a guardian needs a
///   recorded consent (`consent_on`).
/// - A person who may be under 16 on that day (birth year at most 16 years
///   before it) is a child: the legal representative (`guardian`) who
///   consented must be named.
/// - A child who may be 7 or older on that day (birth year at least 7
///   years before it) must have consented too (`child_consent_on`).
///
/// With a birth year only, both doubts are decided for the child: a child
/// turning 7 that year consents, a youth turning 16 that year has a
/// representative.
pub fn check_consent(b: &Beneficiary) -> Result<(), ValidationError> {
    let holds_details = b.birth_year.is_some()
        || b.ethnicity.as_ref().is_some_and(|t| !t.as_str().is_empty())
        || b.guardian.as_ref().is_some_and(|t| !t.as_str().is_empty());
    if !holds_details && b.child_consent_on.is_none() {
        return Ok(());
    }
    let Some(on) = b.consent_on else {
        return Err(ValidationError::new("consent_on", Problem::ConsentMissing));
    };
    let Some(born) = b.birth_year else {
        return Ok(());
    };
    let age = age_in_year(born, on);
    if age < 0 {
        return Err(ValidationError::new(
            "birth_year",
            Problem::BornAfterConsent(crate::format::date(on)),
        ));
    }
    if age <= CHILD_UNTIL_AGE {
        if b.guardian
            .as_ref()
            .is_none_or(|t| t.as_str().trim().is_empty())
        {
            return Err(ValidationError::new(
                "guardian",
                Problem::RepresentativeMissing,
            ));
        }
        if age >= CHILD_CONSENTS_FROM_AGE && b.child_consent_on.is_none() {
            return Err(ValidationError::new(
                "child_consent_on",
                Problem::ChildConsentMissing,
            ));
        }
    }
    Ok(())
}

/// The day a data subject's request received on `received` must be answered
/// by: [`REQUEST_WORKING_DAYS`] working days after it, skipping Saturdays and
/// Sundays. Public holidays are not known to the program (they move with
/// the lunar calendar and by yearly decision): the register shows the day
/// computed this way, which is never later than the law's.
pub fn request_due(received: Date) -> Date {
    let mut day = received;
    let mut left = REQUEST_WORKING_DAYS;
    while left > 0 {
        day = day.tomorrow().unwrap_or(day);
        if !matches!(
            day.weekday(),
            jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
        ) {
            left -= 1;
        }
    }
    day
}

/// The kinds of request a data subject makes (Law 91/2025, Decree 356/2025).
pub const REQUEST_KINDS: [&str; 6] = [
    "access",
    "correction",
    "erasure",
    "objection",
    "restriction",
    "withdrawal",
];

/// The states of a request in the register.
pub const REQUEST_STATES: [&str; 3] = ["open", "answered", "refused"];

/// Whether two written names are the same name: the same letters with the
/// same diacritics (Lò Thị Bình is not Lo Thi Binh), whatever the case, the
/// Unicode form or the spacing.
pub fn same_name(a: &str, b: &str) -> bool {
    let key = |s: &str| {
        crate::text::nfc(s)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let a = key(a);
    !a.is_empty() && a == key(b)
}

/// Whether `content` holds data about the person named `person`: a
/// beneficiary of that name, or a case subject of that name.
pub fn names(content: &Content, person: &str) -> bool {
    match content {
        Content::Beneficiary(b) => same_name(b.name.as_str(), person),
        Content::CaseSubjects(s) => s
            .subjects
            .iter()
            .any(|x| same_name(x.name.as_str(), person)),
        _ => false,
    }
}

/// `content` with the person's data cleared, as an earlier revision keeps
/// it after an erasure: a beneficiary record keeps only the programme it
/// belongs to (and an empty name); a case keeps its other subjects. `None`
/// when it does not name the person.
pub fn cleared(content: &Content, person: &str) -> Option<Content> {
    if !names(content, person) {
        return None;
    }
    Some(match content {
        Content::Beneficiary(b) => Content::Beneficiary(Beneficiary {
            programme_record: b.programme_record,
            name: crate::text::Text::new(""),
            birth_year: None,
            ethnicity: None,
            guardian: None,
            consent_on: None,
            child_consent_on: None,
        }),
        Content::CaseSubjects(s) => Content::CaseSubjects(CaseSubjects {
            case: s.case,
            subjects: s
                .subjects
                .iter()
                .filter(|x| !same_name(x.name.as_str(), person))
                .cloned()
                .collect(),
        }),
        other => other.clone(),
    })
}

/// What the record holds from the erasure on: `Some` content without the
/// person (a case's other subjects), or `None` when nothing is left and
/// the record is deleted (a beneficiary).
pub fn without(content: &Content, person: &str) -> Option<Content> {
    match cleared(content, person)? {
        Content::CaseSubjects(s) if !s.subjects.is_empty() => Some(Content::CaseSubjects(s)),
        _ => None,
    }
}

/// A file's link as an erasure leaves it: without the file's name (which
/// may be the person's), still naming its record and which bytes it named
/// (whose removal follows from it). Other content is returned as it is.
pub fn unnamed_file(content: &Content) -> Content {
    match content {
        Content::Attachment(a) => Content::Attachment(crate::attachment::Attachment {
            name: crate::text::Text::new(""),
            ..a.clone()
        }),
        other => other.clone(),
    }
}

/// The names of the people an erasure took out of a revision: those
/// `before` gives that `after`, its cleared form, no longer does. A node
/// reads them from its own copy of a revision and the cleared one the
/// server sent, to clear the revisions the server never held (set aside,
/// not yet sent); they are never kept.
pub fn erased_names(before: &Content, after: &Content) -> Vec<String> {
    let people = |c: &Content| -> Vec<String> {
        match c {
            Content::Beneficiary(b) => vec![b.name.as_str().to_string()],
            Content::CaseSubjects(s) => s
                .subjects
                .iter()
                .map(|x| x.name.as_str().to_string())
                .collect(),
            _ => Vec::new(),
        }
    };
    let left = people(after);
    people(before)
        .into_iter()
        .filter(|n| !n.trim().is_empty() && !left.iter().any(|l| same_name(l, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::RecordId;
    use crate::text::Text;

    fn child(born: u16, guardian: bool, consent: Option<Date>, own: Option<Date>) -> Beneficiary {
        Beneficiary {
            programme_record: RecordId::from_parts(0, [0; 10]),
            name: Text::new("Lò Thị B"),
            birth_year: Some(born),
            ethnicity: Some(Text::new("Mông")),
            guardian: guardian.then(|| Text::new("Lò Văn C (bố)")),
            consent_on: consent,
            child_consent_on: own,
        }
    }

    #[test]
    fn a_foster_child_needs_both_consents() {
        let d = jiff::civil::date(2023, 3, 1);
        let e = check_consent(&child(2015, false, None, None)).unwrap_err();
        assert_eq!(e.field, "consent_on");
        let e = check_consent(&child(2015, false, Some(d), None)).unwrap_err();
        assert_eq!(e.field, "guardian");
        let e = check_consent(&child(2015, true, Some(d), None)).unwrap_err();
        assert_eq!(e.field, "child_consent_on");
        assert!(check_consent(&child(2015, true, Some(d), Some(d))).is_ok());
        // Under 7 on the day of consent: the representative alone.
        assert!(check_consent(&child(2017, true, Some(d), None)).is_ok());
        // An adult on that day.
        assert!(check_consent(&child(1990, false, Some(d), None)).is_ok());
        let e = check_consent(&child(2024, true, Some(d), None)).unwrap_err();
        assert_eq!(e.field, "birth_year");
    }

    #[test]
    fn a_person_is_cleared_from_a_case_and_a_beneficiary_record() {
        let b = Content::Beneficiary(child(2015, true, None, None));
        assert!(names(&b, "lò  thị b"));
        assert!(!names(&b, "Lo Thi B"));
        assert_eq!(without(&b, "Lò Thị B"), None);
        let Some(Content::Beneficiary(c)) = cleared(&b, "Lò Thị B") else {
            panic!()
        };
        assert!(c.name.is_empty() && c.ethnicity.is_none() && c.guardian.is_none());
        let subject = |name: &str| crate::record::Subject {
            name: Text::new(name),
            birth_year: None,
            ethnicity: None,
            nationality: None,
            address: None,
        };
        let s = Content::CaseSubjects(CaseSubjects {
            case: RecordId::from_parts(0, [0; 10]),
            subjects: vec![subject("Vàng A"), subject("Lò Thị B")],
        });
        let Some(Content::CaseSubjects(left)) = without(&s, "Lò Thị B") else {
            panic!()
        };
        assert_eq!(left.subjects, [subject("Vàng A")]);
    }

    #[test]
    fn requests_are_due_two_working_days_later() {
        // Thursday → Monday; Friday → Tuesday; Monday → Wednesday.
        let day = |d| jiff::civil::date(2026, 1, d);
        assert_eq!(request_due(day(8)), day(12));
        assert_eq!(request_due(day(9)), day(13));
        assert_eq!(request_due(day(12)), day(14));
        assert_eq!(request_due(day(10)), day(13));
    }
}
