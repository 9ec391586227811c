#!/usr/bin/env python3
"""The engine benchmarks: workloads W1-W3 (bench/w1..w3.flow.json) over the generated ads table.

For each workload it measures whole processes, each the median of --runs runs (default 5),
the four commands taking turns:

  floor   the same SQL run one query after another by `flowloom-bench floor` (DataFusion
          called directly, values written into the SQL, nothing recorded)
  cold    `flowloom run <stored flow> --no-cache`: every node computed, the run recorded in
          history with every result kept as Parquet
  cached  `flowloom run <stored flow>` after a run: every node's result reused
  file    `flowloom run bench/wN.flow.json`: the file as it is, nothing recorded or reused

and prints a Markdown table: wall times, cold / floor, the orchestration overhead per query
((cold - floor) / queries), cached / cold (whole processes, and the runs alone as
`run_finished` times them, without opening the workspace), and each process's peak memory
(max RSS).

Usage: python3 bench/run.py [--runs N] [--no-build]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/flowloom/target"))
FLOWLOOM = TARGET / "release/flowloom"
BENCH = TARGET / "release/flowloom-bench"

# Workload → (stored flow id, queries it runs: nodes, and one per value of a for-each node).
WORKLOADS = {
    "W1": ("comp_bench_w1", 200),
    "W2": ("comp_bench_w2", 50),
    "W3": ("comp_bench_w3", 52),
}


def measure(command: list[str]) -> tuple[float, int, str]:
    """Runs `command` to the end: its wall time (s), peak resident memory (KiB) and stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = process.stdout.read()
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {process.returncode}:\n{err.decode()}")
    return wall, usage.ru_maxrss, out.decode()


class Series:
    """The runs of one command: wall times (s), peak resident memory (KiB) and, for
    `flowloom run --json`, the time of the run itself (s) from its `run_finished` event."""

    def __init__(self, command: list[str], check=None):
        self.command, self.check = command, check
        self.walls, self.peaks, self.inside = [], [], []

    def run(self) -> None:
        wall, peak, out = measure(self.command)
        if self.check is not None:
            self.check(out)
        self.walls.append(wall)
        self.peaks.append(peak)
        events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        if events and events[-1].get("event") == "run_finished":
            self.inside.append(events[-1]["duration_ms"] / 1000)

    def wall(self) -> float:
        return statistics.median(self.walls)

    def peak(self) -> int:
        return max(self.peaks)

    def run_alone(self) -> float:
        return statistics.median(self.inside)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(
            ["cargo", "build", "--release", "--locked", "-p", "flowloom-cli", "-p", "flowloom-bench"],
            cwd=REPO,
            check=True,
            # Build where the binaries are run from, as `make` does.
            env={**os.environ, "CARGO_TARGET_DIR": str(TARGET)},
        )

    with tempfile.TemporaryDirectory(prefix="flowloom-bench-") as tmp:
        workspace = Path(tmp) / "workspace"
        ws = ["--workspace", str(workspace)]
        measure([str(FLOWLOOM), "flows", "list", *ws])  # creates and seeds it
        data = workspace / "data"
        # Only the ads table: the sample tables would cost flowloom a scan the floor never does.
        shutil.rmtree(data)
        data.mkdir()
        measure([str(BENCH), "ads", str(data / "ads.parquet")])
        for name in WORKLOADS:
            flow_file = REPO / "bench" / f"{name.lower()}.flow.json"
            measure([str(FLOWLOOM), "import", str(flow_file), "--on-conflict", "replace", *ws])

        print(f"median of {args.runs} runs; peak = the largest max RSS of those runs\n")
        print(
            "| workload | floor | cold | cold / floor | overhead per query | cached | cached / cold "
            "| cached run alone / cold run alone | file | peak floor / cold / cached |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name, (flow_id, queries) in WORKLOADS.items():
            flow_file = str(REPO / "bench" / f"{name.lower()}.flow.json")
            with open(flow_file, encoding="utf-8") as file:
                nodes = len(json.load(file)["nodes"])
            run = [str(FLOWLOOM), "run", flow_id, "--json", *ws]

            def all_reused(out: str, nodes=nodes) -> None:
                finished = [json.loads(line) for line in out.splitlines()]
                reused = sum(1 for e in finished if e.get("from_cache"))
                if reused != nodes:
                    sys.exit(f"{name}: a cached run reused {reused} of {nodes} nodes")

            floor_s = Series([str(BENCH), "floor", name, str(data)])
            cold_s = Series([*run, "--no-cache"])
            cached_s = Series(run, all_reused)  # after a cold run: every node reusable
            file_s = Series([str(FLOWLOOM), "run", flow_file, *ws])
            # What the build and the set-up wrote goes to disk now, not by the kernel's
            # writeback in the middle of the first workload's runs.
            os.sync()
            # The four take turns, one run each a round: this machine's speed drifts by tens
            # of percent within minutes, and a drift must not fall on one of them alone.
            for _ in range(args.runs):
                for series in (floor_s, cold_s, cached_s, file_s):
                    series.run()
            floor, cold, cached, file_run = (s.wall() for s in (floor_s, cold_s, cached_s, file_s))
            floor_peak, cold_peak, cached_peak = floor_s.peak(), cold_s.peak(), cached_s.peak()
            cold_inside, cached_inside = cold_s.run_alone(), cached_s.run_alone()
            overhead_ms = (cold - floor) / queries * 1000
            print(
                f"| {name} | {floor * 1000:.0f} ms | {cold * 1000:.0f} ms | {cold / floor:.2f}x "
                f"| {overhead_ms:.2f} ms | {cached * 1000:.0f} ms | {cached / cold * 100:.1f} % "
                f"| {cached_inside * 1000:.1f} / {cold_inside * 1000:.0f} ms "
                f"({cached_inside / cold_inside * 100:.1f} %) "
                f"| {file_run * 1000:.0f} ms "
                f"| {floor_peak // 1024} / {cold_peak // 1024} / {cached_peak // 1024} MiB |"
            )


if __name__ == "__main__":
    main()
