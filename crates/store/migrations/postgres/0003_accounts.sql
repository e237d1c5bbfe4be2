-- People who sign in, their sessions, API tokens for machines and nodes,
-- and the audit log. None of this is a record: it is not synced.

CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY,
    username TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- Argon2id in PHC string form; never a plain password.
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit TEXT COLLATE "C" NOT NULL,
    restricted BIGINT NOT NULL CHECK (restricted IN (0, 1)),
    disabled BIGINT NOT NULL CHECK (disabled IN (0, 1)),
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until_ms BIGINT NOT NULL DEFAULT 0,
    created_ms BIGINT NOT NULL
);

-- Sessions and tokens are kept by the SHA-256 of their secret, so a copy
-- of the database does not let anybody sign in.
CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id TEXT COLLATE "C" PRIMARY KEY,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- The user it acts as, or none for a node's token.
    user_id TEXT COLLATE "C" REFERENCES users (id),
    role TEXT NOT NULL,
    unit TEXT COLLATE "C" NOT NULL,
    restricted BIGINT NOT NULL CHECK (restricted IN (0, 1)),
    created_by TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);

CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at_ms BIGINT NOT NULL,
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
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
