dofile("Benchmarks/result.lua")
done = function(summary, latency, requests) print_result(summary, latency) end
