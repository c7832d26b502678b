-- Alerts: webhooks of a traffic source, what their rules last saw, and a stored outbox of events to deliver.
-- Deleting a source deletes its webhooks; deleting a webhook drops its state, events and pending deliveries.
CREATE TABLE webhooks (
    id                   TEXT PRIMARY KEY,
    traffic_source_id    TEXT NOT NULL REFERENCES traffic_sources (id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    url                  TEXT NOT NULL,
    format               TEXT NOT NULL,
    -- The rule as normalised JSON ({"kind":"level","levels":["FATAL"],...}).
    rule                 TEXT NOT NULL,
    -- Needed in clear to sign every delivery (HMAC); never returned after creation.
    secret               TEXT NOT NULL,
    enabled              BOOLEAN NOT NULL,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    disabled_reason      TEXT,
    last_delivery_at     BIGINT,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX ix_webhooks_source ON webhooks (traffic_source_id, created_at DESC, id DESC);

-- What a webhook's rule has seen: the traffic position (created_at, id) a level rule has read up to, when it last
-- sent an event (coalescing), whether a rate rule is firing, and when it is next due. version makes each
-- evaluation's write conditional, so two servers never both act on one evaluation.
CREATE TABLE webhook_states (
    webhook_id        TEXT PRIMARY KEY REFERENCES webhooks (id) ON DELETE CASCADE,
    cursor_created_at BIGINT NOT NULL,
    cursor_id         TEXT NOT NULL,
    last_event_at     BIGINT,
    firing            BOOLEAN NOT NULL DEFAULT FALSE,
    next_check_at     BIGINT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ix_webhook_states_next_check ON webhook_states (next_check_at);

-- The outbox: an event's body is stored before anything is sent, so a restart or a crash loses none.
CREATE TABLE webhook_events (
    id                TEXT PRIMARY KEY,
    webhook_id        TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    type              TEXT NOT NULL,
    payload           TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE INDEX ix_webhook_events_webhook ON webhook_events (webhook_id);

-- One delivery per event. A sender claims a due delivery by setting lease_until (conditional on it having
-- expired), so two servers never send it at once and a crashed sender's claim runs out.
CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY,
    event_id         TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
    webhook_id       TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    type             TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    lease_until      BIGINT,
    lease_owner      TEXT,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT
);
CREATE UNIQUE INDEX ux_webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC, id DESC);
