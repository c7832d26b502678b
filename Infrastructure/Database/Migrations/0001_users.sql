-- Types are chosen so that the same text builds the same schema on SQLite and PostgreSQL:
-- ids are UUID strings, timestamps Unix milliseconds (UTC).
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    utc           DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_users_email_key ON users (email_key);

CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
