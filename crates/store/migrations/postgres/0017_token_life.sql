-- Tokens that end (docs/operations.md, "Tokens"): an optional expiry, an
-- end with the owner's next password change where the owner chose it, and
-- when each was last used, so that an administrator can tell a lost
-- laptop's token from one in daily use. The address a sign-in came from is
-- kept in the audit log as the proxy configuration says it is.
ALTER TABLE api_tokens ADD COLUMN expires_ms BIGINT;
ALTER TABLE api_tokens ADD COLUMN ends_with_password BIGINT NOT NULL DEFAULT 0 CHECK (ends_with_password IN (0, 1));
ALTER TABLE api_tokens ADD COLUMN last_used_ms BIGINT;
ALTER TABLE audit_log ADD COLUMN address TEXT;
