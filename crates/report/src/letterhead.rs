//! Who issues a report, under whom, where, who signs it and who receives
//! it: derived from the issuing unit's place in the organisation, so a
//! post's report names the provincial command above it and is signed by
//! the post commander, and a Party committee's report is the committee's
//! own, numbered in its own register. People override any part of it.

use crate::Result;
use bienphong_domain::Date;
use bienphong_domain::org::{Code, LinkKind, Org, Unit, UnitKind};
use bienphong_i18n::Lang;
use bienphong_store::Store;

/// The state format (Decree 30/2020/NĐ-CP) or the Party's (Hướng dẫn
/// 36-HD/VPTW), for documents of Party committees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DocumentStyle {
    #[default]
    State,
    Party,
}

/// Who issues the document, its number, where and when, and who signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letterhead {
    pub style: DocumentStyle,
    /// The body above the issuer (caps, not bold), e.g. "Bộ Tư lệnh Bộ đội
    /// Biên phòng"; empty where the issuer has none in its header (a
    /// People's Committee).
    pub parent_body: String,
    /// The issuer (caps, bold), e.g. "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Hà Giang".
    pub issuing_body: String,
    pub number: Option<u32>,
    /// The symbol after the number: "BC-BĐBP" in the state format, "BC/ĐU"
    /// in the Party's.
    pub symbol: String,
    pub place: String,
    pub date: Date,
    /// A classification mark such as "MẬT", printed above the number.
    pub classification: Option<String>,
    /// "Nơi nhận", before "- Lưu: VT.": the superior body first.
    pub recipients: Vec<String>,
    /// "TM. …", "KT. …" or "Q. …": on whose behalf the signer signs.
    pub signing_for: Option<String>,
    pub signer_title: String,
    pub signer_name: String,
    /// Names of units the organisation marks unverified (the demo's
    /// "Đồn Biên phòng (chưa xác minh)"): a placeholder is no name to print
    /// in an official table, so their rows read "Đơn vị khác" there.
    pub unverified_units: Vec<String>,
    /// A joint document's signers, each in its own block side by side in
    /// place of the one signer (`crate::joint`); empty for one signer.
    pub joint_signers: Vec<crate::joint::JointSigner>,
    /// The Party committee's term its register numbers in, e.g.
    /// "2025-2030" (Party style only; see [`Letterhead::register`]); `None`
    /// for the five-year cycle of congresses the date falls in.
    pub term: Option<String>,
    /// The language the document is rendered in: Vietnamese, or English
    /// for foreign partners (names of units stay Vietnamese).
    pub lang: Lang,
}

/// Where a document's number is taken from: one register per issuer and
/// style, and in it the series and period the style's rules number in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisterKey {
    pub issuer: String,
    /// `state` or `party`.
    pub style: &'static str,
    /// Empty for the state's one series of every kind of document, "mật"
    /// for its secret documents; the kind ("BC") in the Party's.
    pub series: String,
    /// The calendar year (state) or the committee's term (Party).
    pub period: String,
}

impl RegisterKey {
    /// What the audit log says of number `n` taken from this register:
    /// "BCH-HG state 2026 → 07/BC-BĐBP".
    pub fn audit_detail(&self, n: u32, symbol: &str) -> String {
        let series = if self.series.is_empty() {
            String::new()
        } else {
            format!("{} ", self.series)
        };
        format!(
            "{} {} {series}{} → {}",
            self.issuer,
            self.style,
            self.period,
            bienphong_domain::format::document_number(Some(n), symbol)
        )
    }
}

/// What people set by hand; `None` (or empty) keeps what the issuer gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LetterheadOverrides {
    pub parent_body: Option<String>,
    pub issuing_body: Option<String>,
    pub number: Option<u32>,
    pub symbol: Option<String>,
    pub place: Option<String>,
    pub classification: Option<String>,
    /// Added after the derived ones (the superior body), each once.
    pub recipients: Vec<String>,
    pub signing_for: Option<String>,
    pub signer_title: Option<String>,
    pub signer_name: Option<String>,
    /// The Party committee's term, "2025-2030" ([`parse_term`]).
    pub term: Option<String>,
}

