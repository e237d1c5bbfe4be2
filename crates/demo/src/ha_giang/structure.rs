//! Hà Giang's border organisation before 1 July 2025 and Tuyên Quang's after,
//! as data (DOMAIN.md, "Hà Giang's border units"). Where a name, a
//! coverage or a merger is not confirmed by a source the unit or link says
//! so (`verified: false` and a note).

use crate::util::{code, date, text};
use bienphong_domain::Date;
use bienphong_domain::org::{AdminCode, Code, Link, LinkKind, Marker, MarkerKind, Unit, UnitKind};
use bienphong_domain::record::Content;
use bienphong_domain::reorg::{Change, ChangeSet};

/// The last day of Hà Giang province, its districts and old communes.
pub(crate) fn last_day() -> Date {
    date(2025, 6, 30)
}

/// The first day of the merged Tuyên Quang and the two-tier local government.
pub(crate) fn first_day() -> Date {
    date(2025, 7, 1)
}

pub(crate) const HG: &str = "HG";
pub(crate) const TQ: &str = "TQ";
pub(crate) const BCH_HG: &str = "BCH-HG";
pub(crate) const BCH_TQ: &str = "BCH-TQ";
pub(crate) const STATION: &str = "TRAM-MINHTAN";
const STATION_POST: &str = "BP-THANHTHUY";
const STATION_COMMUNE: &str = "XA-MINHTAN";

struct DistrictDef {
    code: &'static str,
    short: &'static str,
    en: &'static str,
}

const DISTRICTS: [DistrictDef; 7] = [
    DistrictDef {
        code: "H-XINMAN",
        short: "Xín Mần",
        en: "Xin Man",
    },
    DistrictDef {
        code: "H-HOANGSUPHI",
        short: "Hoàng Su Phì",
        en: "Hoang Su Phi",
    },
    DistrictDef {
        code: "H-VIXUYEN",
        short: "Vị Xuyên",
        en: "Vi Xuyen",
    },
    DistrictDef {
        code: "H-QUANBA",
        short: "Quản Bạ",
        en: "Quan Ba",
    },
    DistrictDef {
        code: "H-YENMINH",
        short: "Yên Minh",
        en: "Yen Minh",
    },
    DistrictDef {
        code: "H-DONGVAN",
        short: "Đồng Văn",
        en: "Dong Van",
    },
    DistrictDef {
        code: "H-MEOVAC",
        short: "Mèo Vạc",
        en: "Meo Vac",
    },
];

struct PostDef {
    code: &'static str,
    /// The part after "Đồn Biên phòng".
    short: &'static str,
    en: &'static str,
    district: usize,
    verified: bool,
    note: &'static str,
    /// Main markers: every number in this range.
    main: (u32, u32),
    /// Auxiliary markers (`224/2`).
    aux: &'static [&'static str],
    /// Numbers a source names for this post.
    known: &'static [&'static str],
    /// Ranges of main markers a source names for this post.
    known_ranges: &'static [(u32, u32)],
}

