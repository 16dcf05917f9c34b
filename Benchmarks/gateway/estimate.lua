-- wrk script for estimate.sh: POSTs one JSON body to /v1/tokenizers/estimate-token-count.
--   BODY_FILE   the request body (JSON), read once per thread
--   API_KEY     sent as "Authorization: Bearer ..." when set (folio needs it; the peer ignores it)
-- done() prints one line "WRK_JSON {...}" with the counts estimate.sh reads.
local function read_file(path)
  local file = assert(io.open(path, "rb"), "cannot open BODY_FILE " .. tostring(path))
  local data = file:read("*a")
  file:close()
  return data
end

wrk.method = "POST"
wrk.path = "/v1/tokenizers/estimate-token-count"
wrk.body = read_file(os.getenv("BODY_FILE"))
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("API_KEY")
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non_2xx": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
