-- (d) GET /healthz: the baseline of this machine with this client.
dofile(os.getenv("BENCH_LIB") .. "/common.lua")
