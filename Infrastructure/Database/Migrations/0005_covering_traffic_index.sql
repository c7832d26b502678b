-- Stats read every row of a window. With the columns they need in the newest-first index they never visit the
-- table (on SQLite that was one random read per row: 4 s for 1,000,000 rows instead of 0.2 s).
DROP INDEX ix_http_traffic_source_created;
CREATE INDEX ix_http_traffic_source_created ON http_traffic (traffic_source_id, created_at DESC, id DESC, pathname_id, method, status, elapsed_time);
