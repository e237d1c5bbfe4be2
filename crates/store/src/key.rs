//! The key of an encrypted SQLite store (SQLCipher, built into the SQLite
//! the store links). A store opened with a key is encrypted page by page;
//! one opened without a key is a plain SQLite file, as before.

use crate::{Result, StoreError};
use std::fmt;
use std::path::Path;

/// A store's key: a passphrase (SQLCipher derives the key from it with
/// PBKDF2) or 32 raw bytes, written in a key file as 64 hex digits (no
/// derivation, so each connection opens at once).
#[derive(Clone, PartialEq, Eq)]
pub enum StoreKey {
    Passphrase(String),
    Raw([u8; 32]),
}

// A key never appears in a log or an error message.
impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Passphrase(_) => f.write_str("StoreKey::Passphrase(***)"),
            Self::Raw(_) => f.write_str("StoreKey::Raw(***)"),
        }
    }
}

impl StoreKey {
    /// A passphrase as typed: refused when empty, since SQLCipher would
    /// take an empty key as "no encryption".
    pub fn passphrase(text: &str) -> Result<Self> {
        let text = text.trim_end_matches(['\r', '\n']);
        if text.trim().is_empty() {
            return Err(StoreError::Key("the passphrase is empty".into()));
        }
        Ok(Self::Passphrase(text.to_string()))
    }

    /// The key kept in `path`: 64 hex digits are a raw key, anything else
    /// (one line) a passphrase. A file others may read is refused on Unix:
    /// the key would protect nothing.
    pub fn from_file(path: &Path) -> Result<Self> {
        let shown = path.display().to_string();
        let refuse = |reason: String| StoreError::Key(format!("{shown}: {reason}"));
        let meta = std::fs::metadata(path).map_err(|e| refuse(e.to_string()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(refuse(
                    "others may read or change the key file; make it readable by its owner only (chmod 600)"
                        .into(),
                ));
            }
        }
        if meta.len() > 4096 {
            return Err(refuse("too long for a key file".into()));
        }
        let text = std::fs::read_to_string(path).map_err(|e| refuse(e.to_string()))?;
        let line = text.trim_end_matches(['\r', '\n']);
        if line.len() == 64 && line.bytes().all(|b| b.is_ascii_hexdigit()) {
            let mut raw = [0u8; 32];
            for (i, byte) in raw.iter_mut().enumerate() {
                *byte = u8::from_str_radix(&line[2 * i..2 * i + 2], 16)
                    .map_err(|e| refuse(e.to_string()))?;
            }
            return Ok(Self::Raw(raw));
        }
        if line.contains('\n') {
            return Err(refuse("a key file holds one line".into()));
        }
        Self::passphrase(line).map_err(|_| refuse("the key file is empty".into()))
    }

    /// The statement that gives SQLCipher this key; it must be the first
    /// to touch the database on every connection.
    pub(crate) fn pragma(&self) -> String {
        match self {
            Self::Passphrase(p) => format!("PRAGMA key = '{}'", p.replace('\'', "''")),
            Self::Raw(raw) => format!(
                "PRAGMA key = \"x'{}'\"",
                raw.iter().map(|b| format!("{b:02x}")).collect::<String>()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_holds_hex_or_a_passphrase_and_only_its_owner_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str, mode: u32| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            }
            path
        };
        let hex = "00ff".repeat(16);
        let raw = StoreKey::from_file(&write("raw", &format!("{hex}\n"), 0o600)).unwrap();
        assert_eq!(
            raw,
            StoreKey::Raw([0x00, 0xff].repeat(16).try_into().unwrap())
        );
        assert_eq!(raw.pragma(), format!("PRAGMA key = \"x'{hex}'\""));
        let phrase = StoreKey::from_file(&write("p", "mật khẩu 'dài'\n", 0o400)).unwrap();
        assert_eq!(phrase.pragma(), "PRAGMA key = 'mật khẩu ''dài'''");
        assert!(format!("{phrase:?}").contains("***"));
        #[cfg(unix)]
        {
            let open = StoreKey::from_file(&write("o", "bí mật", 0o644)).unwrap_err();
            assert!(open.to_string().contains("chmod 600"), "{open}");
        }
        assert!(StoreKey::from_file(&write("e", "\n", 0o600)).is_err());
        assert!(StoreKey::from_file(&write("two", "a\nb\n", 0o600)).is_err());
        assert!(StoreKey::from_file(&dir.path().join("missing")).is_err());
    }
}
