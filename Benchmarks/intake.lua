-- wrk script: POST /api/v1/reports with varied subjects (mostly distinct,
-- some repeated, as a viral account draws many reports).
local counter = 0
local categories = {"pornografi", "perjudian", "hoaks", "penipuan"}
request = function()
  counter = counter + 1
  local url
  if counter % 10 == 0 then
    url = "https://www.tiktok.com/@viral" .. (counter % 7)
  else
    url = "https://bench" .. math.random(1, 100000) .. ".example/p/" .. counter
  end
  local body = '{"url":"' .. url .. '","category":"' .. categories[(counter % 4) + 1] .. '","description":"benchmark report"}'
  return wrk.format("POST", "/api/v1/reports", {["Content-Type"] = "application/json"}, body)
end

done = function(summary, latency, requests)
  local non2xx = (summary.errors.status or 0)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, non2xx,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
