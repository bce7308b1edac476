#!/usr/bin/env bash
# Shared by the scripts in this folder: makes sure the system librdkafka (and pkg-config) are there.
# AsyncKafka links the system librdkafka, found through pkg-config.
ensure_librdkafka() {
    if command -v pkg-config >/dev/null && pkg-config --exists rdkafka; then
        return
    fi
    if [[ "$(uname -s)" == Darwin ]]; then
        echo "librdkafka is missing; install it with:  brew install librdkafka pkg-config" >&2
        exit 1
    fi
    local install="apt-get update && apt-get install -y librdkafka-dev pkg-config"
    if ! command -v apt-get >/dev/null; then
        echo "librdkafka is missing; install librdkafka (>= 2.0, with headers) and pkg-config" >&2
        exit 1
    fi
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        if ! command -v sudo >/dev/null; then
            echo "librdkafka is missing; as root, run:  $install" >&2
            exit 1
        fi
        sudo=(sudo)
    fi
    echo "==> Installing librdkafka-dev and pkg-config"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y librdkafka-dev pkg-config
    if ! pkg-config --exists rdkafka; then
        echo "librdkafka-dev was installed but pkg-config still does not find rdkafka" >&2
        exit 1
    fi
}
