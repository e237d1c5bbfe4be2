//! The API routes of the organisation: change sets and official codes.

use super::{ApiRoute, route};
use crate::resources::{org_changes, org_codes};
use axum::http::Method;
use axum::routing::on;

/// The API routes of this area, in the order the OpenAPI document lists them.
pub(super) fn api_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    vec![
        ApiRoute {
            response: Some("OrgChanges"),
            ..route(
                Method::GET,
                "/api/v1/org/changes",
                "The reorganisations applied as change sets, oldest first",
                "organisation",
                &[200],
                on(F::GET, org_changes::api_list),
            )
        },
        ApiRoute {
            query: &[(
                "dry_run",
                "true: check the set and answer what it would write, writing nothing",
            )],
            body: Some("ChangeSet"),
            response: Some("OrgChangeResult"),
            ..route(
                Method::POST,
                "/api/v1/org/changes",
                "Apply a reorganisation (a change set, docs/org-changes.md): checked whole, \
                 written in one transaction, or refused (422) with every problem in fields \
                 (administrators)",
                "organisation",
                &[200, 400, 403, 422],
                on(F::POST, org_changes::api_apply),
            )
        },
        ApiRoute {
            query: &[(
                "dry_run",
                "true: check the file and answer what it would change, writing nothing",
            )],
            body: Some("CodesFile"),
            response: Some("OrgCodesResult"),
            ..route(
                Method::POST,
                "/api/v1/org/codes",
                "Import a list of administrative codes and agency identifiers (CSV or XLSX as \
                 the body, docs/codes.md): checked whole, written in one transaction as unit \
                 revisions, or refused (422) with every problem in fields (administrators)",
                "organisation",
                &[200, 400, 403, 422],
                on(F::POST, org_codes::api_import),
            )
        },
    ]
}
