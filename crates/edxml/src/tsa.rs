//! RFC 3161 timestamps: the query our code sends to a timestamp server
//! on the closed network (`application/timestamp-query`), and the reply
//! checked and its token read. The token is a PKCS#7 SignedData over a
//! `TSTInfo` that names the SHA-256 of the stamped bytes and the time.

use crate::der::{self, BOOLEAN, GENERALIZED_TIME, INTEGER, OCTET_STRING, SEQUENCE};
use crate::{EdxmlError, Result};
use openssl::hash::MessageDigest;
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::stack::Stack;

/// AlgorithmIdentifier of SHA-256 (OID 2.16.840.1.101.3.4.2.1, NULL).
const SHA256_ALG: [u8; 15] = [
    0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
];

fn ts_err(e: impl std::fmt::Display) -> EdxmlError {
    EdxmlError::Timestamp(e.to_string())
}

/// A query as sent, with the nonce the reply must repeat.
#[derive(Clone, Debug)]
pub struct Query {
    pub der: Vec<u8>,
    pub nonce: Vec<u8>,
}

fn sha256(data: &[u8]) -> Result<Vec<u8>> {
    Ok(openssl::hash::hash(MessageDigest::sha256(), data)
        .map_err(ts_err)?
        .to_vec())
}

/// The query for a timestamp over `data` (the server sees only its
/// SHA-256), asking for the server's certificate in the token.
pub fn query(data: &[u8]) -> Result<Query> {
    let mut nonce = [0u8; 8];
    openssl::rand::rand_bytes(&mut nonce).map_err(ts_err)?;
    // A positive INTEGER in its shortest form.
    nonce[0] = (nonce[0] & 0x7f) | 0x01;
    let imprint = der::tlv(
        SEQUENCE,
        &[
            SHA256_ALG.as_slice(),
            &der::tlv(OCTET_STRING, &sha256(data)?),
        ]
        .concat(),
    );
    let body = [
        der::tlv(INTEGER, &[1]),
        imprint,
        der::tlv(INTEGER, &nonce),
        der::tlv(BOOLEAN, &[0xff]),
    ]
    .concat();
    Ok(Query {
        der: der::tlv(SEQUENCE, &body),
        nonce: nonce.to_vec(),
    })
}

/// The token of the server's `reply` to `query` over `data`, and the time
/// it vouches for. Refused: a reply other than granted, another nonce,
/// another digest, a signature that does not match.
pub fn accept(reply: &[u8], query: &Query, data: &[u8]) -> Result<(Vec<u8>, String)> {
    let (resp, _) = der::read(reply)?;
    let parts = der::items(resp.content)?;
    let status = parts
        .first()
        .ok_or_else(|| ts_err("the reply has no status"))?;
    let code = der::items(status.content)?
        .first()
        .map(|s| s.content.to_vec())
        .unwrap_or_default();
    if code != [0] && code != [1] {
        return Err(ts_err(format!("the server refused (status {code:?})")));
    }
    let token = parts
        .get(1)
        .ok_or_else(|| ts_err("the reply carries no token"))?
        .raw
        .to_vec();
    let info = tst_info(&token)?;
    if info.nonce.as_deref() != Some(query.nonce.as_slice()) {
        return Err(ts_err("the reply is not to this query (nonce)"));
    }
    let time = token_time(&token, data)?;
    Ok((token, time))
}

struct TstInfo {
    digest: Vec<u8>,
    time: String,
    nonce: Option<Vec<u8>>,
}

/// The TSTInfo a token's signature covers, its signature checked against
/// the certificate it carries.
fn tst_info(token: &[u8]) -> Result<TstInfo> {
    let p7 = Pkcs7::from_der(token).map_err(|_| ts_err("the token is not PKCS#7"))?;
    let store = openssl::x509::store::X509StoreBuilder::new()
        .map_err(ts_err)?
        .build();
    let empty = Stack::new().map_err(ts_err)?;
    let mut content = Vec::new();
    p7.verify(
        &empty,
        &store,
        None,
        Some(&mut content),
        Pkcs7Flags::NOVERIFY | Pkcs7Flags::BINARY,
    )
    .map_err(|_| ts_err("the token's signature does not match"))?;
    let (info, _) = der::read(&content)?;
    let fields = der::items(info.content)?;
    // version, policy, messageImprint, serialNumber, genTime, then
    // optional accuracy, ordering, nonce, tsa, extensions.
    let imprint = fields.get(2).ok_or_else(|| ts_err("no messageImprint"))?;
    let digest = der::items(imprint.content)?
        .get(1)
        .map(|d| d.content.to_vec())
        .ok_or_else(|| ts_err("no digest"))?;
    let generated = fields
        .get(4)
        .filter(|t| t.tag == GENERALIZED_TIME)
        .ok_or_else(|| ts_err("no genTime"))?;
    let nonce = fields[5..]
        .iter()
        .find(|t| t.tag == INTEGER)
        .map(|t| t.content.to_vec());
    Ok(TstInfo {
        digest,
        time: generalized_time(generated.content)?,
        nonce,
    })
}

/// `YYYYMMDDHHMMSS[.f]Z` as `YYYY-MM-DDTHH:MM:SSZ`.
fn generalized_time(raw: &[u8]) -> Result<String> {
    let s = std::str::from_utf8(raw).map_err(ts_err)?;
    if s.len() < 15 || !s.ends_with('Z') || !s[..14].bytes().all(|b| b.is_ascii_digit()) {
        return Err(ts_err(format!("genTime {s}")));
    }
    Ok(format!(
        "{}-{}-{}T{}:{}:{}Z",
        &s[0..4],
        &s[4..6],
        &s[6..8],
        &s[8..10],
        &s[10..12],
        &s[12..14]
    ))
}

/// The time `token` vouches for `data` at; an error if its signature does
/// not match or it stamps other bytes.
pub fn token_time(token: &[u8], data: &[u8]) -> Result<String> {
    let info = tst_info(token)?;
    if info.digest != sha256(data)? {
        return Err(ts_err("the token stamps other bytes"));
    }
    Ok(info.time)
}
