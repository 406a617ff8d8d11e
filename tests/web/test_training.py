"""Training mode, in process: an exercise from a simulated world, trainees who never see the
labels, a score against the ground truth, and the instructor's class table."""

from __future__ import annotations

import html
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from sever.alerts import TYPOLOGIES, read_findings, write_findings
from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.home import Home
from sever.serve.app import create_app
from sever.simulate import SimulationParams, simulate
from sever.web.training import ExerciseSettings, create_exercise, load_exercise
from sever.web.training.exercise import INTERRUPTED, Truth, read_truth, simulate_and_detect
from sever.web.training.models import Attempt
from sever.web.training.models import Exercise as TrainingExercise
from sever.web.training.red_flags import red_flags
from tests.cases.findings import account_alert
from tests.web.conftest import WebHome, make_home

PLANTED = ("fan_in", "cycle", "structuring")
INSTRUCTOR = Actor("rob", "reviewer")


@dataclass(frozen=True)
class Exercise:
    """A home with users, and an exercise whose findings are one per planted scheme (on one of
    the scheme's own accounts) plus two decoys on accounts no scheme used."""

    web: WebHome
    exercise_id: int
    schemes: dict[str, str]
    """Finding id → the scheme it touches ("" for a decoy)."""


def make_exercise(root: Path) -> Exercise:
    web = make_home(root / "home")
    world = root / "world"
    simulate(
        SimulationParams(
            size=3_000,
            seed=5,
            difficulty="easy",
            typologies=PLANTED,
            scheme_counts=dict.fromkeys(PLANTED, 1),
        ),
        world,
    )
    labelled = pd.read_parquet(world / "labels" / "accounts.parquet")
    accounts = pd.read_parquet(world / "accounts.parquet").account_id
    decoys = sorted(set(accounts) - set(labelled.account_id))[:2]
    alerts, schemes = [], {}
    for n, (scheme_id, group) in enumerate(labelled.groupby("scheme_id")):
        alerts.append(account_alert(f"alert-{n}", group.account_id.iloc[0]))
        schemes[f"alert-{n}"] = scheme_id
    for n, account in enumerate(decoys, start=len(alerts)):
        alerts.append(account_alert(f"alert-{n}", account, severity="medium"))
        schemes[f"alert-{n}"] = ""
    write_findings(alerts, world / "alerts.parquet")
    store = CaseStore.open(web.home)
    try:
        settings = ExerciseSettings("Practice: bank schemes", size=5_000, typologies=PLANTED)
        exercise_id = create_exercise(store, INSTRUCTOR, settings, world)
        load_exercise(store, INSTRUCTOR, exercise_id, world, [world / "alerts.parquet"])
    finally:
        store.close()
    return Exercise(web, exercise_id, schemes)


@pytest.fixture(scope="module")
def exercise(tmp_path_factory: pytest.TempPathFactory) -> Exercise:
    return make_exercise(tmp_path_factory.mktemp("training"))


