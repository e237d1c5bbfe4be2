//! Revision exchange between a field node and its server
//! (`docs/sync-protocol.md`): the wire format (zstd-compressed JSON), the
//! server's scope checks for pull and push, the node's sync loop over HTTP,
//! bundles for posts without a link, and conflicts found by parent links.

pub mod blobs;
pub mod bundle;
pub mod check;
pub mod client;
pub mod conflict;
pub mod server;
pub mod status;
pub mod wire;

use bienphong_domain::{NodeId, RevisionId};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] bienphong_store::StoreError),
    #[error(transparent)]
    Service(#[from] bienphong_service::ServiceError),
    #[error("the sync message cannot be read: {0}")]
    Decode(String),
    #[error("not a bienphong bundle (or a damaged one): {0}")]
    BadBundle(String),
    /// A sound bundle, but not one for this store.
    #[error("this bundle is not for this store: {0}; nothing was applied")]
    WrongBundle(String),
    #[error("revision {id} is not valid: {reason}")]
    BadRevision { id: RevisionId, reason: String },
    #[error(
        "{count} revisions are outside what this node may write (first: {first}); nothing was written"
    )]
    Refused { count: usize, first: RevisionId },
    /// A token syncs as one node: the first node id it synced with.
    #[error(
        "this token belongs to node {bound}, not to node {node}; a new installation needs a token of its own (bienphong token create --node --unit CODE)"
    )]
    WrongNode { bound: String, node: NodeId },
    /// Another installation syncs as this node: a copied data directory.
    #[error(
        "another installation already syncs as node {node}: this data directory looks like a copy of it, and its syncs are refused. Nothing here was deleted. To keep what this copy wrote, export it (bienphong sync --export-bundle FILE) for the server to apply (bienphong sync --import-bundle FILE --as-unit CODE), then set this laptop up afresh in a new data directory with a token of its own; if this installation replaces the other one (a lost or broken laptop), take the node over: bienphong sync takeover"
    )]
    OtherInstallation { node: NodeId },
    #[error("the server answered {status}: {message}")]
    Server { status: u16, message: String },
    #[error("cannot reach the server: {0}")]
    Network(String),
    #[error(
        "the CA certificate cannot be read: {0} (give the authority's certificate as a PEM file)"
    )]
    Certificate(String),
    #[error("node settings {path}: {reason}")]
    NodeState { path: String, reason: String },
    #[error("another sync of this node is under way ({path} is locked); try again when it ends")]
    Busy { path: String },
    #[error("file {path}: {reason}")]
    File { path: String, reason: String },
}

impl SyncError {
    /// The one description of each sync error (see
    /// [`bienphong_domain::Described`]). A message or bundle that cannot
    /// be read is malformed (about the request's body); what a node may
    /// not write is forbidden; a server, link or file that fails is
    /// unavailable. Those not yet worded in the Fluent files are given
    /// with their own text (`sync-failed`).
    pub fn describe(&self) -> bienphong_domain::Described {
        use bienphong_domain::{Described, ErrorKind as K};
        let plain =
            |kind, code| Described::new(kind, code, "sync-failed").with("detail", self.to_string());
        match self {
            Self::Store(e) => e.describe(),
            Self::Service(e) => e.describe(),
            Self::Decode(_) | Self::BadBundle(_) | Self::BadRevision { .. } => {
                plain(K::Malformed, "bad_request").on_field("body")
            }
            Self::WrongBundle(_) => plain(K::Invalid, "invalid"),
            Self::OtherInstallation { .. } => plain(K::Conflict, "other_installation"),
            Self::Refused { .. } | Self::WrongNode { .. } => plain(K::Forbidden, "forbidden"),
            Self::Server { .. } | Self::Network(_) | Self::NodeState { .. } | Self::File { .. } => {
                plain(K::Unavailable, "unavailable")
            }
            Self::Certificate(detail) => {
                Described::new(K::Invalid, "invalid", "sync-bad-ca").with("detail", detail)
            }
            Self::Busy { path } => {
                Described::new(K::Conflict, "busy", "sync-busy").with("path", path)
            }
        }
    }
}

pub type Result<T> = std::result::Result<T, SyncError>;
