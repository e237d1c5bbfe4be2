//! A detached PKCS#7 (CMS SignedData) signature over a file: the DOCX of
//! a report travels with `NAME.docx.p7s` beside it, which
//! `openssl smime -verify -binary -inform DER -content NAME.docx` checks.

use crate::{Credentials, EdxmlError, Result, SignatureState, TrustList, subject_of};
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::stack::Stack;

/// The DER signature of `bytes` by `creds`, with the signer's certificate.
pub fn sign(bytes: &[u8], creds: &Credentials) -> Result<Vec<u8>> {
    let fail = |e: openssl::error::ErrorStack| EdxmlError::Signature(e.to_string());
    let mut chain = Stack::new().map_err(fail)?;
    for c in &creds.chain {
        chain.push(c.clone()).map_err(fail)?;
    }
    let p7 = Pkcs7::sign(
        &creds.cert,
        &creds.key,
        &chain,
        bytes,
        Pkcs7Flags::DETACHED | Pkcs7Flags::BINARY,
    )
    .map_err(fail)?;
    p7.to_der().map_err(fail)
}

/// Whether `signature` (DER) signs `bytes`. The signer's certificate is
/// read from the signature; whether it chains to a trusted authority is
/// not judged here (docs/adr/0019).
pub fn verify(bytes: &[u8], signature: &[u8]) -> SignatureState {
    verify_trusting(bytes, signature, None)
}

/// [`verify`], a valid signature's signer judged against `trust` (with the
/// other certificates the signature carries as intermediates).
pub fn verify_trusting(
    bytes: &[u8],
    signature: &[u8],
    trust: Option<&TrustList>,
) -> SignatureState {
    let Ok(p7) = Pkcs7::from_der(signature) else {
        return SignatureState::Invalid {
            subject: String::new(),
            reason: "not a PKCS#7 signature".into(),
        };
    };
    let signer = Stack::new()
        .ok()
        .and_then(|empty| p7.signers(&empty, Pkcs7Flags::empty()).ok())
        .and_then(|s| s.iter().next().map(|c| c.to_owned()));
    let subject = signer.as_deref().map(subject_of).unwrap_or_default();
    let carried: Vec<openssl::x509::X509> = p7
        .signed()
        .and_then(|s| s.certificates())
        .map(|cs| cs.iter().map(|c| c.to_owned()).collect())
        .unwrap_or_default();
    let Ok(store) = openssl::x509::store::X509StoreBuilder::new().map(|b| b.build()) else {
        return SignatureState::Invalid {
            subject,
            reason: "no certificate store".into(),
        };
    };
    let Ok(empty) = Stack::new() else {
        return SignatureState::Invalid {
            subject,
            reason: "no certificate stack".into(),
        };
    };
    match p7.verify(
        &empty,
        &store,
        Some(bytes),
        None,
        Pkcs7Flags::NOVERIFY | Pkcs7Flags::BINARY,
    ) {
        Ok(()) => SignatureState::Valid {
            subject,
            trust: crate::trust::judge(trust, signer.as_deref(), &carried),
        },
        Err(_) => SignatureState::Invalid {
            subject,
            reason: "the file changed after it was signed".into(),
        },
    }
}
