-- (b) POST /http-traffic-record/{src} with a ~1 KiB record; a distinct client id per call.
-- args: token path template-file run-hex
-- The template file holds the record JSON with the text @ID@ where the id goes.
dofile(os.getenv("BENCH_LIB") .. "/common.lua")

function init(args)
  auth_headers(args[1])
  path = args[2]
  local f = assert(io.open(args[3], "r")); local tpl = f:read("*a"); f:close()
  local at = assert(tpl:find("@ID@", 1, true))
  prefix, suffix = tpl:sub(1, at - 1), tpl:sub(at + 4)
  run = args[4]
  k = 0
end

function request()
  k = k + 1
  -- A valid UUID: 8 hex of the run, 4 of the thread, then the counter.
  local id = string.format("%s-%04x-4000-8000-%012x", run, tid, k)
  return wrk.format("POST", path, nil, prefix .. id .. suffix)
end
