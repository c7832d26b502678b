-- The traffic model. Every child row names its traffic source so ownership checks are one lookup,
-- and every foreign key has an index (SQLite needs one for cascades not to scan).
CREATE TABLE traffic_sources (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           TEXT NOT NULL,
    traffic_domain TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_traffic_sources_user_domain ON traffic_sources (user_id, traffic_domain);

CREATE TABLE domains (
    id                TEXT PRIMARY KEY,
    traffic_source_id TEXT NOT NULL REFERENCES traffic_sources (id) ON DELETE CASCADE,
    value             TEXT NOT NULL,
    protocol          TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_domains_source_value ON domains (traffic_source_id, value, protocol);

CREATE TABLE pathnames (
    id                TEXT PRIMARY KEY,
    traffic_source_id TEXT NOT NULL REFERENCES traffic_sources (id) ON DELETE CASCADE,
    domain_id         TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    value             TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_pathnames_domain_value ON pathnames (domain_id, value);
CREATE INDEX ix_pathnames_source ON pathnames (traffic_source_id);

-- Request and response records belong to the user who created them until attached to traffic.
CREATE TABLE requests (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    headers        TEXT NOT NULL,
    body           TEXT,
    body_truncated BOOLEAN NOT NULL,
    query_params   TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX ix_requests_user ON requests (user_id);

CREATE TABLE responses (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    headers        TEXT NOT NULL,
    body           TEXT,
    body_truncated BOOLEAN NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX ix_responses_user ON responses (user_id);

CREATE TABLE http_traffic (
    id                TEXT PRIMARY KEY,
    traffic_source_id TEXT NOT NULL REFERENCES traffic_sources (id) ON DELETE CASCADE,
    domain_id         TEXT NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
    pathname_id       TEXT NOT NULL REFERENCES pathnames (id) ON DELETE CASCADE,
    -- Checked at commit rather than per statement: a delete removes the requests and responses of the traffic
    -- it is about to remove first, while the traffic rows still say which ones they are.
    request_id        TEXT NOT NULL REFERENCES requests (id) DEFERRABLE INITIALLY DEFERRED,
    response_id       TEXT NOT NULL REFERENCES responses (id) DEFERRABLE INITIALLY DEFERRED,
    status            INTEGER NOT NULL,
    method            TEXT NOT NULL,
    level             TEXT NOT NULL,
    elapsed_time      DOUBLE PRECISION NOT NULL,
    traffic_user_id   TEXT,
    created_at        BIGINT NOT NULL
);
-- A request or response is attached to at most one traffic row: these make concurrent attaches race-safe.
CREATE UNIQUE INDEX ux_http_traffic_request ON http_traffic (request_id);
CREATE UNIQUE INDEX ux_http_traffic_response ON http_traffic (response_id);
-- Newest-first listing per source, with the id as tie-breaker for stable pages.
CREATE INDEX ix_http_traffic_source_created ON http_traffic (traffic_source_id, created_at DESC, id DESC);
CREATE INDEX ix_http_traffic_domain ON http_traffic (domain_id);
CREATE INDEX ix_http_traffic_pathname ON http_traffic (pathname_id);
