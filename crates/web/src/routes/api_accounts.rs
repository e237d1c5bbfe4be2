//! The API routes of accounts, tokens, positions and the audit log.

use super::{ApiRoute, route};
use crate::resources::{accounts, audit, signoff, tokens};
use axum::http::Method;
use axum::routing::on;

/// The API routes of this area, in the order the OpenAPI document lists them.
pub(super) fn api_routes() -> Vec<ApiRoute> {
    use axum::routing::MethodFilter as F;
    vec![
        route(
            Method::GET,
            "/api/v1/me",
            "Who the credentials belong to",
            "accounts",
            &[200],
            on(F::GET, accounts::me),
        ),
        ApiRoute {
            body: Some("TokenRequest"),
            ..route(
                Method::POST,
                "/api/v1/tokens",
                "Create an API token (shown once), with an optional life in days",
                "accounts",
                &[201, 400, 403, 422],
                on(F::POST, tokens::create),
            )
        },
        ApiRoute {
            response: Some("TokenList"),
            ..route(
                Method::GET,
                "/api/v1/tokens",
                "The caller's tokens (an administrator's: all), with owner, node and last use",
                "accounts",
                &[200],
                on(F::GET, tokens::list),
            )
        },
        route(
            Method::DELETE,
            "/api/v1/tokens/{id}",
            "Revoke an API token by its id",
            "accounts",
            &[204, 403, 404],
            on(F::DELETE, tokens::revoke),
        ),
        ApiRoute {
            body: Some("TokenGrant"),
            response: Some("Token"),
            ..route(
                Method::PATCH,
                "/api/v1/tokens/{id}",
                "Change a token's unit or personal-data grant (administrators); its node drops what it may no longer hold at its next sync",
                "accounts",
                &[200, 400, 403, 404, 422],
                on(F::PATCH, tokens::change_grant),
            )
        },
        ApiRoute {
            query: &[
                ("actor", "who acted"),
                ("action", "create, update, delete, login, restricted.read…"),
                ("outcome", "allowed or refused"),
                ("record_id", "a record"),
                ("before", "entries before this sequence number"),
                ("limit", "entries, 1–1000"),
            ],
            ..route(
                Method::GET,
                "/api/v1/audit",
                "The audit log, newest first (administrators)",
                "accounts",
                &[200, 400, 403],
                on(F::GET, audit::list),
            )
        },
        ApiRoute {
            response: Some("UserList"),
            ..route(
                Method::GET,
                "/api/v1/users",
                "Every account with its role, unit and positions (administrators)",
                "accounts",
                &[200, 403],
                on(F::GET, signoff::users),
            )
        },
        ApiRoute {
            body: Some("Positions"),
            response: Some("Positions"),
            ..route(
                Method::PUT,
                "/api/v1/users/{name}/positions",
                "Set the positions an account holds, each in a unit (administrators)",
                "accounts",
                &[200, 400, 403, 404, 422],
                on(F::PUT, signoff::set_positions),
            )
        },
    ]
}
