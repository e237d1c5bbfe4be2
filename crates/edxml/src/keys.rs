//! The signing key a user holds: a PKCS#12 file and its passphrase.

use crate::{EdxmlError, Result};
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;

/// A private key with its certificate (and the chain the file carries).
pub struct Credentials {
    pub key: PKey<Private>,
    pub cert: X509,
    pub chain: Vec<X509>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is never printed.
        f.debug_struct("Credentials")
            .field("subject", &subject_of(&self.cert))
            .finish_non_exhaustive()
    }
}

impl Credentials {
    /// Reads a PKCS#12 file (`.p12`, `.pfx`) with its passphrase. The key
    /// must be RSA (the packets are signed RSA-SHA256).
    pub fn from_pkcs12(der: &[u8], passphrase: &str) -> Result<Self> {
        let p12 = openssl::pkcs12::Pkcs12::from_der(der)
            .map_err(|_| EdxmlError::Key("not a PKCS#12 file".into()))?;
        let parsed = p12
            .parse2(passphrase)
            .map_err(|_| EdxmlError::Key("the passphrase does not open the PKCS#12 file".into()))?;
        let key = parsed
            .pkey
            .ok_or_else(|| EdxmlError::Key("the PKCS#12 file holds no private key".into()))?;
        let cert = parsed
            .cert
            .ok_or_else(|| EdxmlError::Key("the PKCS#12 file holds no certificate".into()))?;
        if key.rsa().is_err() {
            return Err(EdxmlError::Key("the key is not an RSA key".into()));
        }
        let matches = cert
            .public_key()
            .map(|p| key.public_eq(&p))
            .unwrap_or(false);
        if !matches {
            return Err(EdxmlError::Key("the certificate is not the key's".into()));
        }
        let chain = parsed
            .ca
            .map(|s| s.into_iter().collect())
            .unwrap_or_default();
        Ok(Self { key, cert, chain })
    }

    pub fn subject(&self) -> String {
        subject_of(&self.cert)
    }
}

/// A certificate's subject as one line, `CN=…, O=…` in the order written.
pub fn subject_of(cert: &openssl::x509::X509Ref) -> String {
    cert.subject_name()
        .entries()
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?");
            let value = e.data().to_string().unwrap_or_default();
            format!("{key}={value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}
