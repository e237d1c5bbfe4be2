//! One module per resource, each holding its pages and its JSON API side by
//! side over the same use cases. A resource uses the shared modules
//! (`view`, `params`, `extract`, `error`, `routes`), never a sibling
//! resource.

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod briefings;
pub mod conflicts;
pub mod dashboard;
pub mod edxml;
pub mod geo;
pub mod geo_places;
pub mod org;
pub mod org_changes;
pub mod org_codes;
pub mod persons;
pub mod records;
pub mod registers;
pub mod reports;
pub mod sheets;
pub mod signoff;
pub mod sync;
pub mod tokens;
