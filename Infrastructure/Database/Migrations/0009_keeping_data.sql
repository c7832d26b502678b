-- Read-only sharing: people the owner of a traffic source lets read it. Removing the source or the user removes the membership.
CREATE TABLE traffic_source_members (
    traffic_source_id TEXT NOT NULL REFERENCES traffic_sources (id) ON DELETE CASCADE,
    user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role              TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    PRIMARY KEY (traffic_source_id, user_id)
);
CREATE INDEX ix_traffic_source_members_user ON traffic_source_members (user_id);

-- Days of traffic a source keeps; null means the server default (Retention:Days).
ALTER TABLE traffic_sources ADD COLUMN retention_days INTEGER;

-- Raised by a password change: a token carries the value it was issued with, and one with an older value stops working.
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;

-- SQLite only, and not expressible here (it must run outside a transaction): the migrator turns on incremental
-- auto-vacuum (with a one-time VACUUM on an existing file) so the retention sweep can give freed pages back.
