-- Pathname templates (/users/42 → /users/{id}) for filters and stats; existing rows are filled by the
-- migrator's code step for this version. Indexes for the filtered, newest-first reads of traffic.
ALTER TABLE pathnames ADD COLUMN template TEXT NOT NULL DEFAULT '';
CREATE INDEX ix_pathnames_source_template ON pathnames (traffic_source_id, template);

CREATE INDEX ix_http_traffic_source_status ON http_traffic (traffic_source_id, status, created_at DESC, id DESC);
CREATE INDEX ix_http_traffic_source_level ON http_traffic (traffic_source_id, level, created_at DESC, id DESC);
CREATE INDEX ix_http_traffic_source_pathname ON http_traffic (traffic_source_id, pathname_id, created_at DESC, id DESC);
CREATE INDEX ix_http_traffic_source_user ON http_traffic (traffic_source_id, traffic_user_id, created_at DESC, id DESC);