const POSTS: [PostDef; 12] = [
    PostDef {
        code: "BP-XINMAN",
        short: "Cửa khẩu Xín Mần",
        en: "Xin Man Border Gate",
        district: 0,
        verified: true,
        note: "Quản lý từ mốc 172, mốc đầu tiên của tỉnh (giáp Lào Cai).",
        main: (172, 200),
        aux: &["172/1", "176/1", "185/1", "195/1"],
        known: &["172", "176", "177", "200"],
        known_ranges: &[],
    },
    PostDef {
        code: "BP-CHUAXACMINH",
        short: "(chưa xác minh)",
        en: "(unverified)",
        district: 0,
        verified: false,
        note: "Đồn thứ 12 của tỉnh, chưa xác minh được tên; địa bàn và các mốc ở đây chỉ là giả định.",
        main: (201, 224),
        aux: &["205/1", "212/1", "218/1", "224/1"],
        known: &[],
        known_ranges: &[],
    },
    PostDef {
        code: "BP-THANGTIN",
        short: "Thàng Tín",
        en: "Thang Tin",
        district: 1,
        verified: true,
        note: "Quản lý từ mốc 224/2 đến mốc 232.",
        main: (225, 232),
        aux: &["224/2", "227/1", "230/1"],
        known: &["224/2"],
        known_ranges: &[(225, 232)],
    },
    PostDef {
        code: "BP-LAOCHAI",
        short: "Lao Chải",
        en: "Lao Chai",
        district: 2,
        verified: true,
        note: "16 mốc, 19 km đường biên; số hiệu mốc chưa xác minh.",
        main: (233, 246),
        aux: &["235/1", "241/1"],
        known: &[],
        known_ranges: &[],
    },
    PostDef {
        code: "BP-THANHTHUY",
        short: "Cửa khẩu Quốc tế Thanh Thủy",
        en: "Thanh Thuy International Border Gate",
        district: 2,
        verified: true,
        note: "Cửa khẩu quốc tế Thanh Thủy tại mốc 261; có Trạm Minh Tân.",
        main: (247, 275),
        aux: &["255/1", "261/1", "261/2", "270/1"],
        known: &["261"],
        known_ranges: &[],
    },
    PostDef {
        code: "BP-TUNGVAI",
        short: "Tùng Vài",
        en: "Tung Vai",
        district: 3,
        verified: true,
        note: "",
        main: (276, 312),
        aux: &["280/1", "293/1", "300/1", "308/1"],
        known: &["293", "294"],
        known_ranges: &[],
    },
    PostDef {
        code: "BP-NGHIATHUAN",
        short: "Nghĩa Thuận",
        en: "Nghia Thuan",
        district: 3,
        verified: true,
        note: "33 mốc từ mốc 313 đến mốc 339, 21 km đường biên; các mốc phụ chưa xác minh.",
        main: (313, 339),
        aux: &["315/1", "320/1", "325/1", "330/1", "335/1", "339/1"],
        known: &[],
        known_ranges: &[(313, 339)],
    },
    PostDef {
        code: "BP-BACHDICH",
        short: "Bạch Đích",
        en: "Bach Dich",
        district: 4,
        verified: true,
        note: "41 mốc, trong đó có mốc 345, 358.",
        main: (340, 376),
        aux: &["345/1", "350/1", "358/1", "368/1"],
        known: &["345", "358"],
        known_ranges: &[],
    },
    PostDef {
        code: "BP-PHOBANG",
        short: "Phó Bảng",
        en: "Pho Bang",
        district: 5,
        verified: true,
        note: "21,6 km đường biên; số hiệu mốc chưa xác minh.",
        main: (377, 409),
        aux: &["380/1", "390/1", "399/1", "405/1"],
        known: &[],
        known_ranges: &[],
    },
    PostDef {
        code: "BP-LUNGCU",
        short: "Lũng Cú",
        en: "Lung Cu",
        district: 5,
        verified: true,
        note: "26 mốc, trong đó có các mốc 424, 425, 426.",
        main: (410, 432),
        aux: &["415/1", "420/1", "428/1"],
        known: &["424", "425", "426"],
        known_ranges: &[],
    },
    PostDef {
        code: "BP-XINCAI",
        short: "Xín Cái",
        en: "Xin Cai",
        district: 6,
        verified: true,
        note: "Các mốc 469 đến 490 thuộc xã Xín Cái.",
        main: (433, 490),
        aux: &["440/1", "452/1", "461/1", "470/1", "480/1", "488/1"],
        known: &[],
        known_ranges: &[(469, 490)],
    },
    PostDef {
        code: "BP-SONVI",
        short: "Sơn Vĩ",
        en: "Son Vi",
        district: 6,
        verified: true,
        note: "17,5 km đường biên; quản lý đến mốc 519/2 (giáp Cao Bằng).",
        main: (491, 519),
        aux: &["495/1", "505/1", "512/1", "519/1", "519/2"],
        known: &["519/2"],
        known_ranges: &[],
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    /// Named by a source as a border commune.
    Confirmed,
    /// Likely a border commune, not confirmed.
    Likely,
}

struct CommuneDef {
    code: &'static str,
    town: bool,
    short: &'static str,
    en: &'static str,
    district: usize,
    status: Status,
    post: &'static str,
    /// Whether a source names this post as covering this commune.
    post_known: bool,
    /// The commune it went into on 1 July 2025.
    successor: &'static str,
}

#[expect(clippy::too_many_arguments, reason = "one row of the commune table")]
const fn commune(
    code: &'static str,
    short: &'static str,
    en: &'static str,
    district: usize,
    status: Status,
    post: &'static str,
    post_known: bool,
    successor: &'static str,
) -> CommuneDef {
    CommuneDef {
        code,
        town: false,
        short,
        en,
        district,
        status,
        post,
        post_known,
        successor,
    }
}

use Status::{Confirmed, Likely};

/// The 34 border communes and towns. DOMAIN.md names 21 for sure and 16 as
/// likely: three of the likely ones (Tả Ván, Sủng Là, TT Đồng Văn) are left
/// out to keep the article's 34, so no placeholder commune is needed.
const COMMUNES: [CommuneDef; 34] = [
    // Xín Mần
    commune(
        "XA-XINMAN",
        "Xín Mần",
        "Xin Man",
        0,
        Confirmed,
        "BP-XINMAN",
        true,
        "TQ-XA-XINMAN",
    ),
    commune(
        "XA-PAVAYSU",
        "Pà Vầy Sủ",
        "Pa Vay Su",
        0,
        Confirmed,
        "BP-XINMAN",
        true,
        "TQ-XA-PAVAYSU",
    ),
    commune(
        "XA-CHICA",
        "Chí Cà",
        "Chi Ca",
        0,
        Likely,
        "BP-CHUAXACMINH",
        false,
        "TQ-XA-XINMAN",
    ),
    commune(
        "XA-NANXIN",
        "Nàn Xỉn",
        "Nan Xin",
        0,
        Likely,
        "BP-CHUAXACMINH",
        false,
        "TQ-XA-XINMAN",
    ),
    commune(
        "XA-THENPHANG",
        "Thèn Phàng",
        "Then Phang",
        0,
        Likely,
        "BP-CHUAXACMINH",
        false,
        "TQ-XA-XINMAN",
    ),
    commune(
        "XA-BANDIU",
        "Bản Díu",
        "Ban Diu",
        0,
        Likely,
        "BP-CHUAXACMINH",
        false,
        "TQ-XA-PAVAYSU",
    ),
    // Hoàng Su Phì
    commune(
        "XA-BANMAY",
        "Bản Máy",
        "Ban May",
        1,
        Confirmed,
        "BP-THANGTIN",
        false,
        "TQ-XA-BANMAY",
    ),
    commune(
        "XA-THANGTIN",
        "Thàng Tín",
        "Thang Tin",
        1,
        Confirmed,
        "BP-THANGTIN",
        true,
        "TQ-XA-THANGTIN",
    ),
    commune(
        "XA-POLO",
        "Pố Lồ",
        "Po Lo",
        1,
        Likely,
        "BP-THANGTIN",
        true,
        "TQ-XA-THANGTIN",
    ),
    commune(
        "XA-THENCHUPHIN",
        "Thèn Chu Phìn",
        "Then Chu Phin",
        1,
        Likely,
        "BP-THANGTIN",
        true,
        "TQ-XA-BANMAY",
    ),
    // Vị Xuyên
    commune(
        "XA-THANHTHUY",
        "Thanh Thủy",
        "Thanh Thuy",
        2,
        Confirmed,
        "BP-THANHTHUY",
        true,
        "TQ-XA-THANHTHUY",
    ),
    commune(
        "XA-MINHTAN",
        "Minh Tân",
        "Minh Tan",
        2,
        Confirmed,
        "BP-THANHTHUY",
        true,
        "TQ-XA-MINHTAN",
    ),
    commune(
        "XA-LAOCHAI",
        "Lao Chải",
        "Lao Chai",
        2,
        Confirmed,
        "BP-LAOCHAI",
        true,
        "TQ-XA-LAOCHAI",
    ),
    commune(
        "XA-XINCHAI",
        "Xín Chải",
        "Xin Chai",
        2,
        Confirmed,
        "BP-LAOCHAI",
        false,
        "TQ-XA-LAOCHAI",
    ),
    commune(
        "XA-THANHDUC",
        "Thanh Đức",
        "Thanh Duc",
        2,
        Likely,
        "BP-LAOCHAI",
        false,
        "TQ-XA-LAOCHAI",
    ),
    // Quản Bạ
    commune(
        "XA-NGHIATHUAN",
        "Nghĩa Thuận",
        "Nghia Thuan",
        3,
        Confirmed,
        "BP-NGHIATHUAN",
        true,
        "TQ-XA-NGHIATHUAN",
    ),
    commune(
        "XA-BATDAISON",
        "Bát Đại Sơn",
        "Bat Dai Son",
        3,
        Confirmed,
        "BP-NGHIATHUAN",
        true,
        "TQ-XA-CANTY",
    ),
    commune(
        "XA-TUNGVAI",
        "Tùng Vài",
        "Tung Vai",
        3,
        Likely,
        "BP-TUNGVAI",
        true,
        "TQ-XA-TUNGVAI",
    ),
    commune(
        "XA-CAOMAPO",
        "Cao Mã Pờ",
        "Cao Ma Po",
        3,
        Likely,
        "BP-TUNGVAI",
        false,
        "TQ-XA-TUNGVAI",
    ),
    commune(
        "XA-THANHVAN",
        "Thanh Vân",
        "Thanh Van",
        3,
        Likely,
        "BP-TUNGVAI",
        false,
        "TQ-XA-NGHIATHUAN",
    ),
    // Yên Minh
    commune(
        "XA-BACHDICH",
        "Bạch Đích",
        "Bach Dich",
        4,
        Confirmed,
        "BP-BACHDICH",
        true,
        "TQ-XA-BACHDICH",
    ),
    commune(
        "XA-PHULUNG",
        "Phú Lũng",
        "Phu Lung",
        4,
        Confirmed,
        "BP-BACHDICH",
        true,
        "TQ-XA-THANGMO",
    ),
    commune(
        "XA-THANGMO",
        "Thắng Mố",
        "Thang Mo",
        4,
        Confirmed,
        "BP-BACHDICH",
        true,
        "TQ-XA-THANGMO",
    ),
    commune(
        "XA-NAKHE",
        "Na Khê",
        "Na Khe",
        4,
        Confirmed,
        "BP-BACHDICH",
        true,
        "TQ-XA-BACHDICH",
    ),
    // Đồng Văn
    commune(
        "XA-LUNGCU",
        "Lũng Cú",
        "Lung Cu",
        5,
        Confirmed,
        "BP-LUNGCU",
        true,
        "TQ-XA-LUNGCU",
    ),
    commune(
        "XA-MALE",
        "Ma Lé",
        "Ma Le",
        5,
        Confirmed,
        "BP-LUNGCU",
        true,
        "TQ-XA-LUNGCU",
    ),
    commune(
        "XA-PHOLA",
        "Phố Là",
        "Pho La",
        5,
        Confirmed,
        "BP-PHOBANG",
        false,
        "TQ-XA-PHOBANG",
    ),
    commune(
        "XA-SAPHIN",
        "Sà Phìn",
        "Sa Phin",
        5,
        Confirmed,
        "BP-PHOBANG",
        true,
        "TQ-XA-SAPHIN",
    ),
    CommuneDef {
        code: "TT-PHOBANG",
        town: true,
        short: "Phó Bảng",
        en: "Pho Bang",
        district: 5,
        status: Likely,
        post: "BP-PHOBANG",
        post_known: false,
        successor: "TQ-XA-PHOBANG",
    },
    commune(
        "XA-PHOCAO",
        "Phố Cáo",
        "Pho Cao",
        5,
        Likely,
        "BP-PHOBANG",
        false,
        "TQ-XA-SAPHIN",
    ),
    commune(
        "XA-LUNGTAO",
        "Lũng Táo",
        "Lung Tao",
        5,
        Likely,
        "BP-PHOBANG",
        false,
        "TQ-XA-DONGVAN",
    ),
    // Mèo Vạc
    commune(
        "XA-XINCAI",
        "Xín Cái",
        "Xin Cai",
        6,
        Confirmed,
        "BP-XINCAI",
        true,
        "TQ-XA-SONVI",
    ),
    commune(
        "XA-THUONGPHUNG",
        "Thượng Phùng",
        "Thuong Phung",
        6,
        Confirmed,
        "BP-XINCAI",
        true,
        "TQ-XA-SONVI",
    ),
    commune(
        "XA-SONVI",
        "Sơn Vĩ",
        "Son Vi",
        6,
        Confirmed,
        "BP-SONVI",
        true,
        "TQ-XA-SONVI",
    ),
];

struct NewCommuneDef {
    code: &'static str,
    short: &'static str,
    en: &'static str,
}

/// Communes of Tuyên Quang from 1 July 2025 that took over border communes
/// (Resolution 1684/NQ-UBTVQH15). Which old commune went where is known only
/// for the new Sơn Vĩ.
const NEW_COMMUNES: [NewCommuneDef; 17] = [
    NewCommuneDef {
        code: "TQ-XA-XINMAN",
        short: "Xín Mần",
        en: "Xin Man",
    },
    NewCommuneDef {
        code: "TQ-XA-PAVAYSU",
        short: "Pà Vầy Sủ",
        en: "Pa Vay Su",
    },
    NewCommuneDef {
        code: "TQ-XA-THANGTIN",
        short: "Thàng Tín",
        en: "Thang Tin",
    },
    NewCommuneDef {
        code: "TQ-XA-BANMAY",
        short: "Bản Máy",
        en: "Ban May",
    },
    NewCommuneDef {
        code: "TQ-XA-LAOCHAI",
        short: "Lao Chải",
        en: "Lao Chai",
    },
    NewCommuneDef {
        code: "TQ-XA-THANHTHUY",
        short: "Thanh Thủy",
        en: "Thanh Thuy",
    },
    NewCommuneDef {
        code: "TQ-XA-MINHTAN",
        short: "Minh Tân",
        en: "Minh Tan",
    },
    NewCommuneDef {
        code: "TQ-XA-TUNGVAI",
        short: "Tùng Vài",
        en: "Tung Vai",
    },
    NewCommuneDef {
        code: "TQ-XA-NGHIATHUAN",
        short: "Nghĩa Thuận",
        en: "Nghia Thuan",
    },
    NewCommuneDef {
        code: "TQ-XA-CANTY",
        short: "Cán Tỷ",
        en: "Can Ty",
    },
    NewCommuneDef {
        code: "TQ-XA-BACHDICH",
        short: "Bạch Đích",
        en: "Bach Dich",
    },
    NewCommuneDef {
        code: "TQ-XA-THANGMO",
        short: "Thắng Mố",
        en: "Thang Mo",
    },
    NewCommuneDef {
        code: "TQ-XA-LUNGCU",
        short: "Lũng Cú",
        en: "Lung Cu",
    },
    NewCommuneDef {
        code: "TQ-XA-DONGVAN",
        short: "Đồng Văn",
        en: "Dong Van",
    },
    NewCommuneDef {
        code: "TQ-XA-SAPHIN",
        short: "Sà Phìn",
        en: "Sa Phin",
    },
    NewCommuneDef {
        code: "TQ-XA-SONVI",
        short: "Sơn Vĩ",
        en: "Son Vi",
    },
    NewCommuneDef {
        code: "TQ-XA-PHOBANG",
        short: "Phó Bảng",
        en: "Pho Bang",
    },
];

/// The one new commune whose making is known from a source.
const NEW_SONVI: &str = "TQ-XA-SONVI";

/// A border village, to show the level below the commune.
const VILLAGE: (&str, &str, &str) = ("THON-LOLOCHAI", "Thôn Lô Lô Chải", "XA-LUNGCU");

pub(crate) struct DistrictInfo {
    pub code: Code,
    pub short: &'static str,
}

pub(crate) struct CommuneInfo {
    pub code: Code,
    /// `xã Lũng Cú`, `thị trấn Phó Bảng`, for running text.
    pub in_text: String,
    pub short: &'static str,
    pub district: usize,
    pub post: usize,
    /// The commune it went into on 1 July 2025 (into `Geo::new_communes`).
    pub successor: usize,
}

pub(crate) struct PostInfo {
    pub code: Code,
    /// `Đồn Biên phòng Lũng Cú`.
    pub name: String,
    pub district: usize,
    /// The communes it covers until 30 June 2025.
    pub communes: Vec<usize>,
    /// The communes it covers from 1 July 2025 (indexes into `new_communes`).
    pub new_communes: Vec<usize>,
    pub markers: Vec<Code>,
}

pub(crate) struct NewCommuneInfo {
    pub code: Code,
    pub in_text: String,
    pub short: &'static str,
}

/// The organisation as the activity generator needs it.
pub(crate) struct Geo {
    pub districts: Vec<DistrictInfo>,
    pub communes: Vec<CommuneInfo>,
    pub posts: Vec<PostInfo>,
    pub new_communes: Vec<NewCommuneInfo>,
    pub station: Code,
    /// The post the station belongs to.
    pub station_post: usize,
    /// The commune the station works in.
    pub station_commune: usize,
}

impl Geo {
    pub(crate) fn new() -> Self {
        let districts = DISTRICTS
            .iter()
            .map(|d| DistrictInfo {
                code: code(d.code),
                short: d.short,
            })
            .collect();
        let post_index = |c: &str| {
            POSTS
                .iter()
                .position(|p| p.code == c)
                .unwrap_or_else(|| panic!("post {c}"))
        };
        let new_index = |c: &str| {
            NEW_COMMUNES
                .iter()
                .position(|n| n.code == c)
                .unwrap_or_else(|| panic!("new commune {c}"))
        };
        let communes: Vec<CommuneInfo> = COMMUNES
            .iter()
            .map(|c| CommuneInfo {
                code: code(c.code),
                in_text: format!("{} {}", if c.town { "thị trấn" } else { "xã" }, c.short),
                short: c.short,
                district: c.district,
                post: post_index(c.post),
                successor: new_index(c.successor),
            })
            .collect();
        let posts = POSTS
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let covered: Vec<usize> = (0..communes.len())
                    .filter(|&c| communes[c].post == i)
                    .collect();
                let mut new_communes: Vec<usize> = Vec::new();
                for &c in &covered {
                    let n = new_index(COMMUNES[c].successor);
                    if !new_communes.contains(&n) {
                        new_communes.push(n);
                    }
                }
                PostInfo {
                    code: code(p.code),
                    name: post_name(p),
                    district: p.district,
                    communes: covered,
                    new_communes,
                    markers: marker_numbers(p)
                        .into_iter()
                        .map(|(n, _)| code(&n))
                        .collect(),
                }
            })
            .collect();
        let new_communes = NEW_COMMUNES
            .iter()
            .map(|n| NewCommuneInfo {
                code: code(n.code),
                in_text: format!("xã {}", n.short),
                short: n.short,
            })
            .collect();
        Self {
            districts,
            communes,
            posts,
            new_communes,
            station: code(STATION),
            station_post: post_index(STATION_POST),
            station_commune: COMMUNES
                .iter()
                .position(|c| c.code == STATION_COMMUNE)
                .unwrap_or_else(|| panic!("commune {STATION_COMMUNE}")),
        }
    }
}

