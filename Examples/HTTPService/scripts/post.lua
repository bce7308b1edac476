-- wrk script for load.sh: every request is a POST of a 100-byte body to the URL's path.
wrk.method = "POST"
wrk.body = string.rep("x", 100)
wrk.headers["Content-Type"] = "application/octet-stream"

-- One machine-readable line for load.sh: requests, duration, errors, latency percentiles.
done = function(summary, latency, requests)
    local errors = summary.errors
    io.write(string.format(
        "RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
        summary.requests, summary.duration, errors.status,
        errors.connect + errors.read + errors.write + errors.timeout,
        latency:percentile(50), latency:percentile(99)))
end
