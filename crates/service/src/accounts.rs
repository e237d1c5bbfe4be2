//! Accounts and sign-in: Argon2id password hashes, sessions and API tokens
//! kept by the SHA-256 of their secret, lockout after repeated failures,
//! and an audit entry for every change to an account.

use crate::{Result, Service, ServiceError};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use bienphong_domain::access::{Grant, Role};
use bienphong_domain::org::Code;
use bienphong_store::{AccountStore, ApiToken, AuditEntry, Session, Store, StoreError, User};
use sha2::{Digest, Sha256};

/// Failed sign-ins in a row that lock an account…
pub const MAX_FAILED_LOGINS: i64 = 5;
/// …for this long.
pub const LOCKOUT_MS: i64 = 15 * 60 * 1000;
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Who is acting: a signed-in person or an API token, and what they may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The name written into revisions and the audit log.
    pub name: String,
    pub user_id: Option<String>,
    pub grant: Grant,
    /// The API token the request came with, if any: a token syncs as one
    /// node (docs/sync-protocol.md §1).
    pub token_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: Role,
    pub unit: String,
    pub restricted: bool,
}

/// Why a sign-in did not succeed. Unknown user and wrong password look the
/// same from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginRefusal {
    BadCredentials,
    Locked { until_ms: i64 },
    Disabled,
}

/// A new session: the secret goes into the cookie, only its hash is kept.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
    pub expires_ms: i64,
    pub principal: Principal,
}

/// A random secret of 32 bytes, hex-encoded.
pub fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A password people can type and read out: 4 groups of 4 letters/digits
/// without look-alikes.
pub fn new_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    Ok(chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hash_password(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("cannot hash the password: {e}")))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::WeakPassword(MIN_PASSWORD_CHARS));
    }
    Ok(())
}

fn principal_of(user: &User) -> Result<Principal> {
    Ok(Principal {
        name: user.username.clone(),
        user_id: Some(user.id.clone()),
        grant: grant_of(&user.role, &user.unit, user.restricted)?,
        token_id: None,
    })
}

