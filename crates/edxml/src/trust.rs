//! The trust list: the certificates of the authorities (the Government
//! Cipher Committee's CA, a ministry's issuing CA) whose signers a
//! receiving office trusts. A signature that matches its content is
//! *trusted* when its certificate chains to one of them at the time of
//! reading, *untrusted* when it does not, and only *valid* when no list
//! is configured.

use crate::{EdxmlError, Result};
use openssl::stack::Stack;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::{X509, X509Ref, X509StoreContext};

/// Whether a valid signature's certificate chains to a trusted authority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// No trust list is configured: not judged.
    NotChecked,
    /// It chains to an authority of the list.
    Trusted,
    /// It does not (why, as the chain check says).
    Untrusted { reason: String },
}

/// Trusted authorities' certificates, and the time chains are judged at.
#[derive(Clone, Default)]
pub struct TrustList {
    anchors: Vec<X509>,
    /// Unix seconds: certificates are judged valid or expired at this
    /// time, the caller's clock, not the library's.
    at: i64,
}

impl std::fmt::Debug for TrustList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustList")
            .field("anchors", &self.subjects())
            .field("at", &self.at)
            .finish()
    }
}

impl TrustList {
    /// The certificates of one PEM file (one or more).
    pub fn from_pem(pem: &[u8]) -> Result<Self> {
        let anchors = X509::stack_from_pem(pem).map_err(|e| EdxmlError::Key(e.to_string()))?;
        if anchors.is_empty() {
            return Err(EdxmlError::Key("no certificate in the PEM file".into()));
        }
        Ok(Self { anchors, at: 0 })
    }

    /// Adds another list's authorities.
    pub fn extend(&mut self, other: TrustList) {
        self.anchors.extend(other.anchors);
    }

    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// The subjects of its authorities, for people to check.
    pub fn subjects(&self) -> Vec<String> {
        self.anchors.iter().map(|c| crate::subject_of(c)).collect()
    }

    /// The list judging chains at `unix_seconds`.
    pub fn at(&self, unix_seconds: i64) -> TrustList {
        TrustList {
            anchors: self.anchors.clone(),
            at: unix_seconds,
        }
    }

    /// Whether `cert`, through `intermediates`, chains to an authority.
    pub fn judge(&self, cert: &X509Ref, intermediates: &[X509]) -> Trust {
        match self.chain(cert, intermediates) {
            Ok(None) => Trust::Trusted,
            Ok(Some(reason)) => Trust::Untrusted { reason },
            Err(e) => Trust::Untrusted {
                reason: e.to_string(),
            },
        }
    }

    fn chain(
        &self,
        cert: &X509Ref,
        intermediates: &[X509],
    ) -> std::result::Result<Option<String>, openssl::error::ErrorStack> {
        let mut store = X509StoreBuilder::new()?;
        for a in &self.anchors {
            store.add_cert(a.clone())?;
        }
        let mut param = X509VerifyParam::new()?;
        param.set_time(self.at as _);
        store.set_param(&param)?;
        let store = store.build();
        let mut chain = Stack::new()?;
        for c in intermediates {
            chain.push(c.clone())?;
        }
        let mut ctx = X509StoreContext::new()?;
        ctx.init(&store, cert, &chain, |c| {
            Ok(if c.verify_cert()? {
                None
            } else {
                Some(c.error().error_string().to_string())
            })
        })
    }
}

/// `trust` judging `cert` (and the certificates carried beside it), or
/// not judged without a list.
pub(crate) fn judge(trust: Option<&TrustList>, cert: Option<&X509Ref>, more: &[X509]) -> Trust {
    match (trust, cert) {
        (None, _) => Trust::NotChecked,
        (Some(t), Some(c)) => t.judge(c, more),
        (Some(_), None) => Trust::Untrusted {
            reason: "no certificate to judge".into(),
        },
    }
}
