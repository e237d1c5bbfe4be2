//! W3C XML Signature over a whole packet: enveloped (`Reference URI=""`
//! with the enveloped-signature transform), exclusive c14n, RSA-SHA256,
//! the signer's certificate in `KeyInfo`. The signature sits at the end
//! of `edXMLHeader`, where QCVN 102 places it. An RFC 3161 token over the
//! signature value may follow in a `ds:Object`, as XAdES's
//! `SignatureTimeStamp` carries one.

use crate::c14n::{self, DSIG_NS, Scope};
use crate::{Credentials, EdxmlError, Result, SignatureState, TrustList, subject_of, tsa};
use base64::Engine as _;
use openssl::hash::MessageDigest;
use roxmltree::Node;

pub const C14N_EXC: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
pub const ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
pub const XADES_NS: &str = "http://uri.etsi.org/01903/v1.3.2#";

const HEADER_END: &str = "</edXML:edXMLHeader>";
const VALUE_SLOT: &str = "<ds:SignatureValue></ds:SignatureValue>";
const SIGNATURE_END: &str = "</ds:Signature>";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

fn sig_err(e: impl std::fmt::Display) -> EdxmlError {
    EdxmlError::Signature(e.to_string())
}

/// `xml` (a packet [`crate::write`] wrote) signed with `creds`.
pub fn sign(xml: &str, creds: &Credentials) -> Result<String> {
    if xml.contains(DSIG_NS) {
        return Err(sig_err("the packet is signed already"));
    }
    let at = xml
        .rfind(HEADER_END)
        .ok_or(EdxmlError::Missing("edXMLHeader"))?;
    let canonical = c14n::exclusive(
        xml,
        Scope::Document {
            omit_signature: true,
        },
    )?;
    let digest =
        openssl::hash::hash(MessageDigest::sha256(), canonical.as_bytes()).map_err(sig_err)?;
    let cert = creds.cert.to_der().map_err(sig_err)?;
    let signature = format!(
        "<ds:Signature xmlns:ds=\"{DSIG_NS}\"><ds:SignedInfo>\
<ds:CanonicalizationMethod Algorithm=\"{C14N_EXC}\"/>\
<ds:SignatureMethod Algorithm=\"{RSA_SHA256}\"/>\
<ds:Reference URI=\"\"><ds:Transforms>\
<ds:Transform Algorithm=\"{ENVELOPED}\"/><ds:Transform Algorithm=\"{C14N_EXC}\"/>\
</ds:Transforms><ds:DigestMethod Algorithm=\"{SHA256}\"/>\
<ds:DigestValue>{}</ds:DigestValue></ds:Reference></ds:SignedInfo>{VALUE_SLOT}\
<ds:KeyInfo><ds:X509Data><ds:X509SubjectName>{}</ds:X509SubjectName>\
<ds:X509Certificate>{}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>",
        b64().encode(digest),
        crate::write::escape(&creds.subject()),
        b64().encode(cert),
    );
    let mut signed = String::with_capacity(xml.len() + signature.len() + 512);
    signed.push_str(&xml[..at]);
    signed.push_str(&signature);
    signed.push_str(&xml[at..]);
    let info = c14n::exclusive(
        &signed,
        Scope::Element {
            ns: DSIG_NS,
            local: "SignedInfo",
        },
    )?;
    let mut signer =
        openssl::sign::Signer::new(MessageDigest::sha256(), &creds.key).map_err(sig_err)?;
    signer.update(info.as_bytes()).map_err(sig_err)?;
    let value = signer.sign_to_vec().map_err(sig_err)?;
    Ok(signed.replacen(
        VALUE_SLOT,
        &format!(
            "<ds:SignatureValue>{}</ds:SignatureValue>",
            b64().encode(value)
        ),
        1,
    ))
}

/// The decoded `SignatureValue` of a signed packet: what a timestamp
/// server is asked to stamp.
pub fn signature_value(xml: &str) -> Result<Vec<u8>> {
    let doc = parse(xml)?;
    let sig = signature_node(&doc).ok_or_else(|| sig_err("the packet is not signed"))?;
    let value = dsig_child(sig, "SignatureValue").ok_or(EdxmlError::Missing("SignatureValue"))?;
    decode(&all_text(value))
}

/// Adds the RFC 3161 `token` over the signature value of signed `xml`.
pub fn attach_timestamp(xml: &str, token: &[u8]) -> Result<String> {
    let value = signature_value(xml)?;
    tsa::token_time(token, &value)?;
    let at = xml
        .rfind(SIGNATURE_END)
        .ok_or_else(|| sig_err("the packet is not signed"))?;
    let object = format!(
        "<ds:Object><xades:SignatureTimeStamp xmlns:xades=\"{XADES_NS}\">\
<xades:EncapsulatedTimeStamp>{}</xades:EncapsulatedTimeStamp>\
</xades:SignatureTimeStamp></ds:Object>",
        b64().encode(token)
    );
    Ok(format!("{}{object}{}", &xml[..at], &xml[at..]))
}

fn parse(xml: &str) -> Result<roxmltree::Document<'_>> {
    roxmltree::Document::parse(xml).map_err(|e| EdxmlError::Xml(e.to_string()))
}

fn signature_node<'a, 'i>(doc: &'a roxmltree::Document<'i>) -> Option<Node<'a, 'i>> {
    doc.descendants().find(|n| {
        n.is_element()
            && n.tag_name().name() == "Signature"
            && n.tag_name().namespace() == Some(DSIG_NS)
    })
}

