-- The customers' complaint form, POSTed as a browser sends it (bench/public_submit.py).
-- BENCH_PATH: the form's address; BENCH_BODY: the urlencoded form (with the CSRF token of
-- BENCH_COOKIE) in which every "SEQNO" becomes a number unique to this request and "FORMKEY" the
-- form's one-time submission key, made here per request: BENCH_RUN (unique to the run) and the
-- number, so that no send is taken for a repeat of another.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")

local path, body_template, run
local n = 0

function init(args)
  bench_common_init()
  path = os.getenv("BENCH_PATH")
  body_template = os.getenv("BENCH_BODY")
  run = os.getenv("BENCH_RUN")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  n = n + 1
  local seq = string.format("%d%06d", tid or 1, n)
  local body = string.gsub(body_template, "SEQNO", seq)
  body = string.gsub(body, "FORMKEY", run .. "-" .. seq)
  return wrk.format("POST", path, nil, body)
end