/// A Party committee's term as written "2020-2025" (or with "–"): two
/// years, the second after the first. Refused otherwise, named by `term`.
pub fn parse_term(text: &str) -> std::result::Result<String, bienphong_domain::ValidationError> {
    let bad = || {
        bienphong_domain::ValidationError::new(
            "term",
            bienphong_domain::Problem::UnknownValue {
                value: text.to_string(),
                expected: "2020-2025".into(),
            },
        )
    };
    let (from, to) = text.trim().split_once(['-', '–']).ok_or_else(bad)?;
    let year = |y: &str| {
        let y = y.trim();
        (y.len() == 4 && y.chars().all(|c| c.is_ascii_digit()))
            .then(|| y.parse::<u16>().ok())
            .flatten()
    };
    match (year(from), year(to)) {
        (Some(a), Some(b)) if b > a => Ok(format!("{a}-{b}")),
        _ => Err(bad()),
    }
}

/// The five-year cycle of Party congresses a day falls in ("2025-2030"
/// for any day of 2025 to 2029): local congresses meet in the years that
/// end in 0 and 5, so a document dated in such a year before its
/// committee's congress is numbered in the term it names (`term`).
fn default_term(date: Date) -> String {
    let year = i32::from(date.year());
    let start = year - year.rem_euclid(5);
    format!("{start}-{}", start + 5)
}

/// Which link leads up from a unit of `kind`.
fn parent_chain(kind: UnitKind) -> LinkKind {
    match kind {
        UnitKind::BorderGuardCommand | UnitKind::BorderPost | UnitKind::Station => {
            LinkKind::MilitaryParent
        }
        _ => LinkKind::CivilParent,
    }
}

/// The unit above `code` in `chain` on `on`.
fn parent<'a>(org: &'a Org, code: &Code, chain: LinkKind, on: Date) -> Option<&'a Unit> {
    let day = bienphong_domain::Period { from: on, to: on };
    org.links
        .iter()
        .find(|l| l.kind == chain && &l.to == code && l.valid_during(&day))
        .and_then(|l| org.unit(&l.from))
}

/// The province a unit belongs to on `on`, up either chain.
fn province_of<'a>(org: &'a Org, unit: &'a Unit, on: Date) -> Option<&'a Unit> {
    let mut at = unit;
    // Chains are a few levels deep; the bound keeps a cycle in bad data finite.
    for _ in 0..8 {
        if at.kind == UnitKind::Province {
            return Some(at);
        }
        at = parent(org, &at.code, parent_chain(at.kind), on)
            .or_else(|| parent(org, &at.code, LinkKind::CivilParent, on))?;
    }
    None
}

/// "Xã Lũng Cú" → "Lũng Cú": the name without its kind, as the place-date
/// line and Party bodies write it.
fn bare_name(unit: &Unit) -> String {
    let name = unit.name.as_str();
    for prefix in [
        "Huyện ",
        "Xã ",
        "Thị trấn ",
        "Thành phố ",
        "Thị xã ",
        "Tỉnh ",
    ] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return rest.to_string();
        }
    }
    name.to_string()
}

/// "Bộ Chỉ huy Bộ đội Biên phòng tỉnh Hà Giang" → "Bộ đội Biên phòng tỉnh
/// Hà Giang": the force whose Party organisation the command leads.
fn force_name(command: &Unit) -> String {
    let name = command.name.as_str();
    ["Bộ Chỉ huy ", "Ban Chỉ huy "]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name)
        .to_string()
}

/// The unit that issues a report on `scope`: the scope itself, but for a
/// province (or the whole store) the Border Guard command in it.
pub fn issuing_unit<'a>(org: &'a Org, scope: Option<&Code>, as_of: Date) -> Option<&'a Unit> {
    let period = bienphong_domain::Period {
        from: as_of,
        to: as_of,
    };
    let command_among = |units: Vec<&'a Unit>| {
        units
            .into_iter()
            .find(|u| u.kind == UnitKind::BorderGuardCommand && u.valid_on(as_of))
    };
    match scope.and_then(|c| org.unit(c)) {
        Some(u) if u.kind == UnitKind::Province => {
            let below = org
                .descendants(&u.code, &period)
                .iter()
                .filter_map(|c| org.unit(c))
                .collect();
            command_among(below).or(Some(u))
        }
        Some(u) => Some(u),
        None => {
            let mut all: Vec<&Unit> = org.units.values().collect();
            all.sort_by(|a, b| a.code.cmp(&b.code));
            command_among(all)
        }
    }
}

