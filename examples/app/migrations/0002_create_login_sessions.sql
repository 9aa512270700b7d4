-- Server-side logins, written by `SqliteSessionStore` (src/session_store.rs). The keys are
-- login-runtime's SHA-256 digests (of the login's random id, of the user id), never a cookie
-- value, so a copy of this table logs nobody in. `record` is login-runtime's own encoding,
-- stored byte for byte.
CREATE TABLE login_sessions (
    key        BLOB    NOT NULL PRIMARY KEY,
    user_key   BLOB    NOT NULL,
    record     BLOB    NOT NULL,
    -- Unix time in milliseconds after which the row is dead: never read again, and deleted by
    -- the sweep that runs on each save.
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- "Active sessions": every login of one user.
CREATE INDEX login_sessions_user_key ON login_sessions (user_key);
-- The sweep: the oldest deadlines first.
CREATE INDEX login_sessions_expires_at ON login_sessions (expires_at);
