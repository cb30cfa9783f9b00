-- wrk script for `make throughput`: each thread stops after its share of a fixed number of
-- requests (WRK_REQUESTS_PER_THREAD), counts answers other than 200, and at the end prints
-- "RESULT requests seconds p50_ms p95_ms p99_ms errors non200", where seconds run from the
-- first thread's start to the last thread's last answer (wrk itself waits for -d to pass).
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } chapter_timespec;
int clock_gettime(int clock_id, chapter_timespec *tp);
]]
local spec = ffi.new("chapter_timespec")
local function now()
  ffi.C.clock_gettime(1, spec) -- CLOCK_MONOTONIC
  return tonumber(spec.tv_sec) + tonumber(spec.tv_nsec) / 1e9
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  limit = tonumber(os.getenv("WRK_REQUESTS_PER_THREAD") or "500")
  answered = 0
  bad = 0
  first = now()
  last = first
end

function response(status, headers, body)
  if answered >= limit then return end
  answered = answered + 1
  if status ~= 200 then bad = bad + 1 end
  last = now()
  if answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local started, finished, count, non200 = math.huge, 0, 0, 0
  for _, thread in ipairs(threads) do
    started = math.min(started, thread:get("first"))
    finished = math.max(finished, thread:get("last"))
    count = count + thread:get("answered")
    non200 = non200 + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format("RESULT %d %.4f %.2f %.2f %.2f %d %d\n",
    count, finished - started,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout, non200))
end
