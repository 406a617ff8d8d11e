"""Exercises: a simulated world with planted schemes, run through the detectors, kept for training.

An instructor chooses the size, the typologies, the difficulty and a time limit. ``sever simulate``
writes the world (one instance of each chosen typology), the detectors raise their findings on it
(screening against the home's lists when it has any, the DPRK monitoring pack, the network
analyses), and :func:`load_exercise` stores those findings with the ground truth beside them: the
planted schemes and, for each finding, the schemes it touches. Trainees see the findings only.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select

from sever.alerts import SEVERITIES, TYPOLOGIES, Alert, read_findings, write_findings
from sever.cases.roles import Actor
from sever.cases.store import CaseStore, now
from sever.errors import InputError, SeverError
from sever.home import Home
from sever.simulate.params import MAX_SIZE, MIN_SIZE
from sever.web.training.models import Exercise, TrainingFinding, TrainingScheme

DIFFICULTIES = ("easy", "realistic", "adversarial")
SIZES = (5_000, 20_000, 100_000)
"""Sizes the form offers (bank transactions): a 5,000-payment world is ready in seconds, a
100,000-payment one in a minute or two. Any size ``sever simulate`` takes is accepted."""
DEFAULT_TYPOLOGIES = ("fan_in", "cycle", "structuring", "it_worker_payroll", "front_company")
"""Typologies the form starts with: bank and network schemes the detectors raise findings on."""
MAX_TIME_LIMIT_MIN = 480
MEMBERS_KEPT = 200
"""Most members (accounts, parties, wallets) stored per scheme, to show as evidence."""


class TrainingError(SeverError):
    """A training action refused; ``status`` is the HTTP status the web app answers with."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ExerciseSettings:
    """What the instructor chose: the world to simulate and the time each trainee gets."""

    title: str
    size: int = 20_000
    typologies: tuple[str, ...] = DEFAULT_TYPOLOGIES
    difficulty: str = "easy"
    time_limit_min: int = 30
    seed: int = 1

    def __post_init__(self) -> None:
        if not self.title.strip() or len(self.title) > 200:
            raise InputError(None, "give a title of at most 200 characters", field="title")
        if not MIN_SIZE <= self.size <= MAX_SIZE:
            bounds = f"{MIN_SIZE:,} to {MAX_SIZE:,}"
            raise InputError(None, f"size must be {bounds} payments", field="size")
        unknown = [t for t in self.typologies if t not in TYPOLOGIES]
        if unknown or not self.typologies:
            raise InputError(
                None, f"choose typologies among {', '.join(TYPOLOGIES)}", field="typologies"
            )
        if self.difficulty not in DIFFICULTIES:
            raise InputError(
                None, f"difficulty must be one of {', '.join(DIFFICULTIES)}", field="difficulty"
            )
        if not 1 <= self.time_limit_min <= MAX_TIME_LIMIT_MIN:
            raise InputError(
                None,
                f"time limit must be 1 to {MAX_TIME_LIMIT_MIN} minutes",
                field="time_limit_min",
            )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "typologies": list(self.typologies)}


def create_exercise(
    store: CaseStore, actor: Actor, settings: ExerciseSettings, world: Path | None = None
) -> int:
    """Record a new exercise, ``preparing``; its world goes to ``world`` (default: a folder of
    its own under the home's ``training/``)."""
    actor.require("reviewer", "creating a training exercise")
    with store.write(actor) as writer:
        exercise = Exercise(
            title=settings.title.strip(),
            status="preparing",
            message="",
            settings=json.dumps(settings.to_dict()),
            time_limit_min=settings.time_limit_min,
            world="",
            created_by=actor.name,
            created_at=now(),
        )
        writer.session.add(exercise)
        writer.session.flush()
        folder = world or store.home.root / "training" / f"exercise-{exercise.id}"
        exercise.world = str(folder)
        writer.audit("training.create", f"exercise:{exercise.id}", settings.to_dict())
        return exercise.id


INTERRUPTED = (
    "interrupted: the server stopped while this world was being prepared; prepare it again"
)
_PREPARER = re.compile(r"preparing in process (\d+) on (\S+)$")


def prepare_in_background(store: CaseStore, actor: Actor, exercise_id: int) -> threading.Thread:
    """Simulate and detect in a thread; the exercise turns ``ready`` or ``failed`` (with the
    reason) when it is done. The exercise names the process preparing it, so that a server that
    stops half-way leaves an exercise :func:`mark_interrupted` can tell is orphaned."""
    with store.write(actor) as writer:
        exercise = writer.session.get(Exercise, exercise_id)
        if exercise is None:
            raise TrainingError(f"exercise {exercise_id}: no such exercise", 404)
        exercise.status = "preparing"
        exercise.message = f"preparing in process {os.getpid()} on {socket.gethostname()}"
    thread = threading.Thread(
        target=prepare,
        args=(store, actor, exercise_id),
        name=f"exercise-{exercise_id}",
        daemon=True,
    )
    thread.start()
    return thread


