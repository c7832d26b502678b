-- Creates rows through a POST route and writes the id of every 201 answer to <out>.<tid>, one per line.
-- args: token path body-file out-prefix per-thread-limit
dofile(os.getenv("BENCH_LIB") .. "/common.lua")

function init(args)
  auth_headers(args[1])
  local f = assert(io.open(args[3], "r")); local body = f:read("*a"); f:close()
  req = wrk.format("POST", args[2], nil, body)
  out = assert(io.open(args[4] .. "." .. tid, "w"))
  limit = tonumber(args[5])
  marker = args[4]
  n = 0
end

function request() return req end

function response(status, headers, body)
  if status == 201 and n < limit then
    local id = body:match('"id":"([0-9a-fA-F%-]+)"')
    if id then
      out:write(id, "\n"); n = n + 1
      if n % 1000 == 0 then out:flush() end
      if n >= limit then out:flush(); finished(marker) end
    end
  end
end
