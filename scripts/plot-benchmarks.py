#!/usr/bin/env python3
"""Plots throughput against message size from the benchmark's size sweep.

Reads Benchmarks/results/sizes.csv (written by `scripts/bench.sh --only sizes`) and writes
Benchmarks/results/throughput-vs-size.png: two panels (msg/s and MB/s), log-scale x, one line
per side (Swift, C) and operation (produce, consume).

    pip install matplotlib
    python3 scripts/plot-benchmarks.py [sizes.csv] [output.png]
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CSV = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "Benchmarks", "results", "sizes.csv")
PNG = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "Benchmarks", "results", "throughput-vs-size.png")

STYLE = {
    ("consume", "swift"): dict(color="tab:orange", marker="o", linestyle="-", label="consume: Swift for-await"),
    ("consume", "c"): dict(color="tab:blue", marker="o", linestyle="-", label="consume: C consumer_poll"),
    ("produce", "swift"): dict(color="tab:orange", marker="s", linestyle="--", label="produce: Swift enqueue+flush"),
    ("produce", "c"): dict(color="tab:blue", marker="s", linestyle="--", label="produce: C rd_kafka_produce"),
}


def main():
    series = {}
    with open(CSV, newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["operation"], row["side"])
            series.setdefault(key, []).append(
                (int(row["size_bytes"]), float(row["msgs_per_s"]), float(row["mb_per_s"]))
            )
    if not series:
        sys.exit(f"{CSV} holds no rows")

    fig, (rate_ax, bytes_ax) = plt.subplots(1, 2, figsize=(12, 4.8))
    for key, points in sorted(series.items()):
        points.sort()
        sizes = [p[0] for p in points]
        style = STYLE.get(key, dict(label=" ".join(key)))
        rate_ax.plot(sizes, [p[1] for p in points], **style)
        bytes_ax.plot(sizes, [p[2] for p in points], **style)
    for ax, title, unit in ((rate_ax, "messages per second", "msg/s"), (bytes_ax, "payload throughput", "MB/s")):
        ax.set_xscale("log")
        ax.set_xlabel("message size (bytes)")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.set_xticks([10, 100, 1024, 10240], ["10 B", "100 B", "1 KiB", "10 KiB"])
    rate_ax.set_yscale("log")
    rate_ax.legend(fontsize=8)
    fig.suptitle("AsyncKafka vs plain C librdkafka, one embedded broker (librdkafka 2.0.2)")
    fig.tight_layout()
    os.makedirs(os.path.dirname(PNG), exist_ok=True)
    fig.savefig(PNG, dpi=120)
    print(f"wrote {PNG}")


if __name__ == "__main__":
    main()