@pytest.fixture
def client(exercise: Exercise, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SEVER_API_KEYS", "")
    with TestClient(create_app(exercise.web.home), follow_redirects=False) as opened:
        yield opened


def log_in(client: TestClient, key: str) -> str:
    client.cookies.clear()
    form = client.get("/ui/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    client.post("/ui/login", data={"token": token, "key": key, "next": "/ui/training"})
    page = client.get("/ui/training")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def settled_status(client: TestClient, title: str) -> tuple[str, str]:
    """The status of the exercise titled ``title`` once it is no longer ``preparing`` (waiting
    up to two minutes), and the training page that shows it."""
    pattern = rf'<td>{re.escape(title)}</td><td class="status">(\w+)'
    for _ in range(600):
        page = client.get("/ui/training").text
        row = re.search(pattern, page)
        if row and row.group(1) != "preparing":
            return row.group(1), page
        time.sleep(0.2)
    return (row.group(1) if row else "missing"), page


def finding_numbers(page: str, exercise_id: int) -> list[int]:
    """The training findings linked from a trainee's inbox."""
    pattern = rf'href="/ui/training/{exercise_id}/findings/(\d+)"'
    return sorted({int(n) for n in re.findall(pattern, page)})


def test_every_typology_has_red_flags_with_a_citation() -> None:
    flags = red_flags()
    assert set(TYPOLOGIES) <= set(flags)
    for typology in TYPOLOGIES:
        assert flags[typology].flags and flags[typology].cites, typology


def test_a_bad_setting_names_its_field() -> None:
    with pytest.raises(Exception, match="time limit"):
        ExerciseSettings("x", time_limit_min=0)
    with pytest.raises(Exception, match="typologies"):
        ExerciseSettings("x", typologies=("no_such",))


def test_a_trainee_works_the_findings_without_labels_and_is_scored(
    client: TestClient, exercise: Exercise
) -> None:
    number = exercise.exercise_id
    csrf = log_in(client, exercise.web.keys["viewer"])
    assert "Go to start" in client.get("/ui/training").text
    assert client.get(f"/ui/training/{number}/result").status_code == 409
    assert client.post(f"/ui/training/{number}/start", data={"csrf": csrf}).status_code == 303
    inbox = client.get(f"/ui/training/{number}").text
    ids = finding_numbers(inbox, number)
    assert len(ids) == len(exercise.schemes) == 5
    pages = [client.get(f"/ui/training/{number}/findings/{i}").text for i in ids]
    for page in [inbox, *pages]:
        assert not re.search(r"S0000\d\d", page), "a scheme id (a label) reached the trainee"
    assert client.get(f"/ui/training/{number}/class").status_code == 403
    # escalate one true finding and one decoy; dismiss the rest
    by_alert = {re.search(r"alert-\d", p).group(0): i for p, i in zip(pages, ids, strict=True)}
    true_one = next(a for a, scheme in exercise.schemes.items() if scheme)
    decoy = next(a for a, scheme in exercise.schemes.items() if not scheme)
    for alert_id, finding in by_alert.items():
        verdict = "escalate" if alert_id in (true_one, decoy) else "dismiss"
        answer = client.post(
            f"/ui/training/{number}/findings/{finding}/verdict",
            data={"csrf": csrf, "verdict": verdict, "reason": "looked at the payments"},
        )
        assert answer.status_code == 303
    assert client.post(f"/ui/training/{number}/finish", data={"csrf": csrf}).status_code == 303
    result = client.get(f"/ui/training/{number}/result?format=json").json()
    assert (result["schemes_found"], result["schemes_missed"]) == (1, 2)
    assert result["false_positives"] == 1 and result["seconds"] >= 0
    missed = [s for s in result["schemes"] if not s["found"]]
    assert all(s["red_flags"] and s["cites"] for s in missed)
    assert all(s["evidence"] for s in missed)  # each missed scheme links its finding
    page = client.get(f"/ui/training/{number}/result").text
    assert page.count('class="evidence"') == 2
    late = client.post(
        f"/ui/training/{number}/findings/{ids[0]}/verdict",
        data={"csrf": csrf, "verdict": "escalate", "reason": "too late"},
    )
    assert late.status_code == 409


def test_a_trainee_reports_a_case_and_its_decision_stands_for_its_findings(
    client: TestClient, exercise: Exercise
) -> None:
    number = exercise.exercise_id
    csrf = log_in(client, exercise.web.keys["admin"])
    client.post(f"/ui/training/{number}/start", data={"csrf": csrf})
    ids = finding_numbers(client.get(f"/ui/training/{number}").text, number)
    alert_of = {
        re.search(r"alert-\d", client.get(f"/ui/training/{number}/findings/{i}").text).group(0): i
        for i in ids
    }
    true_ones = sorted(a for a, scheme in exercise.schemes.items() if scheme)
    decoys = sorted(a for a, scheme in exercise.schemes.items() if not scheme)
    cases = f"/ui/training/{number}/cases"

    def put(data: dict[str, object]) -> Response:
        return client.post(cases, data={"csrf": csrf, **data})

    # decided alone as not a scheme, then reported in a case: the case's decision stands
    client.post(
        f"/ui/training/{number}/findings/{alert_of[true_ones[0]]}/verdict",
        data={"csrf": csrf, "verdict": "dismiss", "reason": "looked ordinary"},
    )
    ring = [str(alert_of[a]) for a in true_ones[:2]]
    assert put({"title": ""}).status_code == 400  # no title, no findings
    opened = put({"title": "Two rings paying one trader", "ids": ring})
    assert opened.status_code == 303
    case_url = opened.headers["location"]
    case_id = int(case_url.rsplit("/", 1)[1])
    page = client.get(case_url).text
    assert not re.search(r"S0000\d\d", page), "a scheme id (a label) reached the trainee"
    assert all(f"/findings/{i}" in page for i in ring)
    assert put({"title": "Again", "ids": ring[:1]}).status_code == 409  # one case per finding
    assert put({"case": str(case_id), "ids": [str(alert_of[decoys[0]])]}).status_code == 303
    decide = f"{case_url}/decision"
    assert client.post(decide, data={"csrf": csrf, "decision": "report"}).status_code == 400
    story = "shared counterparties, money in and out within days"
    reported = client.post(decide, data={"csrf": csrf, "decision": "report", "narrative": story})
    assert reported.status_code == 303
    assert put({"case": str(case_id), "ids": [str(alert_of[decoys[1]])]}).status_code == 409
    closed = put({"title": "Payroll", "ids": [str(alert_of[decoys[1]])]})
    other_case = closed.headers["location"]
    wages = {"csrf": csrf, "decision": "close", "narrative": "wages"}
    assert client.post(f"{other_case}/decision", data=wages).status_code == 303
    inbox = client.get(f"/ui/training/{number}").text
    assert f'href="{case_url}"' in inbox and inbox.count('class="decision"') == 2

    log_in(client, exercise.web.keys["viewer"])
    assert client.get(case_url).status_code in (404, 409)  # not another trainee's to read
    csrf = log_in(client, exercise.web.keys["admin"])
    assert client.post(f"/ui/training/{number}/finish", data={"csrf": csrf}).status_code == 303
    result = client.get(f"/ui/training/{number}/result?format=json").json()
    assert (result["schemes_found"], result["false_positives"]) == (2, 1)
    assert (result["cases_reported"], result["false_positive_cases"]) == (1, 0)
    first, second = result["cases"]
    assert first["decision"] == "report" and len(first["schemes"]) == 2
    assert second["decision"] == "close" and second["schemes"] == []
    assert "one case over 2 schemes" in client.get(f"/ui/training/{number}/result").text
    late = client.post(decide, data={"csrf": csrf, "decision": "close", "narrative": "late"})
    assert late.status_code == 409


def test_time_up_ends_the_attempt(client: TestClient, exercise: Exercise) -> None:
    number = exercise.exercise_id
    csrf = log_in(client, exercise.web.keys["analyst"])
    client.post(f"/ui/training/{number}/start", data={"csrf": csrf})
    store = CaseStore.open(exercise.web.home)
    try:
        with store.write(INSTRUCTOR) as writer:
            attempt = writer.session.query(Attempt).filter_by(trainee="ann").one()
            attempt.started_at -= timedelta(hours=9)
    finally:
        store.close()
    assert client.get(f"/ui/training/{number}").status_code == 303  # to the result
    assert client.post(f"/ui/training/{number}/finish", data={"csrf": csrf}).status_code == 409
    result = client.get(f"/ui/training/{number}/result?format=json").json()
    assert result["finished"] and result["schemes_found"] == 0
    assert result["seconds"] == pytest.approx(30 * 60)


def test_the_instructor_sees_every_trainee(client: TestClient, exercise: Exercise) -> None:
    log_in(client, exercise.web.keys["reviewer"])
    table = client.get(f"/ui/training/{exercise.exercise_id}/class?format=json").json()
    trainees = {row["trainee"] for row in table["trainees"]}
    assert {"val", "ann"} <= trainees
    page = client.get(f"/ui/training/{exercise.exercise_id}/class")
    assert page.status_code == 200 and "val" in page.text


def test_an_instructor_creates_an_exercise_that_gets_ready(
    client: TestClient, exercise: Exercise
) -> None:
    csrf = log_in(client, exercise.web.keys["reviewer"])
    form = {
        "csrf": csrf,
        "title": "Payroll week",
        "size": "5000",
        "typologies": ["fan_out", "structuring"],
        "difficulty": "easy",
        "time_limit_min": "20",
    }
    assert client.post("/ui/training/exercises", data=form).status_code == 303
    status, page = settled_status(client, "Payroll week")
    assert status == "ready", page
    csrf = log_in(client, exercise.web.keys["analyst"])
    bad = client.post("/ui/training/exercises", data=form | {"csrf": csrf})
    assert bad.status_code == 403


def test_an_exercise_orphaned_by_a_server_stop_fails_and_can_be_prepared_again(
    client: TestClient, exercise: Exercise
) -> None:
    """A server stopped half-way through preparing leaves the exercise ``preparing``, named for a
    process that no longer runs: the list shows it failed as interrupted, and the instructor
    prepares it again from its settings."""
    store = CaseStore.open(exercise.web.home)
    try:
        settings = ExerciseSettings("Stopped mid-way", size=5_000, typologies=("fan_out",))
        orphan = create_exercise(store, INSTRUCTOR, settings)
        dead = subprocess.run(
            [sys.executable, "-c", "import os; print(os.getpid())"],
            capture_output=True,
            text=True,
            check=True,
        )
        with store.write(INSTRUCTOR) as writer:
            row = writer.session.get(TrainingExercise, orphan)
            row.message = f"preparing in process {dead.stdout.strip()} on {socket.gethostname()}"
    finally:
        store.close()
    log_in(client, exercise.web.keys["viewer"])
    assert "interrupted" not in client.get("/ui/training").text  # a trainee's visit changes nothing
    csrf = log_in(client, exercise.web.keys["reviewer"])
    page = client.get("/ui/training").text
    assert re.search(r"<td>Stopped mid-way</td><td class=\"status\">failed", page), page
    assert INTERRUPTED in html.unescape(page)
    again = f"/ui/training/{orphan}/prepare"
    assert client.post(again, data={"csrf": csrf}).status_code == 303
    status, page = settled_status(client, "Stopped mid-way")
    assert status == "ready", page
    assert client.post(again, data={"csrf": csrf}).status_code == 409  # ready: nothing to redo


def test_a_finding_belongs_to_the_scheme_of_its_payments_before_that_of_its_accounts() -> None:
    truth = Truth()
    truth.by_payment["tx-1"].add("S1")
    truth.by_member["acc-shared"].update({"S1", "S2"})
    truth.by_member["acc-mule"].add("S3")
    on_payments = account_alert("a", "acc-shared")
    on_payments = replace(on_payments, tx_ids=("tx-1", "tx-legit"))
    assert truth.schemes_of(on_payments) == ["S1"]
    assert truth.schemes_of(account_alert("b", "acc-mule")) == ["S3"]  # its payments unlabelled
    assert truth.schemes_of(account_alert("c", "acc-clean")) == []


def test_an_exercise_on_a_home_with_lists_can_be_solved_through_its_network_findings(
    loaded_home: Home, tmp_path: Path
) -> None:
    """With the built-in lists, an exercise's planted 50 %-rule company and front-company
    cluster each have a network finding that touches them: the world plants listed owners from
    the home's lists, the 50 % rule runs on the exercise's graph, and its blocked companies count
    as DPRK links for the clusters, as in the demo."""
    planted = ("front_company", "ownership_50pct")
    settings = ExerciseSettings("Networks", size=20_000, typologies=planted, seed=7)
    world = tmp_path / "world"
    assert world / "network.parquet" in simulate_and_detect(loaded_home, settings, world)
    truth = read_truth(world)
    findings = read_findings(world / "network.parquet")
    touched = {
        scheme
        for alert in findings
        if alert.typology in planted
        for scheme in truth.schemes_of(alert)
    }
    wanted = {scheme for scheme, typology in truth.typology.items() if typology in planted}
    assert {truth.typology[s] for s in wanted} == set(planted)
    assert wanted <= touched, {s: truth.typology[s] for s in wanted - touched}
