"""The demo's web stage: a training exercise from the demo world, log-ins for the browser, and
(with ``--serve``) the web app running on the demo home.

The demo's browser users are an instructor (``ines``, reviewer) and a trainee (``tom``, viewer).
An API key is shown only when its user is made, so the demo keeps its users' keys in
``web/demo-logins.json`` in the demo home (readable by its owner only) to print them again on a
later run. A real deployment never stores keys: it hands each person theirs once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.cases.users import add_user, list_users
from sever.cli.output import console
from sever.home import Home
from sever.simulate import TYPOLOGY_NAMES
from sever.web.training import ExerciseSettings, create_exercise, load_exercise

BROWSER_USERS = (("ines", "reviewer"), ("tom", "viewer"))
"""The instructor and the trainee the demo prints log-ins for."""
ADMIN = Actor("demo-admin", "admin")
"""The demo's first user (made by the cases stage), who adds the browser users."""
TIME_LIMIT_MIN = 30


def _logins_file(home: Home) -> Path:
    return home.root / "web" / "demo-logins.json"


def demo_logins(store: CaseStore, home: Home) -> dict[str, dict[str, str]]:
    """The browser users' names, roles and keys: made on the first run, read back later."""
    path = _logins_file(home)
    saved: dict[str, dict[str, str]] = json.loads(path.read_text()) if path.exists() else {}
    known = {u["name"] for u in list_users(store)}
    for name, role in BROWSER_USERS:
        if name in known:  # made on an earlier run (its key is saved) or by hand
            continue
        _, key = add_user(store, ADMIN, name, role)
        saved[name] = {"role": role, "key": key}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(saved, handle, indent=1)
    return saved


def prepare_web(
    home: Home, world: Path, size: int, files: list[Path]
) -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """An exercise on the demo world's findings (every typology planted once), and the log-ins
    (kept out of the report, which ``--json`` prints)."""
    store = CaseStore.open(home)
    try:
        logins = demo_logins(store, home)
        instructor = Actor(*BROWSER_USERS[0])
        settings = ExerciseSettings(
            "Demo world: find the planted DPRK schemes",
            size=size,
            typologies=TYPOLOGY_NAMES,
            difficulty="easy",
            time_limit_min=TIME_LIMIT_MIN,
        )
        exercise = create_exercise(store, instructor, settings, world)
        findings = load_exercise(store, instructor, exercise, world, files)
    finally:
        store.close()
    console.print(
        f"Training exercise {exercise}: {findings:,} findings on the demo world, "
        f"{TIME_LIMIT_MIN} minutes per trainee (labels hidden until each trainee finishes)",
        highlight=False,
    )
    users = {name: entry["role"] for name, entry in logins.items()}
    return {"exercise": exercise, "findings": findings, "users": users}, logins


def print_logins(logins: dict[str, dict[str, str]], url: str) -> None:
    """How to log in to the web app with the demo's users."""
    console.print(f"Web app: {url}/ui — log in with an API key:", highlight=False)
    for name, entry in logins.items():
        what = "instructor" if entry["role"] == "reviewer" else "trainee"
        console.print(f"  {name} ({entry['role']}, {what}): {entry['key']}", highlight=False)
