dofile("Benchmarks/result.lua")
-- wrk script: POST /api/v1/platforms/tiktok/posts with a platform token
-- (TOKEN in the environment), BATCH posts a request (default 100). Every
-- post id is new (a thread's own prefix and a counter); about one post in
-- fifty carries obfuscated gambling words the benchmark's watchlist finds,
-- so findings are filed as reports while the rest is only kept.
local next_id = 0
setup = function(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

local batch = tonumber(os.getenv("BATCH") or "100")
local token = os.getenv("TOKEN")
local counter = 0
local texts = {
  "Pagi ini macet parah di tol dalam kota, hati-hati yang mau berangkat kerja",
  "Resep rendang daging sapi empuk ala rumah makan padang, bumbu lengkap",
  "Jadwal slot waktu rapat RT minggu depan sudah dibagikan di grup",
  "Nonton bola bareng di kafe dekat kampus, siapa mau ikut malam ini?",
  "Harga cabai naik lagi di pasar induk, ibu-ibu mulai mengeluh",
}
local finding = "Gas main $lot g4cor hari ini, dep0sit pul5a 10rb langsung maxwin!"

init = function(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

request = function()
  local t = thread_id or 0
  local posts = {}
  for i = 1, batch do
    counter = counter + 1
    local text = (counter % 50 == 0) and finding or texts[(counter % #texts) + 1]
    posts[i] = string.format('{"id":"73%d%012d","author":"akun%d","text":"%s","urls":[],"views":%d}', t, counter, counter % 997, text, counter % 5000)
  end
  return wrk.format(nil, "/api/v1/platforms/tiktok/posts", nil, '{"posts":[' .. table.concat(posts, ",") .. ']}')
end

done = function(summary, latency, requests) print_result(summary, latency) end
