dofile("Benchmarks/result.lua")
-- wrk script: POST /api/v1/reports. 90 % distinct web URLs, 10 % reports of
-- 7 "viral" TikTok accounts. Bodies are built once per wrk thread (each
-- thread has its own URL prefix, so threads never repeat each other) so that
-- the load generator spends its CPU sending, not concatenating strings.
local threads = {}
local next_id = 0

setup = function(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
  table.insert(threads, thread)
end

local bodies = {}
local count = 200000
local index = 0
local categories = {"pornografi", "perjudian", "hoaks", "penipuan"}

init = function(args)
  local t = thread_id or 0
  for i = 1, count do
    local url
    if i % 10 == 0 then
      url = "https://www.tiktok.com/@viral" .. (i % 7)
    else
      url = "https://bench-t" .. t .. "-" .. i .. ".example/p/" .. (i * 7919 % 100003)
    end
    bodies[i] = '{"url":"' .. url .. '","category":"' .. categories[(i % 4) + 1] .. '","description":"benchmark report"}'
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

request = function()
  index = index % count + 1
  return wrk.format(nil, "/api/v1/reports", nil, bodies[index])
end

done = function(summary, latency, requests) print_result(summary, latency) end