/// The header's parts for one issuer in one style.
struct Issuer {
    parent_body: String,
    issuing_body: String,
    symbol: &'static str,
    signing_for: Option<&'static str>,
    signer_title: &'static str,
    /// The body the report goes to first ("để báo cáo").
    superior: Option<String>,
}

fn state_issuer(org: &Org, unit: &Unit, province: Option<&Unit>, on: Date) -> Issuer {
    let up = parent(org, &unit.code, parent_chain(unit.kind), on);
    let province_name = province.map(bare_name).unwrap_or_default();
    match unit.kind {
        UnitKind::BorderGuardCommand => {
            // Since 1 July 2025 a provincial "Ban Chỉ huy" belongs to the
            // province's Military Command, no longer to the High Command.
            let parent_body = if unit.name.as_str().starts_with("Ban Chỉ huy") {
                format!("Bộ Chỉ huy Quân sự tỉnh {province_name}")
            } else {
                "Bộ Tư lệnh Bộ đội Biên phòng".to_string()
            };
            Issuer {
                superior: Some(parent_body.clone()),
                parent_body,
                issuing_body: unit.name.to_string(),
                symbol: "BC-BĐBP",
                signing_for: None,
                signer_title: "Chỉ huy trưởng",
            }
        }
        UnitKind::BorderPost | UnitKind::Station => {
            let parent_body = up.map(|u| u.name.to_string()).unwrap_or_default();
            let post = unit.kind == UnitKind::BorderPost;
            Issuer {
                superior: up.map(|u| u.name.to_string()),
                parent_body,
                issuing_body: unit.name.to_string(),
                symbol: if post { "BC-ĐBP" } else { "BC-TBP" },
                signing_for: None,
                signer_title: if post {
                    "Đồn trưởng"
                } else {
                    "Trạm trưởng"
                },
            }
        }
        UnitKind::Province | UnitKind::District | UnitKind::Commune | UnitKind::Village => {
            // People's Committees carry no superior body in their header.
            let committee = |u: &Unit| format!("Ủy ban nhân dân {}", lowercase_kind(u));
            let village = unit.kind == UnitKind::Village;
            Issuer {
                parent_body: if village {
                    up.map(committee).unwrap_or_default()
                } else {
                    String::new()
                },
                issuing_body: if village {
                    unit.name.to_string()
                } else {
                    committee(unit)
                },
                symbol: "BC-UBND",
                signing_for: (!village).then_some("TM. Ủy ban nhân dân"),
                signer_title: if village {
                    "Trưởng thôn"
                } else {
                    "Chủ tịch"
                },
                superior: up.map(committee),
            }
        }
    }
}

/// "Huyện Vị Xuyên" → "huyện Vị Xuyên"; a province's bare name → "tỉnh Hà Giang".
fn lowercase_kind(unit: &Unit) -> String {
    if unit.kind == UnitKind::Province && !unit.name.as_str().starts_with("Tỉnh ") {
        return format!("tỉnh {}", unit.name);
    }
    crate::summary::lowercase_first(unit.name.as_str())
}

