"""W2 and W3 on PostgreSQL, for bench/run.py: a throwaway cluster holding the ads table, a
workspace whose templates run on it, and the checks that Flowloom and the floor
(`flowloom-bench pg-floor`) send the same queries and get the same final result.

The cluster is started as tests/pg_cluster.rs starts one: `initdb` from the newest
/usr/lib/postgresql/*/bin into a temporary folder, the server on a free loopback port (its
socket in that folder), SCRAM password login for a role that only reads, and, as root, the
server run as the `postgres` user (runuser). It is stopped and its folder removed on the way
out, however the bench ends.
"""

import collections
import csv
import decimal
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER, SUPERUSER_PASSWORD = "postgres", "bench-admin-Zq8"
USER, PASSWORD = "flowloom_bench", "bench-pw-Zq8"
DATABASE = "flowloom_bench"
# The environment variable the source reads its password from (`--password-env`).
PASSWORD_ENV = "FLOWLOOM_BENCH_PG_PASSWORD"
SOURCE_NAME = "Bench PG"

ADS_TABLE = """CREATE TABLE ads (
    day date NOT NULL,
    campaign_id bigint NOT NULL,
    asin text NOT NULL,
    impressions bigint NOT NULL,
    clicks bigint NOT NULL,
    spend numeric(12,2) NOT NULL
)"""


