-- Tandem's benchmark script for wrk (driven by bench/loadgen.py).
--
-- Each thread cycles through the requests in $TANDEM_BENCH_REQUESTS: one request a line, fields
-- separated by tabs and percent-encoded: method, path, body (empty: no body), then header name and
-- value pairs. At the end, done() writes wrk's totals, the status codes every thread saw and the
-- complete latency histogram (microseconds, count) to $TANDEM_BENCH_RESULT.

local requests_path = os.getenv("TANDEM_BENCH_REQUESTS")
local result_path = os.getenv("TANDEM_BENCH_RESULT")
local thread_count = tonumber(os.getenv("TANDEM_BENCH_THREADS") or "1")

local function decode(text)
  return (text:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

local function fields_of(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = decode(field)
  end
  return fields
end

-- Main state: the threads, so done() can collect what each one counted.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_no", #threads)
end

-- Thread state: the requests, already formatted, and the status codes seen (read by done()).
local prepared = {}
local position = 0
statuses = {}

function init(args)
  for line in io.lines(requests_path) do
    if line ~= "" then
      local f = fields_of(line)
      local headers = {}
      for i = 4, #f - 1, 2 do
        headers[f[i]] = f[i + 1]
      end
      local body = nil
      if f[3] ~= "" then body = f[3] end
      prepared[#prepared + 1] = wrk.format(f[1], f[2], headers, body)
    end
  end
  assert(#prepared > 0, "no requests in " .. tostring(requests_path))
  -- Threads start at different places in the list, so they do not ask for the same record in step.
  position = ((thread_no or 1) - 1) * math.floor(#prepared / thread_count) % #prepared
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local out = assert(io.open(result_path, "w"))
  out:write(string.format("requests %d\n", summary.requests))
  out:write(string.format("duration_us %d\n", summary.duration))
  out:write(string.format("bytes %d\n", summary.bytes))
  for _, name in ipairs({ "connect", "read", "write", "status", "timeout" }) do
    out:write(string.format("error %s %d\n", name, summary.errors[name]))
  end
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    out:write(string.format("status %d %d\n", status, count))
  end
  for i = 1, #latency do
    local value, count = latency(i)
    out:write(string.format("latency %d %d\n", value, count))
  end
  out:close()
end
