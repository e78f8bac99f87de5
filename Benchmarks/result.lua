-- Shared by the wrk scripts: one machine-readable RESULT line per run.
function print_result(summary, latency)
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, (summary.errors.status or 0),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
