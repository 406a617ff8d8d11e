"""A home with users and findings, a real ``sever serve`` process on it, and a headless Chromium.

The browser is Debian's Chromium driven by Playwright. Without it the browser tests are skipped,
except under CI (``CI`` set), where they fail: CI must run them.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from sever.cases.ingest import ingest_findings, ingest_hits
from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.cases.users import add_user
from sever.home import Home
from sever.lists import load_files
from tests.cases.findings import DAY0, account_alert

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SETUP = Actor("setup", "admin")


@dataclass(frozen=True)
class WebHome:
    """A home ready for the web app, and the API key of each of its users by role."""

    home: Home
    keys: dict[str, str]


HIT = {
    "query_id": "cust-17",
    "query_name": "Kim Chol Su",
    "party.birth_date": "1971-05-02",
    "party.country": "kp",
    "entity_id": "wl-kim-chol-su",
    "caption": "KIM CHOL SU",
    "schema": "Person",
    "list": "watchlist",
    "programs": "DPRK3",
    "score": 0.93,
    "match": True,
    "dprk": True,
    "features": [{"feature": "name_literal", "value": 1.0}, {"feature": "dob_year", "value": 1.0}],
}


KIM = {
    "id": "wl-kim-chol-su",
    "schema": "Person",
    "properties": {
        "name": ["KIM CHOL SU"],
        "birthDate": ["1971-05-02"],
        "programId": ["DPRK3"],
        "passportNumber": ["745120099"],
        "sourceUrl": ["https://sanctionssearch.ofac.treas.gov/"],
    },
}


def make_home(root: Path) -> WebHome:
    """A small watchlist (so the server does not load the built-in lists), users of every role,
    one screening hit on the watchlist and a few monitoring findings."""
    home = Home.resolve(root)
    watchlist = root / "watchlist.jsonl"
    watchlist.write_text(json.dumps(KIM) + "\n", encoding="utf-8")
    load_files(home, [watchlist], dataset="watchlist")
    store = CaseStore.open(home)
    keys: dict[str, str] = {}
    try:
        for name, role in (("ada", "admin"), ("ann", "analyst"), ("rob", "reviewer"),
                           ("val", "viewer")):  # fmt: skip
            _, keys[role] = add_user(store, SETUP, name, role)
        ingest_hits(store, Actor("ada", "admin"), [HIT], "hits.csv")
        alerts = [
            account_alert(f"mon-{i}", f"acc-{i}", DAY0, severity="high" if i % 2 else "medium")
            for i in range(6)
        ]
        ingest_findings(store, Actor("ada", "admin"), alerts, "alerts.parquet")
    finally:
        store.close()
    return WebHome(home, keys)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def web_home(tmp_path_factory: pytest.TempPathFactory) -> WebHome:
    return make_home(tmp_path_factory.mktemp("web") / "home")


@pytest.fixture(scope="module")
def server(web_home: WebHome) -> Iterator[str]:
    """``sever serve`` on a free port of 127.0.0.1, as the README starts it."""
    port = free_port()
    env = {**os.environ, "SEVER_API_KEYS": ""}
    command = [sys.executable, "-m", "sever.cli", "serve", "--home", str(web_home.home.root),
               "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/ui/login", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Debian Chromium (skipped where it is missing, failed under CI)."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found; `make system` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the browser tests)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()
