//! Any bytes given to the sheet reader (as XLSX when they look like a zip,
//! otherwise as CSV) are read into records or refused with an error: never
//! a panic. The organisation is a small fixed one, so that rows get as far
//! as unit names, catalogue entries and the checks against them.
#![no_main]

use bienphong_domain::catalogue::{CatalogueKind, Entry, Role};
use bienphong_domain::org::{Code, Org, Unit, UnitKind};
use bienphong_domain::{RecordType, text::Text};
use bienphong_sheets::{Input, parse};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

fn code(s: &str) -> Code {
    Code::parse(s).expect("code")
}

static ORG: LazyLock<Org> = LazyLock::new(|| {
    let mut org = Org::default();
    let unit = |c: &str, kind, name: &str, to: Option<jiff::civil::Date>| Unit {
        code: code(c),
        kind,
        name: Text::new(name),
        name_en: None,
        official_code: None,
        valid_from: None,
        valid_to: to,
        successors: vec![],
        verified: true,
        note: Text::default(),
    };
    for u in [
        unit(
            "BP-LUNGCU",
            UnitKind::BorderPost,
            "Đồn Biên phòng Lũng Cú",
            None,
        ),
        unit(
            "XA-LUNGCU",
            UnitKind::Commune,
            "Xã Lũng Cú",
            Some(jiff::civil::date(2025, 6, 30)),
        ),
        unit("XA-MALE", UnitKind::Commune, "Xã Ma Lé", None),
    ] {
        org.units.insert(u.code.clone(), u);
    }
    let entry = |catalogue, c: &str, vi: &str, measure: Option<&str>| Entry {
        catalogue,
        code: code(c),
        vi: Text::new(vi),
        en: Text::new(c),
        measure_vi: measure.map(Text::new),
        measure_en: None,
        phrase_vi: None,
        phrase_en: None,
        role: Role::None,
        order: 0,
        active: true,
    };
    for e in [
        entry(CatalogueKind::Force, "BDBP", "Bộ đội Biên phòng", None),
        entry(CatalogueKind::Force, "DQ", "Dân quân", None),
        entry(CatalogueKind::CaseType, "MATUY", "Ma túy", None),
        entry(CatalogueKind::SeizedItem, "HEROIN", "Heroin", Some("bánh")),
        entry(
            CatalogueKind::SeizedItem,
            "THUOCPHIEN",
            "Thuốc phiện",
            Some("g"),
        ),
    ] {
        org.catalogue
            .entries
            .insert((e.catalogue, e.code.clone()), e);
    }
    org
});

fuzz_target!(|data: &[u8]| {
    // The first byte picks the record type (or none: found from the file).
    let (choice, rest) = match data.split_first() {
        Some((c, rest)) => (*c, rest),
        None => return,
    };
    let types = RecordType::ACTIVITIES;
    let record_type = types.get(usize::from(choice) % (types.len() + 1)).copied();
    let _ = parse(Input::Bytes(rest), "fuzz", record_type, &ORG, &mut |_| {});
});