fn post_name(p: &PostDef) -> String {
    format!("Đồn Biên phòng {}", p.short)
}

/// A post's markers in order along the border, each with whether a source
/// names it.
/// The (old) commune marker `number` of post `p` stands in, by a rule of
/// the demo's own geography (illustrative, like the markers' places): the
/// post's stretch, from its first main marker to the one after its last,
/// is cut into equal runs, one per commune the post coordinates with, in
/// the order of the commune table (west to east); a marker stands in the
/// commune of the run that holds its place along the line (`224/2` at
/// 224,2; one before the stretch in the first commune).
fn marker_commune(p: &PostDef, number: &str) -> Option<&'static str> {
    let communes: Vec<&'static str> = COMMUNES
        .iter()
        .filter(|c| c.post == p.code)
        .map(|c| c.code)
        .collect();
    let at = crate::geo::position(number)?;
    let (from, to) = (f64::from(p.main.0), f64::from(p.main.1) + 1.0);
    let k = communes.len();
    let run = ((at - from) / (to - from) * k as f64).floor();
    let i = if run < 0.0 { 0 } else { run as usize };
    communes.get(i.min(k.checked_sub(1)?)).copied()
}

fn marker_numbers(p: &PostDef) -> Vec<(String, bool)> {
    let known_main = |n: u32| {
        p.known.contains(&n.to_string().as_str())
            || p.known_ranges.iter().any(|(a, b)| (*a..=*b).contains(&n))
    };
    let mut out: Vec<(u32, u32, String, bool)> = (p.main.0..=p.main.1)
        .map(|n| (n, 0, n.to_string(), known_main(n)))
        .collect();
    for a in p.aux {
        let (main, sub) = a.split_once('/').unwrap_or((a, "0"));
        let main: u32 = main.parse().unwrap_or(0);
        let sub: u32 = sub.parse().unwrap_or(0);
        out.push((main, sub, (*a).to_string(), p.known.contains(a)));
    }
    out.sort();
    out.into_iter().map(|(_, _, n, k)| (n, k)).collect()
}

