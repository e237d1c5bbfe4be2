//! The sheet model on a small organisation: reading cells of every kind,
//! finding headers, matching units, and planning re-imports.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::disallowed_methods,
    reason = "test code: a failed unwrap is a failed test, and tests read the clock and the environment"
)]

use bienphong_domain::catalogue::{CatalogueKind, Entry, Role};
use bienphong_domain::org::{Code, Org, Unit, UnitKind};
use bienphong_domain::text::Text;
use bienphong_domain::{Content, Problem, RecordId, RecordType, RevisionId};
use bienphong_sheets::model::{UnitIndex, UnitMatch};
use bienphong_sheets::parse::{Input, decimal_of_float, parse};
use bienphong_sheets::plan::{Action, plan};
use bienphong_sheets::{RowProblem, SheetError};
use std::collections::HashMap;

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn org() -> Org {
    let mut org = Org::default();
    let unit =
        |c: &str, kind, name: &str, from: Option<(i16, i8, i8)>, to: Option<(i16, i8, i8)>| Unit {
            code: code(c),
            kind,
            name: Text::new(name),
            name_en: None,
            admin_codes: Vec::new(),
            agency_id: None,
            valid_from: from.map(|(y, m, d)| jiff::civil::date(y, m, d)),
            valid_to: to.map(|(y, m, d)| jiff::civil::date(y, m, d)),
            successors: vec![],
            location: None,
            area: Vec::new(),
            border: Vec::new(),
            verified: true,
            note: Text::default(),
        };
    for u in [
        unit(
            "BP-LUNGCU",
            UnitKind::BorderPost,
            "Đồn Biên phòng Lũng Cú",
            None,
            None,
        ),
        unit(
            "XA-LUNGCU",
            UnitKind::Commune,
            "Xã Lũng Cú",
            None,
            Some((2025, 6, 30)),
        ),
        unit(
            "TQ-XA-LUNGCU",
            UnitKind::Commune,
            "Xã Lũng Cú",
            Some((2025, 7, 1)),
            None,
        ),
        unit("XA-MALE", UnitKind::Commune, "Xã Ma Lé", None, None),
    ] {
        org.units.insert(u.code.clone(), u);
    }
    let entry = |catalogue, c: &str, vi: &str, measure: Option<&str>, order| Entry {
        catalogue,
        code: code(c),
        vi: Text::new(vi),
        en: Text::new(c),
        measure_vi: measure.map(Text::new),
        measure_en: None,
        phrase_vi: None,
        phrase_en: None,
        role: Role::None,
        order,
        active: true,
    };
    for e in [
        entry(CatalogueKind::Force, "BDBP", "Bộ đội Biên phòng", None, 1),
        entry(CatalogueKind::Force, "DQ", "Dân quân", None, 2),
        entry(CatalogueKind::CaseType, "MATUY", "Ma túy", None, 1),
        entry(
            CatalogueKind::SeizedItem,
            "HEROIN",
            "Heroin",
            Some("bánh"),
            1,
        ),
        entry(
            CatalogueKind::SeizedItem,
            "THUOCPHIEN",
            "Thuốc phiện",
            Some("g"),
            2,
        ),
        entry(CatalogueKind::MeetingType, "GBQ", "Giao ban quý", None, 1),
    ] {
        org.catalogue
            .entries
            .insert((e.catalogue, e.code.clone()), e);
    }
    org
}

fn read(text: &str, t: Option<RecordType>) -> Result<bienphong_sheets::Parsed, SheetError> {
    parse(Input::Bytes(text.as_bytes()), "tep", t, &org(), &mut |_| {})
}

#[test]
fn floats_become_the_decimals_people_typed() {
    assert_eq!(decimal_of_float(0.43).unwrap().to_string(), "0.43");
    assert_eq!(decimal_of_float(1178.0).unwrap().to_string(), "1178");
    // Floating-point noise of a sum is rounded away…
    assert_eq!(decimal_of_float(0.1 + 0.2).unwrap().to_string(), "0.3");
    // …but a real seventh decimal is refused, not rounded.
    assert!(matches!(
        decimal_of_float(1.2345678),
        Err(Problem::TooManyDecimals { .. })
    ));
    assert!(decimal_of_float(f64::NAN).is_err());
    assert!(decimal_of_float(f64::INFINITY).is_err());
}

