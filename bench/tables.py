#!/usr/bin/env python3
"""The data-table import benchmark (issue #6's figure: 1,000,000 rows in <= 15 s).

Writes a CSV of --rows rows (default 1,000,000; fixed seed) with six typed columns (an
integer id, a campaign code, a date, a decimal, a boolean and a short note), then times
whole `flowloom tables import` processes (release build) into a fresh workspace whose table
was created first with rules (required, unique id, min, max_length, enum): every row is read,
typed, checked and written in one transaction. Prints the median of --runs runs (default 3),
and rows a second.

Usage: python3 bench/tables.py [--rows N] [--runs N] [--no-build]
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", Path.home() / ".cache/flowloom/target"))
FLOWLOOM = TARGET / "release/flowloom"

SCHEMA = {
    "columns": [
        {"name": "id", "data_type": "integer", "required": True, "unique": True},
        {"name": "campaign", "data_type": "string", "required": True,
         "validation": {"max_length": 8, "pattern": "C[0-9]{3}"}},
        {"name": "day", "data_type": "date", "required": True},
        {"name": "spend", "data_type": "decimal", "validation": {"min": 0}},
        {"name": "active", "data_type": "boolean"},
        {"name": "channel", "data_type": "string", "validation": {"enum": ["search", "video", "social"]}},
    ]
}


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(7)
    channels = ["search", "video", "social"]
    with path.open("w") as out:
        out.write("id,campaign,day,spend,active,channel\n")
        for i in range(rows):
            out.write(
                f"{i},C{rng.randrange(1000):03d},2026-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d},"
                f"{rng.randrange(100000) / 100},{'true' if rng.random() < 0.5 else 'false'},"
                f"{channels[rng.randrange(3)]}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", "flowloom-cli"], cwd=REPO, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        csv = tmp / "spend.csv"
        write_csv(csv, args.rows)
        schema = tmp / "schema.json"
        schema.write_text(json.dumps(SCHEMA))
        walls, peaks = [], []
        for run in range(args.runs):
            ws = tmp / f"ws{run}"
            base = [str(FLOWLOOM), "tables"]
            subprocess.run(base + ["create", "spend", "--schema", str(schema), "--workspace", str(ws)],
                           check=True, stdout=subprocess.DEVNULL)
            started = time.perf_counter()
            process = subprocess.Popen(base + ["import", str(csv), "--table", "spend", "--workspace", str(ws)],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out, err = process.communicate()
            wall = time.perf_counter() - started
            if process.returncode != 0:
                sys.exit(f"import failed:\n{err.decode()}")
            walls.append(wall)
            print(f"run {run + 1}: {wall:.2f} s — {out.decode().strip()}")
        median = statistics.median(walls)
        print(f"\n{args.rows:,} rows: median {median:.2f} s over {args.runs} runs "
              f"({args.rows / median:,.0f} rows/s); all: {', '.join(f'{w:.2f}' for w in walls)} s")


if __name__ == "__main__":
    main()