def prepare(store: CaseStore, actor: Actor, exercise_id: int) -> None:
    """Simulate the exercise's world, run the detectors on it and load the findings."""
    with store.read() as session:
        exercise = session.get(Exercise, exercise_id)
        if exercise is None:
            raise TrainingError(f"exercise {exercise_id}: no such exercise", 404)
        settings = ExerciseSettings(**json.loads(exercise.settings))
        world = Path(exercise.world)
    try:
        files = simulate_and_detect(store.home, settings, world)
        load_exercise(store, actor, exercise_id, world, files)
    except Exception as exc:  # the instructor reads why on the page; nothing else is waiting
        with store.write(actor) as writer:
            failed = writer.session.get(Exercise, exercise_id)
            if failed is not None:
                failed.status = "failed"
                failed.message = f"{type(exc).__name__}: {exc}"[:2000]


def prepare_again(store: CaseStore, actor: Actor, exercise_id: int) -> threading.Thread:
    """Prepare a failed exercise once more, from its recorded settings (the seed makes the same
    world); an exercise that is ready or still preparing is refused."""
    actor.require("reviewer", "preparing a training exercise")
    with store.write(actor) as writer:  # checked and claimed in one change: a second click waits
        exercise = writer.session.get(Exercise, exercise_id)
        if exercise is None:
            raise TrainingError(f"exercise {exercise_id}: no such exercise", 404)
        if exercise.status != "failed":
            raise TrainingError(f"exercise {exercise_id} is {exercise.status}, not failed")
        exercise.status = "preparing"
        writer.audit("training.prepare_again", f"exercise:{exercise_id}", {})
    return prepare_in_background(store, actor, exercise_id)


def mark_interrupted(store: CaseStore, actor: Actor) -> list[int]:
    """Turn ``failed`` every exercise left ``preparing`` by a process of this host that no longer
    runs (the server was stopped or crashed half-way); returns their ids. Exercises prepared on
    another host (a shared PostgreSQL store) are left alone: their process cannot be checked."""
    host = socket.gethostname()
    orphans = []
    with store.read() as session:
        for exercise in session.scalars(select(Exercise).where(Exercise.status == "preparing")):
            found = _PREPARER.search(exercise.message or "")
            if found and found.group(2) == host and not _running(int(found.group(1))):
                orphans.append(exercise.id)
    if not orphans:
        return []
    with store.write(actor) as writer:
        for exercise_id in orphans:
            exercise = writer.session.get(Exercise, exercise_id)
            if exercise is not None and exercise.status == "preparing":
                exercise.status = "failed"
                exercise.message = INTERRUPTED
                writer.audit("training.interrupted", f"exercise:{exercise_id}", {})
    return orphans


def _running(pid: int) -> bool:
    """Whether a process of that id runs on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def simulate_and_detect(home: Home, settings: ExerciseSettings, world: Path) -> list[Path]:
    """Write the world with one instance of each chosen typology, then the findings of every
    detector that applies; returns the findings files."""
    from sever.monitor import run_pack
    from sever.simulate import SimulationParams, simulate

    params = SimulationParams(
        size=settings.size,
        seed=settings.seed,
        difficulty=settings.difficulty,
        typologies=settings.typologies,
        scheme_counts=dict.fromkeys(settings.typologies, 1),
    )
    # Schemes that plant listed parties (the 50 % rule's owners, sanctioned aliases) take them
    # from the home's lists when it serves some; a home without lists is not loaded with them.
    simulate(params, world, home=home if home.store_path.exists() else None)
    files: list[Path] = []
    hits = _screen(home, world)
    if hits is not None:
        files.append(hits)
    result = run_pack(
        world / "transactions.parquet",
        accounts=world / "accounts.parquet",
        parties=world / "parties.parquet",
        hits=hits,
    )
    write_findings(result.alerts, world / "alerts.parquet")
    files.append(world / "alerts.parquet")
    write_findings(_network(home, world, result.alerts), world / "network.parquet")
    files.append(world / "network.parquet")
    return files


def _screen(home: Home, world: Path) -> Path | None:
    """Screen the world's parties when the home serves lists; None when it has none."""
    if not home.store_path.exists():
        return None
    from sever.screen.batch import screen_file, write_hits
    from sever.screen.index import load_index

    batch = screen_file(load_index(home), world / "parties.parquet")
    path = world / "hits.parquet"
    write_hits(path, batch.rows)
    return path