fn unit(code_: &str, kind: UnitKind, name: &str, en: &str) -> Unit {
    Unit {
        code: code(code_),
        kind,
        name: text(name),
        name_en: Some(text(en)),
        admin_codes: Vec::new(),
        agency_id: None,
        valid_from: None,
        valid_to: None,
        successors: vec![],
        location: None,
        area: Vec::new(),
        border: Vec::new(),
        verified: true,
        note: text(""),
    }
}

fn admin_code(code_: &str, valid_from: Option<Date>, valid_to: Option<Date>) -> AdminCode {
    AdminCode {
        code: code(code_),
        valid_from,
        valid_to,
    }
}

fn link(
    kind: LinkKind,
    from: &Code,
    to: &Code,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    verified: bool,
) -> Link {
    Link {
        kind,
        from: from.clone(),
        to: to.clone(),
        valid_from,
        valid_to,
        verified,
    }
}

/// Units, links and markers as they were set up in 2021; the
/// [`reorganisation`] ends what ends on 30 June 2025.
pub(crate) fn before_2025(geo: &Geo) -> Vec<Content> {
    // Only Hà Giang's code in the state's list is known to end then.
    let end = Some(last_day());
    let mut out = Vec::new();

    let mut hg = unit(HG, UnitKind::Province, "Hà Giang", "Ha Giang province");
    // Codes of the state's list of administrative units (Decision
    // 124/2004/QĐ-TTg); districts and communes carry none in the demo
    // rather than illustrative ones that could pass for real.
    hg.admin_codes = vec![admin_code("02", None, end)];
    hg.note = text("Từ ngày 01/7/2025 hợp nhất với tỉnh Tuyên Quang thành tỉnh Tuyên Quang.");
    out.push(Content::Unit(hg));

    let mut bch = unit(
        BCH_HG,
        UnitKind::BorderGuardCommand,
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Hà Giang",
        "Ha Giang Provincial Border Guard Command",
    );
    bch.note =
        text("Từ ngày 01/7/2025 tổ chức lại thành Ban Chỉ huy Bộ đội Biên phòng tỉnh Tuyên Quang.");
    out.push(Content::Unit(bch));

    for d in &DISTRICTS {
        let mut u = unit(
            d.code,
            UnitKind::District,
            &format!("Huyện {}", d.short),
            &format!("{} district", d.en),
        );
        u.note = text(
            "Cấp huyện kết thúc hoạt động từ ngày 01/7/2025 (chính quyền địa phương hai cấp).",
        );
        out.push(Content::Unit(u));
    }

    for p in &POSTS {
        let mut u = unit(
            p.code,
            UnitKind::BorderPost,
            &post_name(p),
            &format!("{} Border Guard post", p.en),
        );
        u.verified = p.verified;
        u.location = crate::geo::post_location(p.main.0, p.main.1);
        u.note = text(&format!(
            "Địa bàn huyện {}. {} {}",
            DISTRICTS[p.district].short,
            p.note,
            crate::geo::ILLUSTRATIVE
        ));
        out.push(Content::Unit(u));
    }
    let mut station = unit(
        STATION,
        UnitKind::Station,
        "Trạm Minh Tân",
        "Minh Tan station",
    );
    station.note = text("Trạm thuộc Đồn Biên phòng Cửa khẩu Quốc tế Thanh Thủy.");
    out.push(Content::Unit(station));

    for c in &COMMUNES {
        let (kind_vi, kind_en) = if c.town {
            ("Thị trấn", "town")
        } else {
            ("Xã", "commune")
        };
        let mut u = unit(
            c.code,
            UnitKind::Commune,
            &format!("{kind_vi} {}", c.short),
            &format!("{} {kind_en}", c.en),
        );
        if c.status == Likely {
            u.verified = false;
            u.note = text("Có thể là xã, thị trấn biên giới; chưa xác minh qua nguồn.");
        }
        out.push(Content::Unit(u));
    }

    let mut village = unit(
        VILLAGE.0,
        UnitKind::Village,
        VILLAGE.1,
        "Lo Lo Chai village",
    );
    village.note = text("Thôn biên giới dưới cột cờ Lũng Cú.");
    out.push(Content::Unit(village));

    // Links: civil chain, command chain, coordination.
    let hg = code(HG);
    let bch = code(BCH_HG);
    for d in &geo.districts {
        out.push(Content::Link(link(
            LinkKind::CivilParent,
            &hg,
            &d.code,
            None,
            None,
            true,
        )));
    }
    for c in &geo.communes {
        let district = &geo.districts[c.district].code;
        out.push(Content::Link(link(
            LinkKind::CivilParent,
            district,
            &c.code,
            None,
            None,
            true,
        )));
    }
    out.push(Content::Link(link(
        LinkKind::CivilParent,
        &code(VILLAGE.2),
        &code(VILLAGE.0),
        None,
        None,
        true,
    )));
    // The provincial Border Guard command belongs to its province, so a
    // report for the province covers the posts' work too.
    out.push(Content::Link(link(
        LinkKind::MilitaryParent,
        &code(HG),
        &bch,
        None,
        None,
        true,
    )));
    for p in &geo.posts {
        out.push(Content::Link(link(
            LinkKind::MilitaryParent,
            &bch,
            &p.code,
            None,
            None,
            true,
        )));
    }
    out.push(Content::Link(link(
        LinkKind::MilitaryParent,
        &geo.posts[geo.station_post].code,
        &geo.station,
        None,
        None,
        true,
    )));
    for d in &geo.districts {
        out.push(Content::Link(link(
            LinkKind::Coordination,
            &bch,
            &d.code,
            None,
            None,
            true,
        )));
    }
    for (def, c) in COMMUNES.iter().zip(&geo.communes) {
        let post = &geo.posts[c.post].code;
        let verified = def.post_known && POSTS[c.post].verified;
        out.push(Content::Link(link(
            LinkKind::Coordination,
            post,
            &c.code,
            None,
            None,
            verified,
        )));
    }
    for c in &geo.communes {
        let district = &geo.districts[c.district].code;
        out.push(Content::Link(link(
            LinkKind::Coordination,
            district,
            &c.code,
            None,
            None,
            true,
        )));
    }

    for p in &POSTS {
        for (number, known) in marker_numbers(p) {
            let kind = if number.contains('/') {
                MarkerKind::Auxiliary
            } else {
                MarkerKind::Main
            };
            out.push(Content::Marker(Marker {
                number: code(&number),
                post: code(p.code),
                kind,
                commune: marker_commune(p, &number).map(code),
                location: crate::geo::marker_location(&number),
                verified: known,
            }));
        }
    }
    out
}

