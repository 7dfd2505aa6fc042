-- GET pages round-robin (bench/public_submit.py). BENCH_PATHS: paths separated by spaces; each
-- thread starts at a different place in the list.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local paths = {}
local i = 0

function init(args)
  bench_common_init()
  for p in string.gmatch(os.getenv("BENCH_PATHS"), "%S+") do
    table.insert(paths, p)
  end
  i = (tid or 1) * 7919
end

function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
