-- wrk script: GET a random case page (or API case) of the benchmark
-- database, at a bounded rate. Set from run.sh through the environment:
--   NRM_BENCH_PATH   "/cases/" or "/api/v1/cases/"
--   NRM_BENCH_MAXID  the largest case id
--   NRM_BENCH_AUTH   a Cookie or Authorization header line "Name: value"
--   NRM_BENCH_DELAY  ms each connection waits before its next request
local path = os.getenv("NRM_BENCH_PATH") or "/cases/"
local maxid = tonumber(os.getenv("NRM_BENCH_MAXID") or "1000")
local delayms = tonumber(os.getenv("NRM_BENCH_DELAY") or "0")
local auth = os.getenv("NRM_BENCH_AUTH") or ""
local name, value = auth:match("^([^:]+):%s*(.*)$")

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
  if name then wrk.headers[name] = value end
end

function request()
  return wrk.format("GET", path .. math.random(1, maxid))
end

function delay()
  return delayms
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests %d in %.1f s = %.0f req/s; non-2xx/errors %d; latency p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.2f ms\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), errors,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