#[test]
fn cases_read_with_seizures_per_item_column() {
    let parsed = read(
        "\u{feff}Ngày,Đơn vị xử lý,Loại vụ việc,Số đối tượng,Thu giữ: Heroin (bánh),Thu giữ: Thuốc phiện (g),STT\n\
         45327,don bien phong lung cu,ma tuy,\"1.178\",2,\"0,43\",1\n\
         2024-02-06,BP-LUNGCU,MATUY,1,,,2\n",
        None,
    )
    .unwrap();
    assert_eq!(parsed.record_type, RecordType::Case);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let Content::Case(c) = &parsed.rows[0].content else {
        panic!()
    };
    assert_eq!(c.date, jiff::civil::date(2024, 2, 5));
    assert_eq!(c.handling_unit, code("BP-LUNGCU"));
    assert_eq!(c.subjects, 1178);
    assert_eq!(c.seizures.len(), 2);
    assert_eq!(c.seizures[1].quantity.to_string(), "0.43");
    let Content::Case(c) = &parsed.rows[1].content else {
        panic!()
    };
    assert!(c.seizures.is_empty());
}

#[test]
fn a_group_header_over_its_columns_and_merged_headers_are_read() {
    let parsed = read(
        "BÁO CÁO;;;;\nNgày;Đơn vị chủ trì;Loại;Số lượt tham gia;\n;;;Bộ đội Biên phòng;Dân quân\n\
         05.04.2024;Đồn Biên phòng Lũng Cú;Tuần tra chung;5;2\n;;;;\n;;;;\n",
        Some(RecordType::Patrol),
    )
    .unwrap();
    assert_eq!(parsed.sheets[0].header_row, 3);
    assert_eq!(parsed.rows.len(), 1, "{:?}", parsed.rejected);
    let Content::Patrol(p) = &parsed.rows[0].content else {
        panic!()
    };
    assert_eq!(p.participants.len(), 2);
    assert_eq!(p.participants[1].force, code("DQ"));
    assert_eq!(p.participants[1].persons, 2);
}

#[test]
fn unit_names_are_matched_by_date_or_reported_as_ambiguous() {
    let org = org();
    let units = UnitIndex::new(&org);
    let on = |y, m, d| Some(jiff::civil::date(y, m, d));
    assert!(
        matches!(units.resolve(&org, "xa lung cu", on(2024, 1, 1)), UnitMatch::One(c) if c == code("XA-LUNGCU"))
    );
    assert!(
        matches!(units.resolve(&org, "Xã Lũng Cú", on(2026, 1, 1)), UnitMatch::One(c) if c == code("TQ-XA-LUNGCU"))
    );
    assert!(
        matches!(units.resolve(&org, "Xã Lũng Cú (TQ-XA-LUNGCU)", on(2024, 1, 1)), UnitMatch::One(c) if c == code("TQ-XA-LUNGCU"))
    );
    match units.resolve(&org, "Lũng Cú", on(2024, 1, 1)) {
        UnitMatch::Many(c) => {
            assert_eq!(c.len(), 2, "{c:?}");
            assert!(
                c[0].contains("BP-LUNGCU") && c[1].contains("XA-LUNGCU"),
                "{c:?}"
            );
        }
        _ => panic!("ambiguous"),
    }
    assert!(matches!(
        units.resolve(&org, "Xã Không Có", None),
        UnitMatch::None
    ));
    // Exports write the name where it reads back as the same unit.
    assert_eq!(
        units.shown(&org, &code("TQ-XA-LUNGCU"), on(2026, 1, 1)),
        "Xã Lũng Cú"
    );
    assert_eq!(
        units.shown(&org, &code("TQ-XA-LUNGCU"), None),
        "TQ-XA-LUNGCU"
    );
}

#[test]
fn every_problem_of_a_row_is_listed_with_its_column() {
    let parsed = read(
        "Ngày;Đơn vị chủ trì;Loại;Lượt: Bộ đội Biên phòng\n31/02/2024;Lũng Cú;đêm;2,5\n",
        Some(RecordType::Patrol),
    )
    .unwrap();
    assert!(parsed.rows.is_empty());
    let errors = &parsed.rejected[0].errors;
    let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
    assert_eq!(
        columns,
        vec!["Ngày", "Đơn vị chủ trì", "Loại", "Lượt: Bộ đội Biên phòng"]
    );
    assert_eq!(
        errors[0].problem,
        RowProblem::Invalid(Problem::InvalidDate("31/02/2024".into()))
    );
    assert!(matches!(
        errors[1].problem,
        RowProblem::AmbiguousUnit { .. }
    ));
    assert_eq!(
        errors[3].problem,
        RowProblem::Invalid(Problem::NotInteger("2,5".into()))
    );
    assert_eq!(errors[3].row, 2);
}

