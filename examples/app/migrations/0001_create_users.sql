-- Users of the example app. Usernames are unique without regard to case, so `Alice` cannot
-- register when `alice` exists.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    -- An Argon2id PHC string (`$argon2id$v=19$...`); never the password itself.
    password_hash  TEXT    NOT NULL,
    -- SHA-256 (hex) of the user's API token, if they created one; the token itself is shown once.
    api_token_hash TEXT    UNIQUE,
    created_at     INTEGER NOT NULL DEFAULT (unixepoch())
);
