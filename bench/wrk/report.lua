-- Shared by the wrk scripts of bench/public_submit.py: per-thread counts of the answers that are
-- what the page should answer (BENCH_EXPECT status and, if set, a Location starting with
-- BENCH_LOCATION) and a one-line JSON summary (prefix WRKJSON) with p50/p95/p99.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function bench_common_init()
  good = 0
  bad = 0
  expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
  location = os.getenv("BENCH_LOCATION") or ""
  local cookie = os.getenv("BENCH_COOKIE") or ""
  if #cookie > 0 then
    wrk.headers["Cookie"] = cookie
  end
end

function response(status, headers, body)
  local ok = status == expect
  if ok and #location > 0 then
    local where = headers["Location"] or headers["location"] or ""
    ok = string.sub(where, 1, #location) == location
  end
  if ok then
    good = good + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local good_total, bad_total = 0, 0
  for _, t in ipairs(threads) do
    good_total = good_total + (t:get("good") or 0)
    bad_total = bad_total + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_s":%.3f,"rps":%.3f,"p50_ms":%.2f,"p95_ms":%.2f,' ..
    '"p99_ms":%.2f,"max_ms":%.2f,"good":%d,"bad":%d,"err_connect":%d,"err_read":%d,' ..
    '"err_write":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, good_total, bad_total, e.connect, e.read, e.write, e.timeout))
end