#[test]
fn a_file_without_the_columns_of_any_record_is_refused() {
    assert!(matches!(
        read("a,b\n1,2\n", None),
        Err(SheetError::UnknownType)
    ));
    assert!(matches!(
        read("a,b\n1,2\n", Some(RecordType::Patrol)),
        Err(SheetError::NoData(_))
    ));
    assert!(matches!(
        read(
            "Ngày;Đơn vị chủ trì;Loại;Lượt: Biệt kích\n",
            Some(RecordType::Patrol)
        ),
        Err(SheetError::UnknownEntryColumn { .. })
    ));
    assert!(matches!(
        read("Ngày;Đơn vị chủ trì;Loại;Ngày\n", Some(RecordType::Patrol)),
        Err(SheetError::DuplicateColumn { .. })
    ));
    assert!(matches!(
        read("Ngày;Đơn vị chủ trì;Loại\n", Some(RecordType::CaseSubjects)),
        Err(SheetError::Unsupported(_))
    ));
}

/// A sheet without record ids is matched by identity, in order, and what it
/// has no column for (a meeting's actions) is kept.
#[test]
fn re_imports_match_by_identity_and_keep_what_the_sheet_leaves_out() {
    let org = org();
    let existing_json = r#"{"date":"2024-03-01","meeting_type":"GBQ","host_unit":"BP-LUNGCU","attendance":20,"content":"Giao ban","actions":[{"text":"Tuần tra chung","owner_unit":"XA-MALE"}]}"#;
    let existing = Content::from_json(RecordType::Meeting, existing_json).unwrap();
    let id = RecordId::new();
    let rev = RevisionId::new();
    let parsed = read(
        "Ngày;Loại hội nghị;Đơn vị chủ trì;Số người dự;Nội dung\n\
         01/03/2024;Giao ban quý;BP-LUNGCU;25;Giao ban\n\
         01/03/2024;Giao ban quý;BP-LUNGCU;20;Giao ban lần hai\n\
         02/03/2024;Giao ban quý;BP-LUNGCU;20;Giao ban\n",
        Some(RecordType::Meeting),
    )
    .unwrap();
    let p = plan(
        &org,
        &parsed.sheets,
        parsed.rows,
        vec![(id, rev, existing)],
        &HashMap::new(),
    );
    assert_eq!((p.created, p.updated, p.unchanged), (2, 1, 0));
    let Action::Update {
        record_id,
        parent,
        content: Content::Meeting(m),
        ..
    } = &p.actions[0].2
    else {
        panic!("{:?}", p.actions[0])
    };
    assert_eq!((*record_id, *parent), (id, rev));
    assert_eq!(m.attendance, 25);
    assert_eq!(m.actions.len(), 1, "the actions stay");
    assert!(matches!(p.actions[1].2, Action::Create { .. }));
}

