//! The signer blocks of a joint document (issue 16): one block per
//! required signer, side by side in the order the document lists them, each
//! with the body it signs for, the title its position has in its unit, the
//! signer's name and the state of the signature.

use crate::letterhead::{DocumentStyle, Letterhead};
use bienphong_domain::Date;
use bienphong_domain::format::date;
use bienphong_domain::org::Org;
use bienphong_domain::signoff::{Position, Signer, SignerState};

/// One signer's block of a joint document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JointSigner {
    /// The body signed for ("TM. ĐẢNG ỦY XÃ LŨNG CÚ"), or the signing unit.
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
            let on_behalf = match s.position {
                Position::PartySecretary | Position::PeoplesCommitteeChairman => {
                    Some(format!("TM. {}", head.issuing_body.to_uppercase()))
                }
                _ => Some(head.issuing_body.to_uppercase()),
            }
            .filter(|s| !s.trim().is_empty() && s.trim() != "TM.");
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
            let state = match (state, english) {
                (SignerState::Signed(a), false) => format!("(Đã ký ngày {})", date(a.signoff.date)),
                (SignerState::Signed(a), true) => format!("(Signed on {})", date(a.signoff.date)),
                (SignerState::Void(_), false) => "(Chữ ký không còn hiệu lực)".to_string(),
                (SignerState::Void(_), true) => "(Signature void)".to_string(),
                (SignerState::Returned(_), false) => "(Trả lại)".to_string(),
                (SignerState::Returned(_), true) => "(Returned)".to_string(),
                (SignerState::Pending, false) => "(Chưa ký)".to_string(),
                (SignerState::Pending, true) => "(Not signed yet)".to_string(),
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