def _network(home: Home, world: Path, alerts: Sequence[Alert]) -> list[Alert]:
    """Front-company clusters, laptop farms and, when the home serves lists, the entities OFAC's
    50 % rule blocks, from a graph built in the world's own home (the instance's graph is left
    alone). As in the demo, the 50 % rule runs first: the parties it finds listed or blocked are
    DPRK links for the front-company clusters (a front's end user is often owned by a listed
    party, not listed itself)."""
    from sever.network.blocked import find_blocked
    from sever.network.clusters import (
        ClusterSettings,
        cluster_alerts,
        find_clusters,
        linked_by_rule,
    )
    from sever.network.farms import FarmSettings, farm_alerts, find_farms, payroll_flagged
    from sever.network.graph import GraphSources, build_graph, open_graph, world_files
    from sever.screen import ScreenOptions, load_index

    own = Home.resolve(world / "home")
    build_graph(own, GraphSources(world_files(world)))
    con = open_graph(own)
    try:
        blocked: list[Alert] = []
        linked = None
        if home.store_path.exists():
            ruled = find_blocked(con, load_index(home), ScreenOptions(scope="default"))
            blocked = ruled.alerts()
            linked = linked_by_rule(ruled)
        flagged = payroll_flagged(alerts)
        return [
            *cluster_alerts(find_clusters(con, ClusterSettings(), linked)),
            *farm_alerts(find_farms(con, FarmSettings()), FarmSettings(), flagged),
            *blocked,
        ]
    finally:
        con.close()


@dataclass
class Truth:
    """A world's planted schemes: typology and members of each, and who belongs to which."""

    typology: dict[str, str] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_payment: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_member: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def schemes_of(self, finding: Alert) -> list[str]:
        """The schemes a finding touches: those of its labelled payments or transfers; when none
        of them is labelled, those of the accounts, parties, companies or wallets it names (an
        account recruited for a scheme may be flagged on its other payments)."""
        found: set[str] = set()
        for key in finding.tx_ids:
            found |= self.by_payment.get(str(key).lower(), set())
        if found:
            return sorted(found)
        for key in (*finding.accounts, *(subject.id for subject in finding.all_subjects)):
            found |= self.by_member.get(str(key).lower(), set())
        return sorted(found)


def read_truth(world: Path) -> Truth:
    """The ground truth of a simulated world (``truth/`` when the world has one, else
    ``labels/``, which is then the whole truth)."""
    folder = world / "truth" if (world / "truth").exists() else world / "labels"
    truth = Truth()
    schemes = _table(folder, "schemes")
    truth.typology = dict(zip(schemes.scheme_id, schemes.typology, strict=True))
    for name, column in (
        ("accounts", "account_id"),
        ("parties", "party_id"),
        ("wallets", "address"),
    ):
        frame = _table(folder, name)
        for key, scheme in zip(frame[column], frame.scheme_id, strict=True):
            truth.members[scheme].append(str(key))
            truth.by_member[str(key).lower()].add(scheme)
    payments = _table(folder, "transactions")
    for key, scheme in zip(payments.tx_id, payments.scheme_id, strict=True):
        truth.by_payment[str(key).lower()].add(scheme)
    return truth


def _table(folder: Path, name: str) -> pd.DataFrame:
    for suffix, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
        if (folder / f"{name}{suffix}").exists():
            return reader(folder / f"{name}{suffix}")
    raise InputError(folder / name, "this world has no such label table (is it simulated?)")


def load_exercise(
    store: CaseStore, actor: Actor, exercise_id: int, world: Path, files: Sequence[Path]
) -> int:
    """Store the findings of ``files`` and the world's ground truth for the exercise, and mark
    it ready; returns the number of findings."""
    truth = read_truth(world)
    findings = {alert.alert_id: alert for path in files for alert in read_findings(path)}
    with store.write(actor) as writer:
        exercise = writer.session.get(Exercise, exercise_id)
        if exercise is None:
            raise TrainingError(f"exercise {exercise_id}: no such exercise", 404)
        for scheme_id, typology in sorted(truth.typology.items()):
            writer.session.add(
                TrainingScheme(
                    exercise_id=exercise_id,
                    scheme_id=scheme_id,
                    typology=typology,
                    members=json.dumps(sorted(set(truth.members[scheme_id]))[:MEMBERS_KEPT]),
                )
            )
        for alert in sorted(findings.values(), key=_priority):
            subject = alert.all_subjects[0] if alert.all_subjects else None
            writer.session.add(
                TrainingFinding(
                    exercise_id=exercise_id,
                    finding_id=alert.alert_id,
                    verb=alert.verb,
                    typology=alert.typology,
                    severity=alert.severity,
                    score=alert.score,
                    subject=(subject.label or subject.id)[:300] if subject else "",
                    record=json.dumps(alert.to_dict(), default=str, ensure_ascii=False),
                    schemes=json.dumps(truth.schemes_of(alert)),
                )
            )
        exercise.status = "ready"
        exercise.message = f"{len(findings):,} findings on {len(truth.typology)} planted schemes"
        writer.audit(
            "training.ready",
            f"exercise:{exercise_id}",
            {"findings": len(findings), "schemes": len(truth.typology)},
        )
    return len(findings)


def _priority(alert: Alert) -> tuple[int, float, str]:
    """Most severe first, then highest score: the order of the trainee's inbox."""
    return (-SEVERITIES.index(alert.severity), -alert.score, alert.alert_id)


def exercises(store: CaseStore) -> list[Exercise]:
    """Every exercise, newest first."""
    with store.read() as session:
        return list(session.scalars(select(Exercise).order_by(Exercise.id.desc())))