fn dsig_child<'a, 'i>(n: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| {
        c.is_element() && c.tag_name().name() == local && c.tag_name().namespace() == Some(DSIG_NS)
    })
}

fn all_text(n: Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

fn decode(text: &str) -> Result<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    b64()
        .decode(clean.as_bytes())
        .map_err(|e| sig_err(format!("not base64: {e}")))
}

fn algorithm<'a>(n: Option<Node<'a, '_>>) -> &'a str {
    n.and_then(|n| n.attribute("Algorithm")).unwrap_or("")
}

/// What the packet's signature says, and the time its timestamp token
/// vouches for. A packet without a signature is `Unsigned`; a signature
/// that does not match, or that this reader cannot check (another
/// algorithm, no certificate), is `Invalid` with the reason.
pub fn verify(xml: &str) -> Result<(SignatureState, Option<String>)> {
    verify_trusting(xml, None)
}

/// [`verify`], a valid signature's certificate judged against `trust`
/// (with any other certificates the signature carries as intermediates).
pub fn verify_trusting(
    xml: &str,
    trust: Option<&TrustList>,
) -> Result<(SignatureState, Option<String>)> {
    let doc = parse(xml)?;
    let Some(sig) = signature_node(&doc) else {
        return Ok((SignatureState::Unsigned, None));
    };
    let mut certs = dsig_child(sig, "KeyInfo")
        .and_then(|k| dsig_child(k, "X509Data"))
        .map(|d| {
            d.children()
                .filter(|c| c.is_element() && c.tag_name().name() == "X509Certificate")
                .map(all_text)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter();
    let cert = match certs.next().map(|c| decode(&c)) {
        Some(Ok(der)) => openssl::x509::X509::from_der(&der).ok(),
        _ => None,
    };
    let intermediates: Vec<openssl::x509::X509> = certs
        .filter_map(|c| decode(&c).ok())
        .filter_map(|der| openssl::x509::X509::from_der(&der).ok())
        .collect();
    let subject = cert.as_ref().map(|c| subject_of(c)).unwrap_or_default();
    let invalid = |reason: &str| {
        Ok((
            SignatureState::Invalid {
                subject: subject.clone(),
                reason: reason.to_string(),
            },
            None,
        ))
    };
    let Some(cert) = cert else {
        return invalid("the signature carries no certificate");
    };
    let Some(info) = dsig_child(sig, "SignedInfo") else {
        return invalid("no SignedInfo");
    };
    if algorithm(dsig_child(info, "CanonicalizationMethod")) != C14N_EXC {
        return invalid("canonicalization other than exclusive c14n");
    }
    if algorithm(dsig_child(info, "SignatureMethod")) != RSA_SHA256 {
        return invalid("signature method other than RSA-SHA256");
    }
    let references: Vec<Node> = info
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "Reference")
        .collect();
    let [reference] = references.as_slice() else {
        return invalid("not one Reference");
    };
    if reference.attribute("URI") != Some("") {
        return invalid("the Reference is not to the whole packet");
    }
    let transforms: Vec<&str> = dsig_child(*reference, "Transforms")
        .map(|t| {
            t.children()
                .filter(|c| c.is_element())
                .map(|c| c.attribute("Algorithm").unwrap_or(""))
                .collect()
        })
        .unwrap_or_default();
    if transforms != [ENVELOPED, C14N_EXC] {
        return invalid("transforms other than enveloped-signature and exclusive c14n");
    }
    if algorithm(dsig_child(*reference, "DigestMethod")) != SHA256 {
        return invalid("digest other than SHA-256");
    }
    let Ok(expected) = decode(
        &dsig_child(*reference, "DigestValue")
            .map(all_text)
            .unwrap_or_default(),
    ) else {
        return invalid("the digest is not base64");
    };
    let canonical = c14n::exclusive(
        xml,
        Scope::Document {
            omit_signature: true,
        },
    )?;
    let digest =
        openssl::hash::hash(MessageDigest::sha256(), canonical.as_bytes()).map_err(sig_err)?;
    if digest.as_ref() != expected.as_slice() {
        return invalid("the packet changed after it was signed");
    }
    let Ok(value) = decode(
        &dsig_child(sig, "SignatureValue")
            .map(all_text)
            .unwrap_or_default(),
    ) else {
        return invalid("the signature value is not base64");
    };
    let info_c14n = c14n::exclusive(
        xml,
        Scope::Element {
            ns: DSIG_NS,
            local: "SignedInfo",
        },
    )?;
    let key = cert.public_key().map_err(sig_err)?;
    let mut verifier =
        openssl::sign::Verifier::new(MessageDigest::sha256(), &key).map_err(sig_err)?;
    verifier.update(info_c14n.as_bytes()).map_err(sig_err)?;
    if !verifier.verify(&value).unwrap_or(false) {
        return invalid("the signature value does not match its certificate");
    }
    let token = sig
        .descendants()
        .find(|n| n.is_element() && n.tag_name().name() == "EncapsulatedTimeStamp")
        .map(all_text);
    let time = match token {
        None => None,
        Some(t) => match decode(&t).and_then(|der| tsa::token_time(&der, &value)) {
            Ok(time) => Some(time),
            Err(e) => return invalid(&format!("its timestamp is not valid: {e}")),
        },
    };
    let trust = crate::trust::judge(trust, Some(&cert), &intermediates);
    Ok((SignatureState::Valid { subject, trust }, time))
}
