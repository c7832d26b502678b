-- Shared by the wrk scripts: thread numbering and a machine-readable summary.
-- Each wrk thread has its own Lua state; setup() runs in the main state once per thread.
local next_tid = 1
function setup(thread)
  thread:set("tid", next_tid)
  thread:set("nthreads", tonumber(os.getenv("BENCH_WRK_THREADS") or "2"))
  next_tid = next_tid + 1
end

-- One line "WRKJSON {...}" that arkyn_bench.py parses; latencies in microseconds.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end

-- wrk's main thread sleeps for the whole -d duration even when every thread has stopped, so a thread that
-- stops early (count reached, ids exhausted) leaves a marker file; arkyn_bench.py then ends wrk with SIGINT.
function finished(marker_prefix)
  local f = io.open(marker_prefix .. ".done." .. tid, "w")
  if f then f:close() end
  wrk.thread:stop()
end

function auth_headers(token)
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end
