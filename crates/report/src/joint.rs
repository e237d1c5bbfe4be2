//! The signer blocks of a joint document (issue 16): one block per
//! required signer, side by side in the order the document lists them, each
//! with the body it signs for, the title its position has in its unit, the
//! signer's name and the state of the signature.

use crate::letterhead::{DocumentStyle, Letterhead};
use crate::words::t;
use bienphong_domain::Date;
use bienphong_domain::org::Org;
use bienphong_domain::signoff::{Position, Signer, SignerState};
use bienphong_i18n::Lang;

/// One signer's block of a joint document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointSigner {
    /// The body signed for ("TM. ĐẢNG ỦY XÃ LŨNG CÚ", "On behalf of …"),
    /// or the signing unit.
    pub signing_for: Option<String>,
    pub title: String,
    pub name: String,
    /// The state of the signature, printed in the block ("Đã ký ngày …").
    pub state: String,
}

/// The blocks of `signers` as they stand, in the document's order; the
/// organisation as of `as_of`.
pub fn joint_signers(
    org: &Org,
    signers: &[(Signer, SignerState)],
    as_of: Date,
    english: bool,
) -> Vec<JointSigner> {
    signers
        .iter()
        .map(|(s, state)| {
            let style = match s.position {
                Position::PartySecretary => DocumentStyle::Party,
                _ => DocumentStyle::State,
            };
            let head = Letterhead::derive(org, Some(&s.unit), style, as_of, as_of);
            let kind = org.units.get(&s.unit).map(|u| u.kind);
            let (vi, en) = s.position.title(kind);
            let lang = if english { Lang::En } else { Lang::Vi };
            let body = head.issuing_body.trim().to_uppercase();
            // A chairman or a Party secretary signs on behalf of the
            // committee ("TM. …", "On behalf of …"); others as the unit.
            let on_behalf = (!body.is_empty()).then(|| match s.position {
                Position::PartySecretary | Position::PeoplesCommitteeChairman => {
                    t(lang, "rpt-joint-on-behalf", &[("body", body.clone())])
                }
                _ => body.clone(),
            });
            let name = state
                .answer()
                .filter(|_| matches!(state, SignerState::Signed(_)))
                .map(|a| {
                    if a.signoff.signer_name.is_empty() {
                        a.signoff.signer.to_string()
                    } else {
                        a.signoff.signer_name.to_string()
                    }
                })
                .unwrap_or_default();
            let state = match state {
                SignerState::Signed(a) => t(
                    lang,
                    "rpt-joint-signed",
                    &[("date", crate::words::date(lang, a.signoff.date))],
                ),
                SignerState::Void(_) => t(lang, "rpt-joint-void", &[]),
                SignerState::Returned(_) => t(lang, "rpt-joint-returned", &[]),
                SignerState::Pending => t(lang, "rpt-joint-pending", &[]),
            };
            JointSigner {
                signing_for: on_behalf,
                title: if english { en } else { vi }.to_string(),
                name,
                state,
            }
        })
        .collect()
}
