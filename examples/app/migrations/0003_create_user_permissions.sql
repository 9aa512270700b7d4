-- Permissions granted to users, read on each request that asks by the app's permission loader
-- (src/permissions.rs). `permission` is the name of a `Perm` variant (`admin`); a name the
-- app does not know grants nothing. Rows are written only by the command line
-- (`login-example-app grant-admin NAME`, `revoke-admin NAME`): no web request writes here.
CREATE TABLE user_permissions (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permission TEXT    NOT NULL,
    granted_at INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (user_id, permission)
) WITHOUT ROWID;