/// Column by column against the row's base: the file's changes are laid
/// over the store's, the store's alone are kept, the same column changed
/// both ways is reported with both values; the base is the revision the
/// sheet names, else a revision the row copies.
#[test]
fn re_imports_merge_three_ways_column_by_column() {
    use bienphong_sheets::model::UnitIndex;
    use bienphong_sheets::plan::{Difference, ThreeWay, choose_base, three_way};
    let org = org();
    let units = UnitIndex::new(&org);
    let patrol = |bdbp: u32, dq: u32, notes: &str| {
        Content::from_json(
            RecordType::Patrol,
            &format!(
                r#"{{"date":"2024-03-01","lead_unit":"BP-LUNGCU","kind":"joint","participants":[{{"force":"BDBP","persons":{bdbp}}},{{"force":"DQ","persons":{dq}}}],"notes":"{notes}"}}"#
            ),
        )
        .unwrap()
    };
    let parsed = read(
        "Ngày;Đơn vị chủ trì;Loại;Lượt: Bộ đội Biên phòng;Lượt: Dân quân\n01/03/2024;BP-LUNGCU;Tuần tra chung;8;3\n",
        Some(RecordType::Patrol),
    )
    .unwrap();
    let sheet = &parsed.sheets[0];
    let row = &parsed.rows[0].content;
    let base = patrol(8, 2, "");
    let diff = |file: &str, store: &str| Difference {
        column: "Lượt: Dân quân".into(),
        file: file.into(),
        store: store.into(),
    };
    // The file changed the militia (2 → 3), the store the notes (a column
    // the sheet lacks) and the Border Guard (8 → 77): both stay.
    let current = patrol(77, 2, "sửa trên web");
    let Ok(ThreeWay::Update(merged)) = three_way(&org, &units, sheet, row, &current, Some(&base))
    else {
        panic!()
    };
    assert_eq!(*merged, patrol(77, 3, "sửa trên web"));
    // Only the store changed (the file still says 3 as its base did).
    let base3 = patrol(8, 3, "");
    let corrected = patrol(77, 3, "sửa trên web");
    assert_eq!(
        three_way(&org, &units, sheet, row, &corrected, Some(&base3)).unwrap(),
        ThreeWay::Kept(vec![Difference {
            column: "Lượt: Bộ đội Biên phòng".into(),
            file: "8".into(),
            store: "77".into(),
        }])
    );
    // Both changed the militia, differently.
    let current = patrol(8, 5, "");
    assert_eq!(
        three_way(&org, &units, sheet, row, &current, Some(&base)).unwrap(),
        ThreeWay::Both {
            differences: vec![diff("3", "5")]
        }
    );
    // Without a base the file's values are corrections of the record.
    assert!(matches!(
        three_way(&org, &units, sheet, row, &current, None),
        Ok(ThreeWay::Update(_))
    ));

    let (r0, r1, r2) = (RevisionId::new(), RevisionId::new(), RevisionId::new());
    let history = vec![
        (r0, base3.clone()),
        (r1, base.clone()),
        (r2, current.clone()),
    ];
    // The sheet names its base…
    assert_eq!(
        choose_base(sheet, row, r2, &history, Some(r1), None),
        Some(&base)
    );
    // …or the row copies an earlier revision…
    assert_eq!(
        choose_base(sheet, row, r2, &history, None, Some(r1)),
        Some(&base3)
    );
    // …or the last import's revision, else none.
    let other = [(r1, base.clone()), (r2, current.clone())];
    assert_eq!(
        choose_base(sheet, row, r2, &other, None, Some(r1)),
        Some(&base)
    );
    assert_eq!(choose_base(sheet, row, r2, &other, None, None), None);
}

/// The quantities of one case column, each read back exactly.
fn quantities(parsed: &bienphong_sheets::Parsed) -> Vec<String> {
    parsed
        .rows
        .iter()
        .map(|r| match &r.content {
            Content::Case(c) => c.seizures[0].quantity.to_string(),
            _ => String::new(),
        })
        .collect()
}

#[test]
fn csv_text_cells_read_grouping_dots_and_decimal_commas() {
    let parsed = read(
        "Ngày,Đơn vị xử lý,Loại vụ việc,Số đối tượng,Thu giữ: Thuốc phiện (g)\n\
         05/02/2024,BP-LUNGCU,MATUY,1,\"1.200\"\n\
         05/02/2024,BP-LUNGCU,MATUY,2,\"1.200,5\"\n\
         05/02/2024,BP-LUNGCU,MATUY,3,\"0,43\"\n\
         05/02/2024,BP-LUNGCU,MATUY,4,\"12.500.000\"\n\
         05/02/2024,BP-LUNGCU,MATUY,5,0.43\n",
        None,
    )
    .unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(
        quantities(&parsed),
        ["1200", "1200.5", "0.43", "12500000", "0.43"]
    );
}

