-- (a) POST /http-traffic/{src}: every call attaches a fresh, pre-created request/response pair.
-- args: token path pairs-file domainId pathnameId marker-prefix
-- Thread t uses the lines i of the pairs file with i % nthreads == t - 1. When a thread runs out of
-- pairs it stops and leaves a marker; when all have, arkyn_bench.py ends wrk (a shorter run) and warns.
dofile(os.getenv("BENCH_LIB") .. "/common.lua")

local methods = { "GET", "POST", "PUT", "DELETE" }
local statuses = { 200, 201, 204, 400, 404, 500 }

function init(args)
  auth_headers(args[1])
  path = args[2]
  domain, pathname, marker = args[4], args[5], args[6]
  reqs, resps = {}, {}
  local i = 0
  for line in io.lines(args[3]) do
    if i % nthreads == tid - 1 then
      local a, b = line:match("^(%S+)%s+(%S+)$")
      if a then reqs[#reqs + 1] = a; resps[#resps + 1] = b end
    end
    i = i + 1
  end
  k = 0
  fallback = wrk.format("GET", "/healthz", { ["Authorization"] = "" }, nil)
end

function request()
  k = k + 1
  if k > #reqs then
    if k == #reqs + 1 then finished(marker) end
    return fallback
  end
  local body = string.format(
    '{"status":%d,"method":"%s","elapsedTime":%d.%d,"trafficUserId":"user-%d","domainId":"%s","pathnameId":"%s","requestId":"%s","responseId":"%s"}',
    statuses[k % #statuses + 1], methods[k % #methods + 1], k % 500, k % 10, k % 1000, domain, pathname, reqs[k], resps[k])
  return wrk.format("POST", path, nil, body)
end
