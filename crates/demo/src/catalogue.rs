//! The catalogues the demo uses: forces, case types, seized items,
//! programmes, document and meeting types, with the article's wording.

use crate::util::{code, text};
use bienphong_domain::catalogue::{CatalogueKind, Entry, Role};

struct Item {
    kind: CatalogueKind,
    code: &'static str,
    vi: &'static str,
    en: &'static str,
    /// Seized items: unit of measure and report phrase, vi and en.
    measure: Option<(&'static str, &'static str, &'static str, &'static str)>,
    role: Role,
}

const fn plain(
    kind: CatalogueKind,
    code: &'static str,
    vi: &'static str,
    en: &'static str,
) -> Item {
    Item {
        kind,
        code,
        vi,
        en,
        measure: None,
        role: Role::None,
    }
}

const fn with_role(
    kind: CatalogueKind,
    code: &'static str,
    vi: &'static str,
    en: &'static str,
    role: Role,
) -> Item {
    Item {
        kind,
        code,
        vi,
        en,
        measure: None,
        role,
    }
}

const fn seized(
    code: &'static str,
    vi: &'static str,
    en: &'static str,
    measure: (&'static str, &'static str, &'static str, &'static str),
) -> Item {
    Item {
        kind: CatalogueKind::SeizedItem,
        code,
        vi,
        en,
        measure: Some(measure),
        role: Role::None,
    }
}

use CatalogueKind::{CaseType, DocumentType, Force, MeetingType, Programme};

const ITEMS: &[Item] = &[
    // Forces: the Border Guard, then "lực lượng khác".
    with_role(
        Force,
        "BDBP",
        "Bộ đội Biên phòng",
        "Border Guard",
        Role::BorderGuard,
    ),
    plain(Force, "DQ", "Dân quân", "Militia"),
    plain(Force, "CA", "Công an", "Police"),
    plain(Force, "TTQ", "Tổ tự quản", "Self-management team"),
    plain(Force, "QCND", "Quần chúng nhân dân", "Villagers"),
    // Case types.
    plain(CaseType, "MATUY", "Ma túy", "Drugs"),
    plain(CaseType, "BUONLAU", "Buôn lậu", "Smuggling"),
    plain(
        CaseType,
        "XNC",
        "Xuất nhập cảnh trái phép",
        "Illegal entry and exit",
    ),
    plain(CaseType, "MBN", "Mua bán người", "Human trafficking"),
    plain(
        CaseType,
        "VPQC",
        "Vi phạm quy chế khu vực biên giới",
        "Breach of border-area regulations",
    ),
    plain(
        CaseType,
        "VKVLN",
        "Vũ khí, vật liệu nổ",
        "Weapons and explosives",
    ),
    // Seized items, in the order the article lists them.
    seized(
        "HEROIN",
        "Heroin",
        "Heroin",
        ("bánh", "cake", "{} bánh heroin", "{} cakes of heroin"),
    ),
    seized(
        "THUOCPHIEN",
        "Thuốc phiện",
        "Opium",
        ("g", "g", "{}g thuốc phiện", "{} g of opium"),
    ),
    seized(
        "MTTH",
        "Ma túy tổng hợp",
        "Synthetic drugs",
        (
            "viên",
            "tablet",
            "{} viên ma túy tổng hợp",
            "{} synthetic drug tablets",
        ),
    ),
    seized(
        "XEMAY",
        "Xe máy",
        "Motorbike",
        ("chiếc", "unit", "{} xe máy", "{} motorbikes"),
    ),
    seized(
        "DIENTHOAI",
        "Điện thoại di động",
        "Mobile phone",
        ("chiếc", "unit", "{} điện thoại di động", "{} mobile phones"),
    ),
    seized(
        "TIEN",
        "Tiền mặt",
        "Cash",
        ("đồng", "VND", "{} đồng tiền mặt", "{} VND in cash"),
    ),
    seized(
        "PHAONO",
        "Pháo nổ",
        "Firecrackers",
        ("kg", "kg", "{}kg pháo nổ", "{} kg of firecrackers"),
    ),
    // Programmes named in the article.
    plain(
        Programme,
        "CNCT",
        "Cả nước chung tay vì người nghèo - Không để ai bị bỏ lại phía sau",
        "The whole country joins hands for the poor - Leave no one behind",
    ),
    plain(
        Programme,
        "NTM",
        "Bộ đội Biên phòng chung tay xây dựng nông thôn mới",
        "The Border Guard joins hands to build new rural areas",
    ),
    plain(
        Programme,
        "PNBC",
        "Đồng hành cùng phụ nữ biên cương",
        "Accompanying border women",
    ),
    plain(
        Programme,
        "CNDBP",
        "Con nuôi đồn Biên phòng",
        "Foster children of Border Guard posts",
    ),
    plain(
        Programme,
        "NBETT",
        "Nâng bước em tới trường",
        "Helping children to school",
    ),
    // Document types.
    plain(DocumentType, "NQ", "Nghị quyết", "Resolution"),
    plain(DocumentType, "CT", "Chỉ thị", "Directive"),
    plain(DocumentType, "KH", "Kế hoạch", "Plan"),
    plain(DocumentType, "BC", "Báo cáo", "Report"),
    plain(DocumentType, "TB", "Thông báo", "Notice"),
    plain(DocumentType, "QC", "Quy chế", "Regulation"),
    // Meeting types.
    with_role(
        MeetingType,
        "GBQ",
        "Giao ban quý",
        "Quarterly briefing",
        Role::QuarterlyBriefing,
    ),
    with_role(
        MeetingType,
        "HNTK",
        "Hội nghị tổng kết",
        "Annual review conference",
        Role::AnnualReview,
    ),
    plain(
        MeetingType,
        "HNSK",
        "Hội nghị sơ kết",
        "Interim review conference",
    ),
    plain(MeetingType, "HOP", "Họp trao đổi", "Working meeting"),
];

/// Every catalogue entry, each catalogue numbered from 1 in list order.
pub(crate) fn entries() -> Vec<Entry> {
    let mut order = std::collections::HashMap::new();
    ITEMS
        .iter()
        .map(|item| {
            let n = order.entry(item.kind).or_insert(0);
            *n += 1;
            Entry {
                catalogue: item.kind,
                code: code(item.code),
                vi: text(item.vi),
                en: text(item.en),
                measure_vi: item.measure.map(|m| text(m.0)),
                measure_en: item.measure.map(|m| text(m.1)),
                phrase_vi: item.measure.map(|m| text(m.2)),
                phrase_en: item.measure.map(|m| text(m.3)),
                role: item.role,
                order: *n,
                active: true,
            }
        })
        .collect()
}
