//! Revision exchange between a field node and its server
//! (`docs/sync-protocol.md`): the wire format (zstd-compressed JSON), the
//! server's scope checks for pull and push, the node's sync loop over HTTP,
//! bundles for posts without a link, and conflicts found by parent links.

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

pub type Result<T> = std::result::Result<T, SyncError>;
