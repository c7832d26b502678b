-- Ingest keys let agents write to one traffic source without a person's login. Only a hash of the key is kept.
CREATE TABLE ingest_keys (
    id                TEXT PRIMARY KEY,
    traffic_source_id TEXT NOT NULL REFERENCES traffic_sources (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    prefix            TEXT NOT NULL,
    key_hash          TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    last_used_at      BIGINT
);
CREATE UNIQUE INDEX ux_ingest_keys_hash ON ingest_keys (key_hash);
CREATE INDEX ix_ingest_keys_source ON ingest_keys (traffic_source_id, created_at);

-- A request or response made with a key belongs to that key: only it can attach the record to traffic.
ALTER TABLE requests ADD COLUMN ingest_key_id TEXT;
ALTER TABLE responses ADD COLUMN ingest_key_id TEXT;
