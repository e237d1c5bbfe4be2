//! Globally unique ids. Every record, revision and node is named by a UUIDv7 so
//! that nodes can exchange revisions later without renaming anything.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
pub use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// A v7 id from a given time and random bytes, for reproducible data.
            pub fn from_parts(unix_ms: u64, random: [u8; 10]) -> Self {
                Self(uuid::Builder::from_unix_timestamp_millis(unix_ms, &random).into_uuid())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A record: a unit, link, catalogue entry, patrol, case…
    RecordId
);
uuid_id!(
    /// One immutable revision of a record.
    RevisionId
);
uuid_id!(
    /// One installation of bienphong (a post's laptop, a provincial server).
    NodeId
);
