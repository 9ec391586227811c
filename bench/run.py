#!/usr/bin/env python3
"""The engine benchmarks: workloads W1-W4 (bench/w1..w4.flow.json) over the generated ads table,
as Parquet, and W2-W4 again over the same table as CSV.

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
(max RSS). Then the targets of issue #25, as ratios measured in the same sitting: a cold run
on CSV / the same run on Parquet (W2-W4; the CSV workspace's cold run is measured like the
others, its CSV read once and then reused as the README says), W3 with the default
--max-parallel / with --max-parallel 1, W4 cold / its floor, cached / cold runs alone.

Then W2 and W3 on PostgreSQL (issue #26; bench/postgres.py): a throwaway cluster (the newest
/usr/lib/postgresql/*/bin, stopped at the end) holding the same ads table with exact types,
and a workspace whose templates run on it (the source added with `flowloom sources add
--password-env`, the flow files imported with every template's `source_id` set to it). Each
workload is run once with every statement the server receives logged, to check that
Flowloom executes the floor's queries (the same SQL, the same bound values) and that its
last node holds the floor's last result; then, taking turns:

  floor   `flowloom-bench pg-floor`: the same queries sent one after another by a bare sqlx
          client on one connection (lists bound as one array, `= ANY($n)`), rows collected
  cold    `flowloom run <stored flow> --no-cache` (and W3 with --max-parallel 1: its
          for-each values one after another, as the floor sends them)

and prints wall times and the orchestration overhead per query ((cold - floor) / queries),
of whole processes and of the runs alone (the floor's from before it connects to its last
row), against issue #26's target of at most 0.5 ms a query.

Usage: python3 bench/run.py [--runs N] [--no-build] [--only W2 W3 …] [--no-postgres | --postgres-only]
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

import postgres

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/flowloom/target"))
FLOWLOOM = TARGET / "release/flowloom"
BENCH = TARGET / "release/flowloom-bench"

# Workload → (stored flow id, queries it runs: nodes, and one per value of a for-each node).
WORKLOADS = {
    "W1": ("comp_bench_w1", 200),
    "W2": ("comp_bench_w2", 50),
    "W3": ("comp_bench_w3", 52),
    "W4": ("comp_bench_w4", 500),
}
# The workloads run again over the ads table as CSV.
CSV_WORKLOADS = ("W2", "W3", "W4")
# The workloads run again on PostgreSQL.
PG_WORKLOADS = ("W2", "W3")
# Issue #26's target: Flowloom's overhead per query over a bare client's, on PostgreSQL.
PG_OVERHEAD_MS = 0.5


def measure(command: list[str], env=None) -> tuple[float, int, str]:
    """Runs `command` to the end: its wall time (s), peak resident memory (KiB) and stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
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
    `flowloom run --json`, the time of the run itself (s) from its `run_finished` event
    (`flowloom-bench pg-floor`'s: its `floor_finished`)."""

    def __init__(self, command: list[str], check=None, env=None):
        self.command, self.check, self.env = command, check, env
        self.walls, self.peaks, self.inside = [], [], []

    def run(self) -> None:
        wall, peak, out = measure(self.command, self.env)
        if self.check is not None:
            self.check(out)
        self.walls.append(wall)
        self.peaks.append(peak)
        events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        if events and events[-1].get("event") in ("run_finished", "floor_finished"):
            self.inside.append(events[-1]["duration_ms"] / 1000)

    def wall(self) -> float:
        return statistics.median(self.walls)

    def peak(self) -> int:
        return max(self.peaks)

    def run_alone(self) -> float:
        return statistics.median(self.inside)


def workspace_with(root: Path, ads_file: str, names) -> list[str]:
    """A new workspace at `root` whose data folder holds only the ads table (as `ads_file`),
    with the workloads `names` imported; its `--workspace` arguments."""
    ws = ["--workspace", str(root)]
    measure([str(FLOWLOOM), "flows", "list", *ws])  # creates and seeds it
    data = root / "data"
    # Only the ads table: the sample tables would cost flowloom a scan the floor never does.
    shutil.rmtree(data)
    data.mkdir()
    measure([str(BENCH), "ads", str(data / ads_file)])
    for name in names:
        flow_file = REPO / "bench" / f"{name.lower()}.flow.json"
        measure([str(FLOWLOOM), "import", str(flow_file), "--on-conflict", "replace", *ws])
    return ws


def nodes_of(name: str) -> int:
    with open(REPO / "bench" / f"{name.lower()}.flow.json", encoding="utf-8") as file:
        return len(json.load(file)["nodes"])


def all_reused(name: str):
    nodes = nodes_of(name)

    def check(out: str) -> None:
        finished = [json.loads(line) for line in out.splitlines()]
        reused = sum(1 for e in finished if e.get("from_cache"))
        if reused != nodes:
            sys.exit(f"{name}: a cached run reused {reused} of {nodes} nodes")

    return check


def take_turns(series: list[Series], runs: int) -> None:
    # What the build and the set-up wrote goes to disk now, not by the kernel's writeback in
    # the middle of the first workload's runs.
    os.sync()
    # The commands take turns, one run each a round: this machine's speed drifts by tens of
    # percent within minutes, and a drift must not fall on one of them alone.
    for _ in range(runs):
        for one in series:
            one.run()


def local_part(chosen: list[str], runs: int, tmp: Path, targets: list) -> None:
    """W1-W4 over the ads table as Parquet (and W2-W4 as CSV): the table, the targets."""
    parquet_root = tmp / "parquet"
    ws = workspace_with(parquet_root, "ads.parquet", chosen)
    csv_root = tmp / "csv"
    csv_ws = workspace_with(csv_root, "ads.csv", [w for w in chosen if w in CSV_WORKLOADS])

    print(f"median of {runs} runs; peak = the largest max RSS of those runs\n")
    print(
        "| workload | floor | cold | cold / floor | overhead per query | cached | cached / cold "
        "| cached run alone / cold run alone | file | peak floor / cold / cached |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in chosen:
        flow_id, queries = WORKLOADS[name]
        flow_file = str(REPO / "bench" / f"{name.lower()}.flow.json")
        run = [str(FLOWLOOM), "run", flow_id, "--json"]

        floor_s = Series([str(BENCH), "floor", name, str(parquet_root / "data")])
        cold_s = Series([*run, "--no-cache", *ws])
        cached_s = Series([*run, *ws], all_reused(name))  # after a cold run: every node reusable
        file_s = Series([str(FLOWLOOM), "run", flow_file, *ws])
        series = [floor_s, cold_s, cached_s, file_s]
        if name in CSV_WORKLOADS:
            csv_cold_s = Series([*run, "--no-cache", *csv_ws])
            series.append(csv_cold_s)
        if name == "W3":
            serial_s = Series([*run, "--no-cache", "--max-parallel", "1", *ws])
            series.append(serial_s)
        take_turns(series, runs)
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
        if name in CSV_WORKLOADS:
            csv_cold = csv_cold_s.wall()
            targets.append(
                (f"{name} cold on CSV / on Parquet", f"{csv_cold * 1000:.0f} / {cold * 1000:.0f} ms",
                 csv_cold / cold, 1.1, "")
            )
        if name == "W3":
            serial = serial_s.wall()
            targets.append(
                ("W3 default --max-parallel / --max-parallel 1",
                 f"{cold * 1000:.0f} / {serial * 1000:.0f} ms", cold / serial, 0.65, "")
            )
        if name == "W4":
            targets.append(("W4 cold / floor", f"{cold * 1000:.0f} / {floor * 1000:.0f} ms", cold / floor, 1.0, ""))
        if name != "W1":
            targets.append(
                (f"{name} cached / cold, runs alone",
                 f"{cached_inside * 1000:.1f} / {cold_inside * 1000:.0f} ms",
                 cached_inside / cold_inside, 0.02, "")
            )
        else:
            targets.append(
                ("W1 cached / cold, runs alone",
                 f"{cached_inside * 1000:.1f} / {cold_inside * 1000:.0f} ms",
                 cached_inside / cold_inside, 0.5, "")
            )


def postgres_part(chosen: list[str], runs: int, tmp: Path, targets: list) -> None:
    """W2 and W3 on PostgreSQL against a bare sqlx client: the checks, the table, the
    targets."""
    with postgres.Cluster() as cluster:
        ads = tmp / "pg-ads.csv"
        measure([str(BENCH), "ads", str(ads)])
        cluster.load_ads(ads)
        (tmp / "pg").mkdir()
        ws = postgres.workspace_on(cluster, tmp / "pg" / "ws", FLOWLOOM, chosen, measure)
        env = cluster.floor_env()

        # Once with every statement logged: the same queries, the same last result.
        cluster.log_statements(True)
        seen = {}
        for name in chosen:
            flow_id, queries = WORKLOADS[name]
            flow_file = REPO / "bench" / f"{name.lower()}.flow.json"
            last_node = json.loads(flow_file.read_text())["nodes"][-1]["node_id"]
            start = len(cluster.log())
            _, _, floor_out = measure([str(BENCH), "pg-floor", name, str(flow_file)], env)
            _, _, out = measure([str(FLOWLOOM), "run", flow_id, "--json", "--no-cache", *ws])
            run_id = json.loads(out.splitlines()[-1])["run_id"]
            # A server logs a step before it answers it: every query awaited is in the log.
            log = cluster.log()[start:]
            ours, floors = postgres.same_queries(name, log, queries)
            _, _, kept = measure([str(FLOWLOOM), "results", str(run_id), last_node, "--format", "csv", *ws])
            rows = postgres.same_result(name, floor_out, kept)
            seen[name] = (ours, floors, last_node, rows)
        cluster.log_statements(False)

        print(f"\nOn PostgreSQL {cluster.version()}: median of {runs} runs; runs alone: the floor from "
              "before it connects to its last row, Flowloom's run from its `run_finished`\n")
        print(
            "| workload | queries | floor | cold | cold / floor | overhead per query "
            "| floor alone / cold run alone | overhead per query, runs alone | peak floor / cold |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name in chosen:
            flow_id, queries = WORKLOADS[name]
            flow_file = REPO / "bench" / f"{name.lower()}.flow.json"
            run = [str(FLOWLOOM), "run", flow_id, "--json", "--no-cache", *ws]
            floor_s = Series([str(BENCH), "pg-floor", name, str(flow_file)], env=env)
            rows = {name: Series(run)}
            if name == "W3":
                rows["W3, --max-parallel 1"] = Series([*run, "--max-parallel", "1"])
            take_turns([floor_s, *rows.values()], runs)
            floor, floor_alone = floor_s.wall(), floor_s.run_alone()
            for label, cold_s in rows.items():
                cold, cold_alone = cold_s.wall(), cold_s.run_alone()
                overhead_ms = (cold - floor) / queries * 1000
                alone_ms = (cold_alone - floor_alone) / queries * 1000
                print(
                    f"| {label} | {queries} | {floor * 1000:.0f} ms | {cold * 1000:.0f} ms | {cold / floor:.2f}x "
                    f"| {overhead_ms:.2f} ms | {floor_alone * 1000:.0f} / {cold_alone * 1000:.0f} ms "
                    f"| {alone_ms:.2f} ms | {floor_s.peak() // 1024} / {cold_s.peak() // 1024} MiB |"
                )
                targets.append(
                    (f"{label} on PostgreSQL: overhead per query, whole processes",
                     f"{cold * 1000:.0f} / {floor * 1000:.0f} ms", overhead_ms, PG_OVERHEAD_MS, " ms")
                )
                targets.append(
                    (f"{label} on PostgreSQL: overhead per query, runs alone",
                     f"{cold_alone * 1000:.0f} / {floor_alone * 1000:.0f} ms", alone_ms, PG_OVERHEAD_MS, " ms")
                )
        for name, (ours, floors, last_node, rows) in seen.items():
            print(f"\n{name}: Flowloom executed the floor's {WORKLOADS[name][1]} queries (same SQL, same values); "
                  f"its last node `{last_node}` holds the floor's last result ({rows} row{'s' * (rows != 1)}). "
                  "Per query besides:")
            print("- Flowloom: " + ("; ".join(ours) or "nothing"))
            print("- the floor: " + ("; ".join(floors) or "nothing"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--only", nargs="*", help="only these workloads (W1..W4)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--no-postgres", action="store_true", help="leave out W2 and W3 on PostgreSQL")
    where.add_argument("--postgres-only", action="store_true", help="only W2 and W3 on PostgreSQL")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(
            ["cargo", "build", "--release", "--locked", "-p", "flowloom-cli", "-p", "flowloom-bench"],
            cwd=REPO,
            check=True,
            # Build where the binaries are run from, as `make` does.
            env={**os.environ, "CARGO_TARGET_DIR": str(TARGET)},
        )
    chosen = [w for w in WORKLOADS if not args.only or w in args.only]
    on_postgres = [w for w in chosen if w in PG_WORKLOADS and not args.no_postgres]

    targets = []
    with tempfile.TemporaryDirectory(prefix="flowloom-bench-") as tmp:
        if not args.postgres_only:
            local_part(chosen, args.runs, Path(tmp), targets)
        if on_postgres:
            postgres_part(on_postgres, args.runs, Path(tmp), targets)

    print("\n| target | measured | value | goal | met |")
    print("| --- | --- | --- | --- | --- |")
    for what, measured, value, goal, unit in targets:
        print(f"| {what} | {measured} | {value:.3f}{unit} | <= {goal}{unit} | {'yes' if value <= goal else 'NO'} |")


if __name__ == "__main__":
    main()