def binaries() -> Path:
    """The binaries of the newest PostgreSQL installed."""
    root = Path("/usr/lib/postgresql")
    found = [p for p in root.glob("*/bin") if (p / "initdb").exists()] if root.exists() else []
    if not found:
        sys.exit("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); `make test-deps` installs it")
    return max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A running throwaway cluster with the ads table in DATABASE; a context manager."""

    def __init__(self):
        self.bin = binaries()
        self.dir = Path(tempfile.mkdtemp(prefix="flowloom-bench-pg-"))
        self.port = free_port()
        self.run_as = "postgres" if os.geteuid() == 0 else None
        self.started = False

    def __enter__(self) -> "Cluster":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_) -> None:
        self.stop()

    def pg(self, binary: str, *args: str) -> None:
        """Runs one of the server's binaries as the server's user."""
        command = [str(self.bin / binary), *args]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        done = subprocess.run(command, cwd=self.dir, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{binary} failed: {done.stdout}{done.stderr}\nserver log:\n{self.log()}")

    def log(self) -> str:
        path = self.dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self) -> None:
        (self.dir / "pw").write_text(SUPERUSER_PASSWORD)
        if self.run_as:
            shutil.chown(self.dir, self.run_as)
            shutil.chown(self.dir / "pw", self.run_as)
        data = str(self.dir / "data")
        self.pg("initdb", "-D", data, "-U", SUPERUSER, "--auth=scram-sha-256", f"--pwfile={self.dir / 'pw'}",
                "-E", "UTF8", "--no-locale", "--no-sync")
        # Each log line starts with the client's application name: `@flowloom@ LOG: …`.
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c log_line_prefix='@%a@ '"
        )
        self.pg("pg_ctl", "-D", data, "-l", str(self.dir / "server.log"), "-o", options, "-w", "-t", "60", "start")
        self.started = True

    def stop(self) -> None:
        if self.started:
            self.pg("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "-w", "-t", "30", "stop")
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql: str, database: str = DATABASE) -> str:
        """Runs `sql` (or a psql meta-command) as the superuser; its output."""
        done = subprocess.run(
            [str(self.bin / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database,
             "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            env={**os.environ, "PGPASSWORD": SUPERUSER_PASSWORD}, capture_output=True, text=True,
        )
        if done.returncode != 0:
            sys.exit(f"psql: {sql}\n{done.stderr}\nserver log:\n{self.log()[-4000:]}")
        return done.stdout

    def load_ads(self, csv_file: Path) -> None:
        """DATABASE with the ads table from `csv_file` (exact types; an index on
        campaign_id, as a table queried by campaign would have), readable by USER."""
        self.psql(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'", "postgres")
        self.psql(f"CREATE DATABASE {DATABASE}", "postgres")
        self.psql(ADS_TABLE)
        self.psql(f"\\copy ads FROM '{csv_file}' WITH (FORMAT csv, HEADER true)")
        self.psql("CREATE INDEX ads_campaign_id ON ads (campaign_id)")
        self.psql("VACUUM ANALYZE ads")
        self.psql(f"GRANT SELECT ON ads TO {USER}")
        rows = int(self.psql("SELECT count(*) FROM ads"))
        if rows != 200_000:
            sys.exit(f"the ads table on PostgreSQL has {rows} rows, not 200,000")

    def log_statements(self, on: bool) -> None:
        """Whether the server logs every step of every statement USER's new connections
        send (parse, bind, execute, a simple query), with its parameters."""
        if on:
            self.psql(f"ALTER ROLE {USER} SET log_min_duration_statement = 0")
        else:
            self.psql(f"ALTER ROLE {USER} RESET log_min_duration_statement")

    def version(self) -> str:
        return self.psql("SHOW server_version", "postgres").strip()

    def floor_env(self) -> dict:
        """The environment `flowloom-bench pg-floor` reaches the server with (as USER)."""
        return {
            **os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGDATABASE": DATABASE,
            "PGUSER": USER, "PGPASSWORD": PASSWORD, "PGSSLMODE": "disable",
        }


def workspace_on(cluster: Cluster, root: Path, flowloom: Path, names, measure) -> list[str]:
    """A new workspace at `root` with the cluster added as a source (its password through
    --password-env) and the workloads `names` imported with every template on it; its
    `--workspace` arguments."""
    ws = ["--workspace", str(root)]
    os.environ[PASSWORD_ENV] = PASSWORD
    measure([str(flowloom), "flows", "list", *ws])
    measure([str(flowloom), "sources", "add", SOURCE_NAME, "--kind", "postgres", "--host", "127.0.0.1",
             "--port", str(cluster.port), "--database", DATABASE, "--user", USER, "--sslmode", "disable",
             "--password-env", PASSWORD_ENV, *ws])
    _, _, listed = measure([str(flowloom), "sources", "list", "--json", *ws])
    ids = [s["source"]["source_id"] for s in json.loads(listed) if s["source"]["name"] == SOURCE_NAME]
    if len(ids) != 1:
        sys.exit(f"`sources add` made no source named {SOURCE_NAME}: {listed}")
    source_id = ids[0]
    for name in names:
        flow = json.loads((Path(__file__).parent / f"{name.lower()}.flow.json").read_text())
        for template in flow["templates"]:
            template["source_id"] = source_id
        flow["sources"] = [{"source_id": source_id, "kind": "postgres"}]
        flow_file = root.parent / f"{name.lower()}.pg.flow.json"
        flow_file.write_text(json.dumps(flow, indent=2))
        measure([str(flowloom), "import", str(flow_file), "--on-conflict", "replace", *ws])
    return ws


def logged(log: str) -> dict:
    """The statements in a server log with log_min_duration_statement = 0, by application
    name: each step of each statement as [step (`parse`, `bind`, `execute`, or `statement`
    for a simple query), its SQL, its parameters as the server logged them]."""
    entries = []
    for line in log.splitlines():
        if line.startswith("\t") and entries:
            entries[-1][1] += "\n" + line[1:]
        elif line.startswith("@"):
            app, _, rest = line[1:].partition("@ ")
            entries.append([app, rest])
    sent = collections.defaultdict(list)
    for app, text in entries:
        level, _, message = text.partition(":  ")
        if level == "LOG" and message.startswith("duration: "):
            message = message.partition(" ms  ")[2]
            step = message.split(" ", 1)[0].rstrip(":")
            if step in ("parse", "bind", "execute", "statement"):
                sent[app].append([step, message.partition(": ")[2], ""])
        elif level == "DETAIL" and message.lower().startswith("parameters: ") and sent[app]:
            sent[app][-1][2] = message[len("parameters: "):]
    return sent


def same_queries(name: str, log: str, queries: int) -> tuple[list[str], list[str]]:
    """Checks from the server's log that Flowloom executed the floor's queries, the same
    SQL with the same values; what each sent besides (per query, binds left out)."""
    sent = logged(log)
    floor, flowloom = sent.get("flowloom-bench", []), sent.get("flowloom", [])
    executed = collections.Counter((sql, params) for step, sql, params in floor if step == "execute")
    if sum(executed.values()) != queries:
        sys.exit(f"{name}: the floor executed {sum(executed.values())} queries, not {queries}")
    texts = {sql for sql, _ in executed}
    ours = collections.Counter((sql, params) for step, sql, params in flowloom if step == "execute" and sql in texts)
    if ours != executed:
        sys.exit(f"{name}: Flowloom and the floor sent different queries:\n"
                 f"only the floor: {list(executed - ours)[:3]}\nonly Flowloom: {list(ours - executed)[:3]}\n"
                 f"Flowloom's others: {[e[:2] for e in flowloom if e[1] not in texts][:5]}")

    def besides(steps) -> list[str]:
        counts = collections.Counter(
            (step, sql) for step, sql, _ in steps if step != "bind" and not (step == "execute" and sql in texts)
        )
        return [f"{count / queries:.2f} × {step} `{' '.join(sql.split())[:70]}`"
                for (step, sql), count in counts.most_common()]

    return besides(flowloom), besides(floor)


def numbers(rows: list[list]) -> list[list]:
    """Cells compared as numbers where they are numbers (`1234.50` = `1234.5`)."""
    def cell(value):
        try:
            return decimal.Decimal(value)
        except (decimal.InvalidOperation, TypeError):
            return value
    return [[cell(v) for v in row] for row in rows]


def same_result(name: str, floor_out: str, flowloom_csv: str) -> int:
    """Checks that Flowloom's last node holds the floor's last result; its rows."""
    floor = json.loads([line for line in floor_out.splitlines() if line.startswith("{")][-1])
    table = list(csv.reader(io.StringIO(flowloom_csv)))
    if not table:
        sys.exit(f"{name}: Flowloom's last node kept no result")
    header, rows = table[0], table[1:]
    if header != floor["columns"] or numbers(rows) != numbers(floor["rows"]):
        sys.exit(f"{name}: Flowloom's last node differs from the floor's:\n{header} {rows[:3]}…"
                 f"\n{floor['columns']} {floor['rows'][:3]}…")
    return len(rows)
