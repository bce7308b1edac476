#!/usr/bin/env bash
# Shared by smoke.sh and load.sh: start the HTTPService binary on a free loopback port,
# wait until it answers, stop it. Source it; it defines functions only.

# start_service BINARY LOG [ARGUMENTS...]: starts BINARY --hostname 127.0.0.1 --port 0
# ARGUMENTS in the background, its output in LOG; sets SERVICE_PID and SERVICE_URL once
# GET /health answers 200 (deadline: 60 s, the embedded broker and the listening socket
# come first). Returns 1, with the log's tail, when it does not.
start_service() {
    local binary="$1" log="$2"
    shift 2
    "$binary" --hostname 127.0.0.1 --port 0 "$@" >"$log" 2>&1 &
    SERVICE_PID=$!
    SERVICE_URL=""
    local deadline=$((SECONDS + 60)) port=""
    while [ "$SECONDS" -lt "$deadline" ]; do
        if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
            echo "HTTPService exited during startup:" >&2
            tail -20 "$log" >&2
            return 1
        fi
        if [ -z "$port" ]; then
            # The service logs "listening on http://127.0.0.1:PORT" once the socket is bound.
            port="$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$log" | head -1 | sed 's/.*://')" || true
        fi
        if [ -n "$port" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health")" = 200 ]; then
            SERVICE_URL="http://127.0.0.1:$port"
            return 0
        fi
        sleep 0.2
    done
    echo "HTTPService did not answer GET /health within 60 s:" >&2
    tail -20 "$log" >&2
    return 1
}

# stop_service [SECONDS]: sends SIGTERM and waits at most SECONDS (default 30) for the
# service to exit; returns its exit status, or 124 (after a SIGKILL) when it did not exit.
stop_service() {
    local limit="${1:-30}"
    [ -n "${SERVICE_PID:-}" ] || return 0
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    local deadline=$((SECONDS + limit))
    while kill -0 "$SERVICE_PID" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "HTTPService did not exit within ${limit} s of SIGTERM; killing it" >&2
            kill -KILL "$SERVICE_PID" 2>/dev/null || true
            wait "$SERVICE_PID" 2>/dev/null || true
            SERVICE_PID=""
            return 124
        fi
        sleep 0.1
    done
    local status=0
    wait "$SERVICE_PID" || status=$?
    SERVICE_PID=""
    return "$status"
}
