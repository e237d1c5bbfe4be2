-- People who sign in, their sessions, API tokens for machines and nodes,
-- and the audit log. None of this is a record: it is not synced.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- Argon2id in PHC string form; never a plain password.
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit TEXT NOT NULL,
    restricted INTEGER NOT NULL CHECK (restricted IN (0, 1)),
    disabled INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until_ms INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL
);

-- Sessions and tokens are kept by the SHA-256 of their secret, so a copy
-- of the database does not let anybody sign in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- The user it acts as, or none for a node's token.
    user_id TEXT REFERENCES users (id),
    role TEXT NOT NULL,
    unit TEXT NOT NULL,
    restricted INTEGER NOT NULL CHECK (restricted IN (0, 1)),
    created_by TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    revoked_ms INTEGER
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    record_type TEXT,
    record_id TEXT,
    unit TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_by_actor ON audit_log (actor, seq);

-- Append-only: entries are never changed or removed.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
