"""Benchmark: ``sever serve`` under load, over loopback, started as the README starts it.

Targets (issue #13): ``POST /match`` with single-query bodies holds >= 1,000 requests/s with p99
<= 50 ms and no errors from 16-32 concurrent clients; the inbox page with 100,000 findings renders
in <= 300 ms at p99.

The server is a real child process (``sever serve --home H --port P`` with ``SEVER_API_KEYS``).
The home holds the built-in lists and N findings written through the cases store's own ingest
(``ingest_findings``, as ``sever cases ingest`` writes them), over 1,000 accounts. Each /match
request screens a different name (given, middle initial and family name drawn from pools with
tens of thousands of combinations, Korean family names among them, so candidates are pulled as
real customers pull them), so no cache sees the same query twice in a run. ``match`` sends the
``SEVER_API_KEYS`` key the server was started with; ``match-user`` the same requests with a
user's key from the cases store (``sever users add``), as a bank's own clients would. Inbox
requests rotate through the first page, filtered pages and pages deep in the findings.
``/healthz``, which does no work, is measured too: the ceiling of the HTTP layer and the
framework on this machine, against which the cost of screening and of rendering a page can be
read.

The client is a few dozen lines of asyncio over raw keep-alive HTTP/1.1 connections, one per
simulated client. httpx would do, but its per-request cost (a few hundred microseconds of Python)
runs on the same two cores as the server and would be counted as the server's latency; this
client costs a fraction of that. It runs on uvloop, as the server does (``--client-loop``). It
still shares the machine: its CPU per request and the load average are recorded.

    .venv/bin/python bench/serve_load.py [--home /tmp/sever-serve-load/home] [--findings 100000]
        [--workers N] [--concurrency 8,16,32] [--seconds 10]
        [--only match|match-user|inbox|healthz]
        [--client-loop uvloop|asyncio]

The home is seeded once (minutes: 100,000 findings through the real ingest) and reused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import uvloop
from rich.console import Console
from rich.table import Table

from sever.web.inbox import encode_cursor

RESULTS = Path(__file__).resolve().parent / "results" / "serve_load.json"
SEED_FILE = "bench-seed.json"
ACCOUNTS = 1_000
DAY0 = datetime(2024, 3, 1, tzinfo=UTC)

GIVEN_NAMES = (
    "James Maria Wei Olga Ahmed Fatima Carlos Anna Min-jun Seo-yeon Ji-hoon Hiroshi Yuki Ivan "
    "Elena Mohammed Aisha Pedro Sofia Liam Emma Chol Song Myong Kwang Hyok Jong Un Il Yong Nam "
    "Priya Arjun Kwame Amara Lucas Julia Omar Layla Dmitri Natalia Hassan Tomasz Jae-won Hye-jin"
)
FAMILY_NAMES = (
    "Smith Garcia Muller Rossi Novak Kowalski Silva Santos Wang Zhang Tanaka Ivanov Petrov Hansen "
    "Dubois Martin Kim Lee Park Choi Jung Kang Cho Yoon Ri Pak O Han Jang Nguyen Tran Ali Khan "
    "Singh Patel Okafor Mensah Haddad Fernandez Lopez Schmidt Weber Yilmaz Andersson"
)
INITIALS = "ABCDEFGHJKLMNPRSTW"


def query_names() -> list[str]:
    """Distinct customer names, in a fixed shuffled order (about 37,000 of them)."""
    import random

    names = [
        f"{given} {initial}. {family}"
        for given in GIVEN_NAMES.split()
        for initial in INITIALS
        for family in FAMILY_NAMES.split()
    ]
    random.Random(13).shuffle(names)
    return names


# -- the home ---------------------------------------------------------------------------------


def seed_home(root: Path, findings: int, console: Console) -> dict[str, Any]:
    """A home with the built-in lists, an analyst user and ``findings`` findings, made once and
    reused (its user's key is kept in ``bench-seed.json`` inside it)."""
    marker = root / SEED_FILE
    if marker.exists():
        seeded = json.loads(marker.read_text())
        if seeded["findings"] == findings:
            console.print(f"reusing {root} ({findings:,} findings)")
            return dict(seeded)
        raise SystemExit(f"error: {root} holds {seeded['findings']:,} findings; use another --home")
    from sever.alerts import Alert
    from sever.cases.ingest import ingest_findings
    from sever.cases.roles import Actor
    from sever.cases.store import CaseStore
    from sever.cases.users import add_user
    from sever.home import Home
    from sever.lists import ensure_loaded

    home = Home.resolve(root)
    ensure_loaded(home)
    store = CaseStore.open(home)
    started = time.perf_counter()
    try:
        admin = Actor("bench-admin", "admin")
        add_user(store, admin, "bench-admin", "admin")
        _, key = add_user(store, admin, "bench-analyst", "analyst")
        severities = ("low", "medium", "high", "critical")
        step = 50_000
        for start in range(0, findings, step):
            batch = [
                Alert(
                    alert_id=f"bench-{i:07d}",
                    typology="fan_out",
                    rule_id="fan_out",
                    severity=severities[i % 4],
                    accounts=(f"acc-{i % ACCOUNTS}",),
                    tx_ids=(f"tx-{i}",),
                    amount=float(1000 + i % 9000),
                    period_start=DAY0 + timedelta(minutes=i),
                    period_end=DAY0 + timedelta(minutes=i),
                    score=0.7,
                    evidence={"focus": f"acc-{i % ACCOUNTS}"},
                    explanation=f"acc-{i % ACCOUNTS} paid many receivers.",
                )
                for i in range(start, min(start + step, findings))
            ]
            ingest_findings(store, admin, batch, f"bench-{start}")
            console.print(f"  seeded {start + len(batch):,} findings")
    finally:
        store.close()
    seeded = {"findings": findings, "key": key, "seed_s": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(seeded))
    return seeded


# -- the server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(
    home: Path, port: int, api_key: str, workers: int | None, log: Path
) -> subprocess.Popen[bytes]:
    """``sever serve`` as the README starts it (its default number of workers unless
    ``workers`` is given), and wait until it answers."""
    sever = Path(sys.executable).with_name("sever")
    command = [str(sever)] if sever.exists() else [sys.executable, "-m", "sever.cli"]
    command += ["serve", "--home", str(home), "--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    env = {**os.environ, "SEVER_API_KEYS": f"{api_key}:viewer"}
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    for _ in range(1200):
        if process.poll() is not None:
            raise SystemExit(f"error: the server stopped; see {log}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"error: the server did not answer within 2 minutes; see {log}")


def log_in(base: str, key: str) -> str:
    """The session cookie of a browser that logged in with ``key``."""
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
        form = client.get("/ui/login")
        found = re.search(r'name="token" value="([^"]+)"', form.text)
        assert found, "the log-in page has a token"
        answer = client.post("/ui/login", data={"token": found.group(1), "key": key})
        assert answer.status_code == 303, answer.text
        return str(client.cookies["sever_session"])


# -- the client -------------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw in the measured window."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    reconnects: int = 0
    """Connections the server closed after an answer (to even out its workers)."""
    statuses: dict[str, int] = field(default_factory=dict)
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    load_average: float = 0.0


def process_tree_cpu_s(pid: int) -> float:
    """CPU seconds (user and system) used so far by process ``pid`` and its live children (the
    server's forked workers), read from /proc; 0 where there is no /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for process in (pid, *_children(pid)):
        try:
            stat = Path(f"/proc/{process}/stat").read_text()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime, fields 14 and 15
    return total / tick


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


CLIENT_LOOPS = {"uvloop": uvloop.run, "asyncio": asyncio.run}
"""The client's event loop: uvloop by default, the server's own; ``asyncio`` (the standard
library's) for comparison."""


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool]:
    """Send one request on a kept-alive connection and read its whole answer; its status, and
    whether the server asked to close the connection (``Connection: close``, which an HTTP/1.1
    client must honour by opening a new one: the server does so to even out its workers)."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    if length is None:
        raise ConnectionError("answer without content-length")
    await reader.readexactly(int(length.group(1)))
    return status, re.search(rb"(?i)\r\nconnection: *close", head) is not None


async def _client(
    port: int, requests: Iterator[bytes], tally: Tally, window: tuple[float, float], stop: float
) -> None:
    reader = writer = None
    while time.perf_counter() < stop:
        request = next(requests)
        began = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            status, closing = await _exchange(reader, writer, request)
            if closing:
                writer.close()
                reader = writer = None
        except (OSError, asyncio.IncompleteReadError, ConnectionError, ValueError):
            status, closing = 0, False
            if writer is not None:
                writer.close()
            reader = writer = None
        ended = time.perf_counter()
        if window[0] <= began and ended <= window[1]:
            tally.latencies.append(ended - began)
            tally.statuses[str(status)] = tally.statuses.get(str(status), 0) + 1
            tally.errors += status != 200
            tally.reconnects += closing
    if writer is not None:
        writer.close()


async def _load(
    port: int,
    requests: Iterator[bytes],
    clients: int,
    seconds: float,
    warm: float,
    server_pid: int,
) -> Tally:
    tally = Tally()
    now = time.perf_counter()
    window = (now + warm, now + warm + seconds)
    await asyncio.gather(
        _meter(tally, window, server_pid),
        *(_client(port, requests, tally, window, window[1]) for _ in range(clients)),
    )
    return tally


async def _meter(tally: Tally, window: tuple[float, float], server_pid: int) -> None:
    """The CPU the server and this client used in the measured window, and the load average
    at its end."""
    await asyncio.sleep(window[0] - time.perf_counter())
    server, client = process_tree_cpu_s(server_pid), time.process_time()
    await asyncio.sleep(window[1] - time.perf_counter())
    tally.server_cpu_s = process_tree_cpu_s(server_pid) - server
    tally.client_cpu_s = time.process_time() - client
    tally.load_average = os.getloadavg()[0]


def match_requests(port: int, key: str) -> Iterator[bytes]:
    """Single-query /match requests, each with a name not sent before in this run."""
    return _match_requests(port, key, query_names())


def _match_requests(port: int, key: str, names: list[str]) -> Iterator[bytes]:
    for n in count():
        name = names[n % len(names)]
        body = json.dumps(
            {"queries": {"q": {"schema": "Person", "properties": {"name": [name]}}}}
        ).encode()
        yield (
            f"POST /match/default HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: ApiKey {key}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body


def inbox_requests(port: int, cookie: str, findings: int) -> Iterator[bytes]:
    """Inbox pages: the first, filtered ones, and pages deep in the findings."""
    pages = ["", "verb=monitor", "severity=critical", "state=open", "severity=high&state=open"]
    for n in count(1):
        query = pages[n % len(pages)]
        if n % 3 == 0:  # a page deep in the findings, through its cursor
            i = (n * 7919) % findings
            cursor = encode_cursor(DAY0 + timedelta(minutes=i), f"bench-{i:07d}")
            query = f"after={cursor}"
        path = "/ui/inbox" + (f"?{query}" if query else "")
        yield (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: sever_session={cookie}\r\n\r\n"
        ).encode()


def healthz_requests(port: int) -> Iterator[bytes]:
    """/healthz, which does no work: the ceiling the HTTP layer and the framework allow."""
    request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    while True:
        yield request


def summary(tally: Tally, seconds: float) -> dict[str, Any]:
    """Throughput, latency and errors of a run, with the CPU each request cost the server (all
    its processes; a figure the machine's other load hardly moves, unlike requests/s) and
    this client, and the load average (1 minute) at the end of the run."""
    done = sorted(tally.latencies)
    if not done:
        return {"requests": 0, "errors": tally.errors}
    cuts = statistics.quantiles(done, n=100, method="inclusive") if len(done) > 1 else done * 99
    return {
        "requests": len(done),
        "requests_per_s": round(len(done) / seconds, 1),
        "p50_ms": round(cuts[49] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
        "max_ms": round(done[-1] * 1000, 1),
        "errors": tally.errors,
        "reconnects": tally.reconnects,
        "statuses": tally.statuses,
        "server_cpu_ms_per_request": round(tally.server_cpu_s * 1000 / len(done), 3),
        "client_cpu_ms_per_request": round(tally.client_cpu_s * 1000 / len(done), 3),
        "load_average": round(tally.load_average, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=Path("/tmp/sever-serve-load/home"))
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--concurrency", default="8,16,32")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warm", type=float, default=2.0, help="Seconds not measured, first.")
    parser.add_argument("--only", choices=("match", "match-user", "inbox", "healthz"))
    parser.add_argument(
        "--client-loop",
        choices=tuple(CLIENT_LOOPS),
        default="uvloop",
        help="The load client's event loop.",
    )
    parser.add_argument(
        "--workers", type=int, help="sever serve --workers (default: as the README, not given)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    console = Console(width=max(Console().width, 120))  # the whole table, also in a log file
    levels = [int(c) for c in args.concurrency.split(",")]
    args.home.parent.mkdir(parents=True, exist_ok=True)
    seeded = seed_home(args.home, args.findings, console)
    port = free_port()
    api_key = secrets.token_urlsafe(24)
    server_log = args.home.parent / "serve-load.log"
    server = start_server(args.home, port, api_key, args.workers, server_log)
    server_processes = len(_children(server.pid)) or 1
    started_as = "sever serve" + (f" --workers {args.workers}" if args.workers else "")
    load_at_start = os.getloadavg()
    runs: list[dict[str, Any]] = []
    try:
        cookie = log_in(f"http://127.0.0.1:{port}", seeded["key"])
        endpoints = {
            "match": lambda: match_requests(port, api_key),
            "match-user": lambda: match_requests(port, seeded["key"]),
            "inbox": lambda: inbox_requests(port, cookie, args.findings),
            "healthz": lambda: healthz_requests(port),
        }
        for name, make in endpoints.items():
            if args.only and name != args.only:
                continue
            for clients in levels:
                run = CLIENT_LOOPS[args.client_loop]
                tally = run(_load(port, make(), clients, args.seconds, args.warm, server.pid))
                runs.append(
                    {"endpoint": name, "concurrency": clients} | summary(tally, args.seconds)
                )
                console.print(runs[-1])
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "machine": {
            "python": platform.python_version(),
            "cores": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load_at_start],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "uptime": _uptime(),
        },
        "server_started_as": started_as,
        "server_processes": server_processes,
        "findings": args.findings,
        "seed_s": seeded.get("seed_s"),
        "seconds_per_run": args.seconds,
        "client_loop": args.client_loop,
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    table = Table(title=f"{started_as} over loopback ({args.findings:,} findings)")
    columns = ("endpoint", "clients", "req/s", "p50 ms", "p99 ms", "max ms", "errors")
    columns += ("server CPU ms/req", "client CPU ms/req", "load avg")
    for column in columns:
        table.add_column(column, justify="left" if column == "endpoint" else "right")
    for run in runs:
        table.add_row(
            run["endpoint"],
            str(run["concurrency"]),
            f"{run.get('requests_per_s', 0):,.0f}",
            str(run.get("p50_ms", "")),
            str(run.get("p99_ms", "")),
            str(run.get("max_ms", "")),
            str(run["errors"]),
            str(run.get("server_cpu_ms_per_request", "")),
            str(run.get("client_cpu_ms_per_request", "")),
            str(run.get("load_average", "")),
        )
    console.print(table)
    console.print(f"uptime: {result['machine']['uptime']}; written to {args.out}")


def _uptime() -> str:
    uptime = shutil.which("uptime")
    if uptime is None:
        return ""
    return subprocess.run([uptime], capture_output=True, text=True, check=False).stdout.strip()


if __name__ == "__main__":
    main()