fn party_issuer(org: &Org, unit: &Unit, province: Option<&Unit>, on: Date) -> Issuer {
    let up = parent(org, &unit.code, parent_chain(unit.kind), on);
    let provincial_party = province.map(|p| format!("Đảng bộ tỉnh {}", bare_name(p)));
    let standing = |p: &Unit| format!("Ban Thường vụ Tỉnh ủy {}", bare_name(p));
    match unit.kind {
        UnitKind::BorderGuardCommand => Issuer {
            parent_body: provincial_party.unwrap_or_default(),
            issuing_body: format!("Đảng ủy {}", force_name(unit)),
            symbol: "BC/ĐU",
            signing_for: Some("T/M Đảng ủy"),
            signer_title: "Bí thư",
            superior: province.map(standing),
        },
        UnitKind::BorderPost | UnitKind::Station => {
            // A post's Party committee sits under the provincial Border
            // Guard's Party organisation.
            let command = up.filter(|u| u.kind == UnitKind::BorderGuardCommand);
            Issuer {
                parent_body: command
                    .map(|c| format!("Đảng bộ {}", force_name(c)))
                    .unwrap_or_default(),
                issuing_body: format!("Đảng ủy {}", unit.name),
                symbol: "BC/ĐU",
                signing_for: Some("T/M Đảng ủy"),
                signer_title: "Bí thư",
                superior: command.map(|c| format!("Đảng ủy {}", force_name(c))),
            }
        }
        UnitKind::District => Issuer {
            parent_body: provincial_party.unwrap_or_default(),
            issuing_body: format!("Huyện ủy {}", bare_name(unit)),
            symbol: "BC/HU",
            signing_for: Some("T/M Ban Thường vụ"),
            signer_title: "Bí thư",
            superior: province.map(standing),
        },
        UnitKind::Province => Issuer {
            parent_body: String::new(),
            issuing_body: format!("Tỉnh ủy {}", bare_name(unit)),
            symbol: "BC/TU",
            signing_for: Some("T/M Ban Thường vụ"),
            signer_title: "Bí thư",
            superior: Some("Ban Bí thư Trung ương Đảng".into()),
        },
        UnitKind::Commune | UnitKind::Village => {
            let (parent_body, superior) = match up {
                Some(d) if d.kind == UnitKind::District => (
                    format!("Đảng bộ huyện {}", bare_name(d)),
                    Some(format!("Ban Thường vụ Huyện ủy {}", bare_name(d))),
                ),
                _ => (provincial_party.unwrap_or_default(), province.map(standing)),
            };
            let commune = unit.kind == UnitKind::Commune;
            Issuer {
                parent_body,
                issuing_body: if commune {
                    format!("Đảng ủy {}", lowercase_kind(unit))
                } else {
                    format!("Chi bộ {}", unit.name)
                },
                symbol: if commune { "BC/ĐU" } else { "BC/CB" },
                signing_for: Some(if commune {
                    "T/M Đảng ủy"
                } else {
                    "T/M Chi bộ"
                }),
                signer_title: "Bí thư",
                superior,
            }
        }
    }
}