/// The reorganisation of 1 July 2025 as one change set (docs/org-changes.md):
/// Tuyên Quang and its Border Guard command created, Hà Giang merged into
/// Tuyên Quang and its command into Tuyên Quang's, each border commune
/// merged into the new commune that took it over, the districts abolished.
/// The posts pass to the new command, the village and the posts' commune
/// links to the new communes (a merge hands them over).
pub(crate) fn reorganisation() -> ChangeSet {
    let start = first_day();
    let mut changes = vec![
        Change::Create {
            code: code(TQ),
            kind: UnitKind::Province,
            name: text("Tuyên Quang"),
            name_en: Some(text("Tuyen Quang province")),
            parent: None,
            agency_id: None,
            // Tuyên Quang keeps its code 08 in the list in force from 1/7/2025.
            admin_codes: vec![admin_code("08", Some(start), None)],
            verified: true,
            note: text("Tỉnh Tuyên Quang sau hợp nhất với tỉnh Hà Giang, từ ngày 01/7/2025."),
        },
        Change::Create {
            code: code(BCH_TQ),
            kind: UnitKind::BorderGuardCommand,
            name: text("Ban Chỉ huy Bộ đội Biên phòng tỉnh Tuyên Quang"),
            name_en: Some(text("Tuyen Quang Border Guard Command")),
            parent: Some(code(TQ)),
            agency_id: None,
            admin_codes: Vec::new(),
            verified: true,
            note: text(
                "Thuộc Bộ Chỉ huy Quân sự tỉnh Tuyên Quang, từ ngày 01/7/2025; các đồn Biên phòng giữ nguyên.",
            ),
        },
    ];
    for n in &NEW_COMMUNES {
        let olds: Vec<String> = COMMUNES
            .iter()
            .filter(|c| c.successor == n.code)
            .map(|c| format!("{} {}", if c.town { "thị trấn" } else { "xã" }, c.short))
            .collect();
        let note = if n.code == NEW_SONVI {
            format!(
                "Thành lập theo Nghị quyết 1684/NQ-UBTVQH15 ngày 16/06/2025 trên cơ sở {}; do hai đồn Biên phòng phụ trách.",
                olds.join(", ")
            )
        } else {
            format!(
                "Thành lập theo Nghị quyết 1684/NQ-UBTVQH15 ngày 16/06/2025. Các xã biên giới cũ sáp nhập vào (minh họa, chưa xác minh): {}.",
                olds.join(", ")
            )
        };
        changes.push(Change::Create {
            code: code(n.code),
            kind: UnitKind::Commune,
            name: text(&format!("Xã {}", n.short)),
            name_en: Some(text(&format!("{} commune", n.en))),
            parent: Some(code(TQ)),
            agency_id: None,
            admin_codes: Vec::new(),
            verified: true,
            note: text(&note),
        });
    }
    changes.push(Change::Merge {
        units: vec![code(HG)],
        into: code(TQ),
    });
    changes.push(Change::Merge {
        units: vec![code(BCH_HG)],
        into: code(BCH_TQ),
    });
    for n in &NEW_COMMUNES {
        changes.push(Change::Merge {
            units: COMMUNES
                .iter()
                .filter(|c| c.successor == n.code)
                .map(|c| code(c.code))
                .collect(),
            into: code(n.code),
        });
    }
    for (i, d) in DISTRICTS.iter().enumerate() {
        let mut successors: Vec<Code> = Vec::new();
        for c in COMMUNES.iter().filter(|c| c.district == i) {
            let s = code(c.successor);
            if !successors.contains(&s) {
                successors.push(s);
            }
        }
        changes.push(Change::Abolish {
            unit: code(d.code),
            successors,
        });
    }
    ChangeSet {
        effective: start,
        title: text(
            "Sắp xếp tổ chức từ ngày 01/7/2025: hợp nhất tỉnh Hà Giang vào tỉnh Tuyên Quang, kết thúc cấp huyện, sắp xếp các xã biên giới",
        ),
        note: text(
            "Dữ liệu minh họa của bản demo. Các xã mới theo Nghị quyết 1684/NQ-UBTVQH15 ngày 16/06/2025; xã cũ nào vào xã mới nào chỉ xác minh được với xã Sơn Vĩ.",
        ),
        changes,
    }
}
