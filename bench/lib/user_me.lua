-- (me) GET /user/me with the user's token: a read of one row that every user-token request pays for.
-- args: token
dofile(os.getenv("BENCH_LIB") .. "/common.lua")

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
