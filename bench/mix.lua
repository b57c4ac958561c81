-- wrk script: a fixed, interleaved mix of the public API's calls, and a JSON summary at the end.
--
-- wrk -s bench/mix.lua URL -- WEIGHTS IDS_FILE TOKEN FROM TO LIMIT
--   WEIGHTS   e.g. "send=5,details=3,receive=1,history=1" (a cycle of 10 calls, interleaved)
--   IDS_FILE  message ids for `details`, one a line (seeded before the run)
-- Each thread walks the same cycle, so the mix is exact, not sampled.

local schedule = {}
local ids = {}
local counter = 0
local headers_get, headers_post, send_body, receive_path, history_path

local function weights_of(spec)
  local found = {}
  for name, weight in string.gmatch(spec, "(%a+)=(%d+)") do
    found[#found + 1] = { name = name, weight = tonumber(weight) }
  end
  return found
end

-- Smooth weighted round robin: send=5,details=3,... -> s d s r s d s h s d (no bursts of one kind).
local function build_schedule(spec)
  local kinds = weights_of(spec)
  local total, current, cycle = 0, {}, {}
  for i, kind in ipairs(kinds) do
    total = total + kind.weight
    current[i] = 0
  end
  for _ = 1, total do
    local best = nil
    for i, kind in ipairs(kinds) do
      current[i] = current[i] + kind.weight
      if best == nil or current[i] > current[best] then
        best = i
      end
    end
    current[best] = current[best] - total
    cycle[#cycle + 1] = kinds[best].name
  end
  return cycle
end

local function escape_query(value)
  return (string.gsub(value, "[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function init(args)
  local spec, ids_file, token, from, to, limit = args[1], args[2], args[3], args[4], args[5], args[6]
  schedule = build_schedule(spec)
  for line in io.lines(ids_file) do
    if #line > 0 then
      ids[#ids + 1] = line
    end
  end
  local auth = "Bearer " .. token
  headers_get = { ["Authorization"] = auth, ["Accept"] = "application/json" }
  headers_post = {
    ["Authorization"] = auth,
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/json",
  }
  send_body = string.format(
    '{"from": "%s", "to": "%s", "text": "Your verification code is 482913. It expires in 10 minutes."}',
    from,
    to
  )
  receive_path = "/api/v2/sms/receive?to=" .. escape_query(to) .. "&limit=" .. limit
  history_path = "/api/v2/sms/history?limit=" .. limit
end

function request()
  counter = counter + 1
  local kind = schedule[(counter - 1) % #schedule + 1]
  if kind == "send" then
    return wrk.format("POST", "/api/v2/sms/send", headers_post, send_body)
  elseif kind == "details" then
    return wrk.format("GET", "/api/v2/sms/" .. ids[(counter - 1) % #ids + 1], headers_get)
  elseif kind == "receive" then
    return wrk.format("GET", receive_path, headers_get)
  else
    return wrk.format("GET", history_path, headers_get)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"duration_us": %d, "requests": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d, "p999": %d}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)
  ))
end