fn unverified_units(org: &Org) -> Vec<String> {
    let mut names: Vec<String> = org
        .units
        .values()
        .filter(|u| !u.verified)
        .map(|u| u.name.to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

impl Letterhead {
    /// The state-format letterhead of a report on `scope` (the whole store
    /// when `None`), as the organisation stood on `as_of`; see [`Self::derive`].
    pub fn for_scope(org: &Org, scope: Option<&Code>, as_of: Date, date: Date) -> Self {
        Self::derive(org, scope, DocumentStyle::State, as_of, date)
    }

    /// The letterhead the issuing unit of `scope` gives in `style`: the
    /// superior body, the issuer, the symbol of its register, the place
    /// (the province, or the district or commune for a civil body), the
    /// signer's title and the superior body first in "Nơi nhận"; no number
    /// yet.
    pub fn derive(
        org: &Org,
        scope: Option<&Code>,
        style: DocumentStyle,
        as_of: Date,
        date: Date,
    ) -> Self {
        Self::derive_in(org, scope, style, as_of, date, Lang::Vi)
    }

    /// [`Self::derive`] for a document rendered in `lang`: the superior
    /// among the recipients is worded in it.
    pub fn derive_in(
        org: &Org,
        scope: Option<&Code>,
        style: DocumentStyle,
        as_of: Date,
        date: Date,
        lang: Lang,
    ) -> Self {
        let Some(unit) = issuing_unit(org, scope, as_of) else {
            return Self {
                style,
                parent_body: String::new(),
                issuing_body: String::new(),
                number: None,
                symbol: match style {
                    DocumentStyle::State => "BC".into(),
                    DocumentStyle::Party => "BC/ĐU".into(),
                },
                place: String::new(),
                date,
                classification: None,
                recipients: vec![],
                signing_for: None,
                signer_title: String::new(),
                signer_name: String::new(),
                unverified_units: unverified_units(org),
                joint_signers: Vec::new(),
                term: None,
                lang,
            };
        };
        let province = province_of(org, unit, as_of).or_else(|| {
            // A unit whose links have ended (a district after 2025) still
            // names the province it was last in.
            let until = bienphong_domain::Period::new(Date::MIN, as_of)?;
            let mut provinces: Vec<&Unit> = org
                .units
                .values()
                .filter(|p| {
                    p.kind == UnitKind::Province
                        && org.descendants(&p.code, &until).contains(&unit.code)
                })
                .collect();
            provinces.sort_by(|a, b| {
                b.valid_to
                    .cmp(&a.valid_to)
                    .then_with(|| a.code.cmp(&b.code))
            });
            provinces.first().copied()
        });
        let issuer = match style {
            DocumentStyle::State => state_issuer(org, unit, province, as_of),
            DocumentStyle::Party => party_issuer(org, unit, province, as_of),
        };
        let place = match unit.kind {
            UnitKind::District | UnitKind::Commune => bare_name(unit),
            _ => province.map(bare_name).unwrap_or_default(),
        };
        Self {
            style,
            parent_body: issuer.parent_body,
            issuing_body: issuer.issuing_body,
            number: None,
            symbol: issuer.symbol.to_string(),
            place,
            date,
            classification: None,
            recipients: issuer
                .superior
                .map(|s| lang.text("rpt-for-reporting", &[("body", s)]))
                .into_iter()
                .collect(),
            signing_for: issuer.signing_for.map(str::to_string),
            signer_title: issuer.signer_title.to_string(),
            signer_name: String::new(),
            unverified_units: unverified_units(org),
            joint_signers: Vec::new(),
            term: None,
            lang,
        }
    }

    /// The line that closes "Nơi nhận": "- Lưu: VT." in the state format;
    /// in the Party's (Hướng dẫn 36-HD/VPTW, thể thức văn bản của Đảng) the
    /// committee's office files it, "- Lưu Văn phòng Đảng ủy." (a cell,
    /// which has no office, "- Lưu Chi bộ.").
    pub fn filing_line(&self) -> String {
        if self.style == DocumentStyle::State {
            return self.lang.text("rpt-archive", &[]);
        }
        let body = self.issuing_body.trim();
        if body.to_lowercase().starts_with("chi bộ") {
            return self.lang.text("rpt-archive-party-cell", &[]);
        }
        // "Đảng ủy xã Lũng Cú" → "Đảng ủy", "Huyện ủy Vị Xuyên" → "Huyện ủy":
        // the committee is the body's first two words.
        let committee: Vec<&str> = body.split_whitespace().take(2).collect();
        let committee = if committee.len() == 2 && committee[1].to_lowercase() == "ủy" {
            committee.join(" ")
        } else {
            "Đảng ủy".to_string()
        };
        self.lang
            .text("rpt-archive-party-office", &[("committee", committee)])
    }

    /// This letterhead with what people set by hand.
    pub fn with(mut self, o: LetterheadOverrides) -> Self {
        let set = |field: &mut String, value: Option<String>| {
            if let Some(v) = value {
                *field = v;
            }
        };
        set(&mut self.parent_body, o.parent_body);
        set(&mut self.issuing_body, o.issuing_body);
        set(&mut self.symbol, o.symbol);
        set(&mut self.place, o.place);
        set(&mut self.signer_title, o.signer_title);
        set(&mut self.signer_name, o.signer_name);
        if o.number.is_some() {
            self.number = o.number;
        }
        if o.classification.is_some() {
            self.classification = o.classification;
        }
        if o.signing_for.is_some() {
            self.signing_for = o.signing_for;
        }
        if o.term.is_some() {
            self.term = o.term;
        }
        for r in o.recipients {
            let r = r.trim().trim_end_matches([';', '.']).to_string();
            let known = self
                .recipients
                .iter()
                .any(|have| have.to_lowercase().starts_with(&r.to_lowercase()));
            if !r.is_empty() && !known {
                self.recipients.push(r);
            }
        }
        self
    }

    /// The register this document is numbered in. Each issuer keeps one
    /// register per style, numbered as the style's rules say: the state
    /// format (Decree 30/2020/NĐ-CP, art. 15) numbers every kind of
    /// document of the issuer in one series a calendar year, from 01 on 1
    /// January, secret documents in a series of their own; the Party's
    /// (Hướng dẫn 36-HD/VPTW, 1.3.1) numbers each kind of document ("BC"
    /// of "BC/ĐU") in its own series through the committee's term.
    pub fn register(&self) -> RegisterKey {
        let issuer = self.issuing_body.to_uppercase();
        match self.style {
            DocumentStyle::State => RegisterKey {
                issuer,
                style: "state",
                series: if self.classification.is_some() {
                    "mật".into()
                } else {
                    String::new()
                },
                period: self.date.year().to_string(),
            },
            DocumentStyle::Party => RegisterKey {
                issuer,
                style: "party",
                series: self
                    .symbol
                    .split(['/', '-'])
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_uppercase(),
                period: self.term.clone().unwrap_or_else(|| default_term(self.date)),
            },
        }
    }

    /// Takes the next number of the document's register ([`Self::register`])
    /// for `actor` at `at_ms`: the number and the audit entry saying who
    /// took which are written together or not at all.
    pub async fn number_from_register<S: Store>(
        &mut self,
        store: &S,
        actor: &str,
        at_ms: i64,
    ) -> Result<u32> {
        let key = self.register();
        let symbol = &self.symbol;
        let n = store
            .next_document_number(&key.issuer, key.style, &key.series, &key.period, |n| {
                bienphong_store::AuditEntry {
                    seq: 0,
                    at_ms,
                    actor: actor.to_string(),
                    action: "register.next".to_string(),
                    outcome: "allowed".to_string(),
                    record_type: None,
                    record_id: None,
                    unit: None,
                    detail: key.audit_detail(n, symbol),
                    address: None,
                }
            })
            .await?;
        self.number = Some(n);
        Ok(n)
    }
}

/// The letterhead settings of a request or a form, read by key: `style`
/// (`state`, `party`), `date` (DD/MM/YYYY), `number`, `issuer`,
/// `parent_body`, `symbol`, `place`, `classification`, `signing_for`,
/// `signer_title`, `signer_name`, `term` (a Party committee's, "2025-2030"),
/// `lang` (`vi`, `en`) and `recipients` (one a line, or separated by `;`). Empty values keep what the issuer gives; a bad value is named
/// by its key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LetterheadSettings {
    pub style: DocumentStyle,
    /// `lang`: `vi` (default) or `en`, the language of the document.
    pub lang: Lang,
    pub date: Option<Date>,
    pub overrides: LetterheadOverrides,
}

impl LetterheadSettings {
    pub fn read<'a>(
        get: impl Fn(&str) -> Option<&'a str>,
    ) -> std::result::Result<Self, bienphong_domain::ValidationError> {
        use bienphong_domain::{Problem, ValidationError};
        let text = |key: &str| {
            get(key)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(|v| bienphong_domain::text::Text::new(v).to_string())
        };
        let style = match text("style").as_deref() {
            None | Some("state") => DocumentStyle::State,
            Some("party") => DocumentStyle::Party,
            Some(other) => {
                return Err(ValidationError::new(
                    "style",
                    Problem::UnknownValue {
                        value: other.to_string(),
                        expected: "state, party".into(),
                    },
                ));
            }
        };
        let date = text("date")
            .map(|d| {
                bienphong_domain::format::parse_date(&d)
                    .map_err(|p| ValidationError::new("date", p))
            })
            .transpose()?;
        let number = text("number")
            .map(|n| match n.parse::<u32>() {
                Ok(v) if v > 0 => Ok(v),
                _ => Err(ValidationError::new("number", Problem::NotInteger(n))),
            })
            .transpose()?;
        let term = text("term").map(|t| parse_term(&t)).transpose()?;
        let lang = match text("lang").as_deref() {
            None | Some("vi") => Lang::Vi,
            Some("en") => Lang::En,
            Some(other) => {
                return Err(ValidationError::new(
                    "lang",
                    Problem::UnknownValue {
                        value: other.to_string(),
                        expected: "vi, en".into(),
                    },
                ));
            }
        };
        let recipients = text("recipients")
            .map(|r| {
                r.split(['\n', ';'])
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self {
            style,
            lang,
            date,
            overrides: LetterheadOverrides {
                parent_body: text("parent_body"),
                issuing_body: text("issuer"),
                number,
                symbol: text("symbol"),
                place: text("place"),
                classification: text("classification"),
                recipients,
                signing_for: text("signing_for"),
                signer_title: text("signer_title"),
                signer_name: text("signer_name"),
                term,
            },
        })
    }

    /// The letterhead of a report on `scope` with these settings, dated
    /// `date` or else `default_date`.
    pub fn letterhead(
        self,
        org: &Org,
        scope: Option<&Code>,
        as_of: Date,
        default_date: Date,
    ) -> Letterhead {
        Letterhead::derive_in(
            org,
            scope,
            self.style,
            as_of,
            self.date.unwrap_or(default_date),
            self.lang,
        )
        .with(self.overrides)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(pairs: &[(&str, &str)]) -> std::result::Result<LetterheadSettings, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LetterheadSettings::read(|k| map.get(k).map(String::as_str)).map_err(|e| e.to_string())
    }

    #[test]
    fn settings_are_read_by_key_and_empty_ones_keep_the_derived() {
        let s = read(&[
            ("style", "party"),
            ("date", "16/01/2024"),
            ("number", "7"),
            ("signer_name", "Nguyễn Văn A"),
            (
                "recipients",
                "Thường trực Tỉnh ủy\nĐảng ủy xã Lũng Cú; UBND xã Lũng Cú",
            ),
            ("issuer", "  "),
        ])
        .unwrap();
        assert_eq!(s.style, DocumentStyle::Party);
        assert_eq!(s.date, Date::new(2024, 1, 16).ok());
        assert_eq!(s.overrides.number, Some(7));
        assert_eq!(s.overrides.signer_name.as_deref(), Some("Nguyễn Văn A"));
        assert_eq!(s.overrides.issuing_body, None, "blank keeps the derived");
        assert_eq!(
            s.overrides.recipients,
            [
                "Thường trực Tỉnh ủy",
                "Đảng ủy xã Lũng Cú",
                "UBND xã Lũng Cú"
            ]
        );
        assert_eq!(read(&[]).unwrap(), LetterheadSettings::default());
    }

    #[test]
    fn a_bad_setting_is_named_by_its_key() {
        assert!(
            read(&[("style", "royal")])
                .unwrap_err()
                .starts_with("style")
        );
        assert!(
            read(&[("date", "32/01/2024")])
                .unwrap_err()
                .starts_with("date")
        );
        assert!(read(&[("number", "-3")]).unwrap_err().starts_with("number"));
        assert!(read(&[("number", "0")]).unwrap_err().starts_with("number"));
        assert!(read(&[("term", "2025")]).unwrap_err().starts_with("term"));
        assert!(read(&[("lang", "fr")]).unwrap_err().starts_with("lang"));
        assert_eq!(read(&[("lang", "en")]).unwrap().lang, Lang::En);
        assert!(
            read(&[("term", "2030-2025")])
                .unwrap_err()
                .starts_with("term")
        );
    }

    #[test]
    fn registers_are_kept_per_issuer_and_style_as_each_style_numbers() {
        let date = |y, m, d| Date::new(y, m, d).unwrap();
        let org = Org::default();
        let head = |style, on| {
            Letterhead::derive(&org, None, style, on, on).with(LetterheadOverrides {
                issuing_body: Some("Đảng ủy xã Lũng Cú".into()),
                symbol: Some(match style {
                    DocumentStyle::State => "BC-UBND".into(),
                    DocumentStyle::Party => "BC/ĐU".into(),
                }),
                ..Default::default()
            })
        };
        let state = head(DocumentStyle::State, date(2026, 12, 7)).register();
        assert_eq!(
            (state.style, state.series.as_str(), state.period.as_str()),
            ("state", "", "2026"),
            "Decree 30: one series a year for every kind"
        );
        let party = head(DocumentStyle::Party, date(2026, 12, 7)).register();
        assert_eq!(party.issuer, state.issuer);
        assert_eq!(
            (party.style, party.series.as_str(), party.period.as_str()),
            ("party", "BC", "2025-2030"),
            "Party: each kind through the term"
        );
        let mut earlier = head(DocumentStyle::Party, date(2025, 3, 2));
        earlier.term = Some(parse_term("2020–2025").unwrap());
        assert_eq!(earlier.register().period, "2020-2025");
        let mut secret = head(DocumentStyle::State, date(2026, 1, 2));
        secret.classification = Some("MẬT".into());
        assert_eq!(secret.register().series, "mật");
    }
}