#[test]
fn xlsx_text_and_number_cells_read_the_same_values() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let headers = [
        "Ngày",
        "Đơn vị xử lý",
        "Loại vụ việc",
        "Số đối tượng",
        "Thu giữ: Thuốc phiện (g)",
    ];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let texts = ["1.200", "1.200,5", "0,43", "12.500.000"];
    let numbers = [1200.0, 1200.5, 0.43, 12_500_000.0];
    let mut r = 1;
    for (text, number) in texts.iter().zip(numbers) {
        for cell in [None, Some(number)] {
            sheet.write_string(r, 0, "05/02/2024").unwrap();
            sheet.write_string(r, 1, "BP-LUNGCU").unwrap();
            sheet.write_string(r, 2, "MATUY").unwrap();
            // Rows differ in their subjects so that none is a duplicate.
            sheet.write_number(r, 3, f64::from(r)).unwrap();
            match cell {
                None => sheet.write_string(r, 4, *text).unwrap(),
                Some(n) => sheet.write_number(r, 4, n).unwrap(),
            };
            r += 1;
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let parsed = parse(
        Input::Bytes(&bytes),
        "tep.xlsx",
        Some(RecordType::Case),
        &org(),
        &mut |_| {},
    )
    .unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    assert_eq!(
        quantities(&parsed),
        [
            "1200", "1200", "1200.5", "1200.5", "0.43", "0.43", "12500000", "12500000"
        ]
    );
}

#[test]
fn a_force_with_zero_persons_is_no_entry_and_a_zero_seizure_is_refused() {
    let parsed = read(
        "Ngày;Đơn vị chủ trì;Loại;Lượt: Bộ đội Biên phòng;Lượt: Dân quân\n\
         05/04/2024;BP-LUNGCU;Tuần tra chung;5;0\n",
        Some(RecordType::Patrol),
    )
    .unwrap();
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
    let Content::Patrol(p) = &parsed.rows[0].content else {
        panic!()
    };
    assert_eq!(p.participants.len(), 1);
    assert_eq!(p.participants[0].force, code("BDBP"));
    let parsed = read(
        "Ngày,Đơn vị xử lý,Loại vụ việc,Số đối tượng,Thu giữ: Thuốc phiện (g)\n\
         05/02/2024,BP-LUNGCU,MATUY,1,0\n",
        None,
    )
    .unwrap();
    assert_eq!(parsed.rejected.len(), 1);
    assert!(matches!(
        parsed.rejected[0].errors[0].problem,
        RowProblem::Invalid(Problem::NotPositive)
    ));
}

#[test]
fn an_exact_full_name_wins_over_a_short_name() {
    let mut org = org();
    let unit = |c: &str, kind, name: &str| Unit {
        code: code(c),
        kind,
        name: Text::new(name),
        name_en: None,
        admin_codes: Vec::new(),
        agency_id: None,
        valid_from: None,
        valid_to: None,
        successors: vec![],
        location: None,
        area: Vec::new(),
        border: Vec::new(),
        verified: true,
        note: Text::default(),
    };
    for u in [
        unit("TINH-BT", UnitKind::Province, "Tỉnh Biên Thùy"),
        // "Xã Tỉnh Biên Thùy" shortens to the province's full name.
        unit("XA-TBT", UnitKind::Commune, "Xã Tỉnh Biên Thùy"),
    ] {
        org.units.insert(u.code.clone(), u);
    }
    let units = UnitIndex::new(&org);
    let on = Some(jiff::civil::date(2024, 1, 1));
    assert!(
        matches!(units.resolve(&org, "Tỉnh Biên Thùy", on), UnitMatch::One(c) if c == code("TINH-BT"))
    );
    assert!(
        matches!(units.resolve(&org, "tinh bien thuy", on), UnitMatch::One(c) if c == code("TINH-BT"))
    );
    // The short name alone still finds the commune where it is the only one.
    assert!(
        matches!(units.resolve(&org, "Xã Tỉnh Biên Thùy", on), UnitMatch::One(c) if c == code("XA-TBT"))
    );
}

#[test]
fn rows_dated_after_the_importers_today_are_refused() {
    let text = "Ngày,Đơn vị xử lý,Loại vụ việc,Số đối tượng\n\
                03/01/2024,BP-LUNGCU,MATUY,1\n\
                02/01/2024,BP-LUNGCU,MATUY,1\n";
    let parsed = bienphong_sheets::parse::parse_as_of(
        Input::Bytes(text.as_bytes()),
        "tep",
        None,
        &org(),
        Some(jiff::civil::date(2024, 1, 1)),
        &mut |_| {},
    )
    .unwrap();
    // One day of tolerance: the 2nd is accepted, the 3rd refused.
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rejected.len(), 1);
    let e = &parsed.rejected[0].errors[0];
    assert_eq!((e.row, e.column.as_str()), (2, "Ngày"));
    assert!(matches!(
        e.problem,
        RowProblem::Invalid(Problem::InFuture { .. })
    ));
}