fn grant_of(role: &str, unit: &str, restricted: bool) -> Result<Grant> {
    let role =
        Role::parse(role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {role}")))?;
    let unit = Code::parse(unit).map_err(|_| StoreError::Corrupt(format!("bad unit {unit}")))?;
    Ok(Grant {
        role,
        unit,
        restricted,
    })
}

impl<S: Store + AccountStore> Service<S> {
    pub async fn audit(
        &self,
        actor: &str,
        now_ms: i64,
        action: &str,
        outcome: &str,
        detail: impl Into<String>,
    ) -> Result<()> {
        self.audit_from(actor, now_ms, action, outcome, detail, None)
            .await
    }

    /// An audit entry that keeps the address the request came from.
    pub async fn audit_from(
        &self,
        actor: &str,
        now_ms: i64,
        action: &str,
        outcome: &str,
        detail: impl Into<String>,
        address: Option<std::net::IpAddr>,
    ) -> Result<()> {
        self.store()
            .append_audit(&AuditEntry {
                seq: 0,
                at_ms: now_ms,
                actor: actor.to_string(),
                action: action.to_string(),
                outcome: outcome.to_string(),
                record_type: None,
                record_id: None,
                unit: None,
                detail: detail.into(),
                address: address.map(|a| a.to_string()),
            })
            .await?;
        Ok(())
    }

    /// Creates an account after checking the name, password and unit.
    pub async fn create_user(&self, by: &str, now_ms: i64, new: NewUser) -> Result<User> {
        let username = new.username.trim().to_lowercase();
        if username.is_empty()
            || username.len() > 64
            || !username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            return Err(ServiceError::BadUsername(new.username));
        }
        check_password(&new.password)?;
        let unit =
            Code::parse(&new.unit).map_err(|_| ServiceError::UnknownUnit(new.unit.clone()))?;
        // An administrator's unit only names where they sit; everybody else's
        // decides what they may see, so it must exist.
        if new.role != Role::Admin && self.org_shared().await?.unit(&unit).is_none() {
            return Err(ServiceError::UnknownUnit(new.unit));
        }
        let user = User {
            id: bienphong_domain::RecordId::new().to_string(),
            username,
            display_name: if new.display_name.trim().is_empty() {
                new.username.clone()
            } else {
                bienphong_domain::text::nfc(new.display_name.trim())
            },
            password_hash: hash_password(&new.password)?,
            role: new.role.as_str().to_string(),
            unit: unit.as_str().to_string(),
            restricted: new.restricted,
            disabled: false,
            failed_logins: 0,
            locked_until_ms: 0,
            created_ms: now_ms,
        };
        self.store().create_user(&user).await?;
        self.audit(
            by,
            now_ms,
            "user.create",
            "allowed",
            format!(
                "{} ({} {}{})",
                user.username,
                user.role,
                user.unit,
                if user.restricted { ", restricted" } else { "" }
            ),
        )
        .await?;
        Ok(user)
    }

    pub async fn user(&self, username: &str) -> Result<User> {
        self.store()
            .user_by_name(&username.trim().to_lowercase())
            .await?
            .ok_or_else(|| ServiceError::UnknownUser(username.to_string()))
    }

    pub async fn set_password(
        &self,
        by: &str,
        now_ms: i64,
        username: &str,
        password: &str,
    ) -> Result<()> {
        check_password(password)?;
        let user = self.user(username).await?;
        self.store()
            .set_password(&user.id, &hash_password(password)?, now_ms)
            .await?;
        self.audit(by, now_ms, "user.password", "allowed", user.username)
            .await
    }

    pub async fn set_disabled(
        &self,
        by: &str,
        now_ms: i64,
        username: &str,
        disabled: bool,
    ) -> Result<()> {
        let user = self.user(username).await?;
        self.store()
            .set_disabled(&user.id, disabled, now_ms)
            .await?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        self.audit(by, now_ms, action, "allowed", user.username)
            .await
    }

    /// Checks a password and opens a session of `ttl_ms`.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        now_ms: i64,
        ttl_ms: i64,
    ) -> Result<std::result::Result<NewSession, LoginRefusal>> {
        self.login_from(username, password, now_ms, ttl_ms, None)
            .await
    }

    /// [`Self::login`] from a client address, which the audit keeps.
    pub async fn login_from(
        &self,
        username: &str,
        password: &str,
        now_ms: i64,
        ttl_ms: i64,
        address: Option<std::net::IpAddr>,
    ) -> Result<std::result::Result<NewSession, LoginRefusal>> {
        let name = username.trim().to_lowercase();
        let Some(user) = self.store().user_by_name(&name).await? else {
            // Spend the same time as for a real account, so that timing does
            // not tell which names exist.
            let given = password.to_string();
            let _ = tokio::task::spawn_blocking(move || password_matches(&given, DUMMY_HASH)).await;
            self.audit_from(&name, now_ms, "login", "refused", "unknown user", address)
                .await?;
            return Ok(Err(LoginRefusal::BadCredentials));
        };
        if user.disabled {
            self.audit_from(&name, now_ms, "login", "refused", "disabled", address)
                .await?;
            return Ok(Err(LoginRefusal::Disabled));
        }
        if user.locked_until_ms > now_ms {
            self.audit_from(&name, now_ms, "login", "refused", "locked", address)
                .await?;
            return Ok(Err(LoginRefusal::Locked {
                until_ms: user.locked_until_ms,
            }));
        }
        // Argon2 takes tens of milliseconds of CPU: off the async workers.
        let (given, stored) = (password.to_string(), user.password_hash.clone());
        let matches = tokio::task::spawn_blocking(move || password_matches(&given, &stored))
            .await
            .map_err(|e| ServiceError::Internal(format!("password check: {e}")))?;
        if !matches {
            let failures = self
                .store()
                .login_failed(&user.id, now_ms, MAX_FAILED_LOGINS, LOCKOUT_MS)
                .await?;
            self.audit_from(
                &name,
                now_ms,
                "login",
                "refused",
                format!("wrong password ({failures} in a row)"),
                address,
            )
            .await?;
            if failures >= MAX_FAILED_LOGINS {
                return Ok(Err(LoginRefusal::Locked {
                    until_ms: now_ms + LOCKOUT_MS,
                }));
            }
            return Ok(Err(LoginRefusal::BadCredentials));
        }
        self.store().login_succeeded(&user.id).await?;
        let secret = new_secret()?;
        let session = Session {
            token_hash: secret_hash(&secret),
            user_id: user.id.clone(),
            csrf_token: new_secret()?,
            created_ms: now_ms,
            expires_ms: now_ms + ttl_ms,
        };
        self.store().create_session(&session).await?;
        self.audit_from(&name, now_ms, "login", "allowed", "", address)
            .await?;
        Ok(Ok(NewSession {
            secret,
            csrf_token: session.csrf_token,
            expires_ms: session.expires_ms,
            principal: principal_of(&user)?,
        }))
    }

    /// The person behind a session cookie, with the session's CSRF token;
    /// `None` for an unknown, expired or disabled one.
    pub async fn session_principal(
        &self,
        secret: &str,
        now_ms: i64,
    ) -> Result<Option<(Principal, Session)>> {
        let Some(session) = self.store().session(&secret_hash(secret)).await? else {
            return Ok(None);
        };
        if session.expires_ms <= now_ms {
            self.store().delete_session(&session.token_hash).await?;
            return Ok(None);
        }
        match self.store().user_by_id(&session.user_id).await? {
            Some(user) if !user.disabled => Ok(Some((principal_of(&user)?, session))),
            _ => Ok(None),
        }
    }

    /// Audit entries, newest first.
    pub async fn audit_entries(
        &self,
        filter: &bienphong_store::AuditFilter,
    ) -> Result<Vec<bienphong_store::AuditEntry>> {
        Ok(self.store().audit(filter).await?)
    }

    /// Removes expired sessions; returns how many.
    pub async fn sweep_sessions(&self, now_ms: i64) -> Result<u64> {
        Ok(self.store().delete_expired_sessions(now_ms).await?)
    }

    pub async fn logout(&self, secret: &str, now_ms: i64) -> Result<()> {
        if let Some((p, s)) = self.session_principal(secret, now_ms).await? {
            self.store().delete_session(&s.token_hash).await?;
            self.audit(&p.name, now_ms, "logout", "allowed", "").await?;
        }
        Ok(())
    }

    /// Creates an API token acting as its creator (scoped like them), or,
    /// when `node_unit` is given by an administrator, for a node of that
    /// unit, with no expiry. Returns the token's id and its secret, shown
    /// once.
    pub async fn create_token(
        &self,
        by: &Principal,
        now_ms: i64,
        name: &str,
        node_unit: Option<&str>,
    ) -> Result<(String, String)> {
        self.create_token_with(by, now_ms, name, node_unit, TokenTerms::default())
            .await
    }

    /// [`Self::create_token`] with an expiry and the choice to end it with
    /// its owner's next password change.
    pub async fn create_token_with(
        &self,
        by: &Principal,
        now_ms: i64,
        name: &str,
        node_unit: Option<&str>,
        terms: TokenTerms,
    ) -> Result<(String, String)> {
        if let Some(expires) = terms.expires_ms
            && expires <= now_ms
        {
            return Err(ServiceError::TokenExpiryPast);
        }
        let (user_id, grant) = match node_unit {
            None => (by.user_id.clone(), by.grant.clone()),
            Some(unit) => {
                if !by.grant.is_admin() {
                    self.audit(&by.name, now_ms, "token.create", "refused", name)
                        .await?;
                    return Err(ServiceError::Forbidden(
                        "only an administrator creates node tokens".into(),
                    ));
                }
                let code = Code::parse(unit).map_err(|_| ServiceError::UnknownUnit(unit.into()))?;
                if self.org_shared().await?.unit(&code).is_none() {
                    return Err(ServiceError::UnknownUnit(unit.into()));
                }
                (
                    None,
                    Grant {
                        role: Role::Editor,
                        unit: code,
                        restricted: true,
                    },
                )
            }
        };
        if terms.ends_with_password && user_id.is_none() {
            return Err(ServiceError::NodeTokenWithoutOwner);
        }
        let secret = format!("bpt_{}", new_secret()?);
        let token = ApiToken {
            id: bienphong_domain::RecordId::new().to_string(),
            token_hash: secret_hash(&secret),
            name: name.to_string(),
            user_id,
            role: grant.role.as_str().to_string(),
            unit: grant.unit.as_str().to_string(),
            restricted: grant.restricted,
            created_by: by.name.clone(),
            created_ms: now_ms,
            revoked_ms: None,
            node_id: None,
            expires_ms: terms.expires_ms,
            ends_with_password: terms.ends_with_password,
            last_used_ms: None,
        };
        self.store().create_token(&token).await?;
        self.audit(
            &by.name,
            now_ms,
            "token.create",
            "allowed",
            format!(
                "{} {} ({} {})",
                token.id, token.name, token.role, token.unit
            ),
        )
        .await?;
        Ok((token.id, secret))
    }

    /// The tokens `by` may see: an administrator's, all of them; anyone
    /// else's, their own. Oldest first; secrets are never kept.
    pub async fn tokens_for(&self, by: &Principal) -> Result<Vec<TokenView>> {
        let users = self.store().users().await?;
        let name_of = |id: &Option<String>| {
            id.as_ref().and_then(|id| {
                users
                    .iter()
                    .find(|u| &u.id == id)
                    .map(|u| u.username.clone())
            })
        };
        Ok(self
            .store()
            .tokens()
            .await?
            .into_iter()
            .filter(|t| by.grant.is_admin() || (t.user_id.is_some() && t.user_id == by.user_id))
            .map(|t| TokenView {
                owner: name_of(&t.user_id),
                id: t.id,
                name: t.name,
                role: t.role,
                unit: t.unit,
                restricted: t.restricted,
                node_id: t.node_id,
                created_by: t.created_by,
                created_ms: t.created_ms,
                last_used_ms: t.last_used_ms,
                expires_ms: t.expires_ms,
                ends_with_password: t.ends_with_password,
                revoked_ms: t.revoked_ms,
            })
            .collect())
    }

    pub async fn revoke_token(&self, by: &Principal, now_ms: i64, id: &str) -> Result<bool> {
        let own = self
            .store()
            .tokens()
            .await?
            .into_iter()
            .find(|t| t.id == id);
        let Some(token) = own else {
            return Ok(false);
        };
        let mine = token.user_id.is_some() && token.user_id == by.user_id;
        if !(mine || by.grant.is_admin()) {
            self.audit(&by.name, now_ms, "token.revoke", "refused", id)
                .await?;
            return Err(ServiceError::Forbidden("not your token".into()));
        }
        let done = self.store().revoke_token(id, now_ms).await?;
        self.audit(&by.name, now_ms, "token.revoke", "allowed", id)
            .await?;
        Ok(done)
    }

    /// An administrator changes what a token may do: its unit (`unit`) and
    /// whether it reads personal data (`restricted`). A node learns it at
    /// its next sync and drops what it may no longer hold
    /// (docs/sync-protocol.md §6).
    pub async fn change_token_grant(
        &self,
        by: &Principal,
        now_ms: i64,
        id: &str,
        unit: Option<&str>,
        restricted: Option<bool>,
    ) -> Result<bool> {
        if !by.grant.is_admin() {
            self.audit(&by.name, now_ms, "token.grant", "refused", id)
                .await?;
            return Err(ServiceError::Forbidden(
                "only an administrator changes a token's grant".into(),
            ));
        }
        let Some(token) = self
            .store()
            .tokens()
            .await?
            .into_iter()
            .find(|t| t.id == id && t.revoked_ms.is_none())
        else {
            return Ok(false);
        };
        let unit = match unit {
            Some(unit) => {
                let code = Code::parse(unit).map_err(|_| ServiceError::UnknownUnit(unit.into()))?;
                if self.org_shared().await?.unit(&code).is_none() {
                    return Err(ServiceError::UnknownUnit(unit.into()));
                }
                code.as_str().to_string()
            }
            None => token.unit.clone(),
        };
        let restricted = restricted.unwrap_or(token.restricted);
        let done = self.store().set_token_grant(id, &unit, restricted).await?;
        self.audit(
            &by.name,
            now_ms,
            "token.grant",
            "allowed",
            format!(
                "{} ({} {unit}{})",
                token.name,
                token.role,
                if restricted { ", restricted" } else { "" }
            ),
        )
        .await?;
        Ok(done)
    }

    /// The principal of a bearer token, unless unknown, revoked, expired or
    /// its owner disabled. Its name is the owning account's (a node's token:
    /// `node:UNIT`) with the token's id, never the free name the token was
    /// given, so that history and the audit say who acted.
    pub async fn token_principal(&self, secret: &str) -> Result<Option<Principal>> {
        let Some(t) = self.store().token_by_hash(&secret_hash(secret)).await? else {
            return Ok(None);
        };
        let now = crate::now_ms();
        if t.revoked_ms.is_some() || t.expires_ms.is_some_and(|e| e <= now) {
            return Ok(None);
        }
        let owner = match &t.user_id {
            Some(uid) => match self.store().user_by_id(uid).await? {
                Some(u) if !u.disabled => u.username,
                _ => return Ok(None),
            },
            None => format!("node:{}", t.unit),
        };
        self.store().touch_token(&t.id, now).await?;
        Ok(Some(Principal {
            name: token_actor(&owner, &t.id),
            user_id: t.user_id.clone(),
            grant: grant_of(&t.role, &t.unit, t.restricted)?,
            token_id: Some(t.id.clone()),
        }))
    }
}

/// How an actor that used a token is named in history and the audit log.
pub fn token_actor(owner: &str, token_id: &str) -> String {
    format!("{owner} (token {token_id})")
}

/// The owner and the token id of an actor named by [`token_actor`].
pub fn token_actor_parts(actor: &str) -> Option<(&str, &str)> {
    let (owner, rest) = actor.rsplit_once(" (token ")?;
    Some((owner, rest.strip_suffix(')')?))
}

/// How long a token lives and whether a password change ends it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TokenTerms {
    pub expires_ms: Option<i64>,
    pub ends_with_password: bool,
}

/// A token as its owner and administrators see it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    /// The account it acts as; none for a node's token.
    pub owner: Option<String>,
    pub role: String,
    pub unit: String,
    /// Reads and writes personal data.
    pub restricted: bool,
    pub node_id: Option<String>,
    pub created_by: String,
    pub created_ms: i64,
    pub last_used_ms: Option<i64>,
    pub expires_ms: Option<i64>,
    pub ends_with_password: bool,
    pub revoked_ms: Option<i64>,
}

/// A valid Argon2id hash of a random string, to verify against when the
/// user does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$T3ZnGmJp8r0sQmtv1XW0rhhk0uQjOFMWnSyaXuFjP9A";
