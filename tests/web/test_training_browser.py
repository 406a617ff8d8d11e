"""Training mode, the entity graph and the trace view in a real browser (Debian's Chromium,
headless) against ``sever serve``: a trainee completes an exercise and reads their score; an
instructor reads the class table; an analyst expands an entity graph and opens a trace run.
Screenshots go to ``$SEVER_ARTIFACTS/web``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import WebHome
from tests.web.test_browser import log_in, shots  # noqa: F401  (the screenshot folder fixture)
from tests.web.test_training import make_exercise
from tests.web.test_views import FREEZE, build_registry_graph


@pytest.fixture(scope="module")
def exercise_home(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("training-browser")
    exercise = make_exercise(root)
    build_registry_graph(exercise.web.home, root)
    return exercise


@pytest.fixture(scope="module")
def web_home(exercise_home: Any) -> WebHome:
    """The server fixture of conftest serves this home: users, an exercise and a graph."""
    return exercise_home.web


def test_a_trainee_completes_an_exercise_and_the_instructor_sees_the_score(
    browser: Any,
    server: str,
    exercise_home: Any,
    shots: Path,  # noqa: F811
) -> None:
    number = exercise_home.exercise_id
    page = log_in(browser, server, exercise_home.web.keys["viewer"])
    page.click("header a[href='/ui/training']")
    assert "Practice: bank schemes" in page.inner_text("#exercises")
    page.click(f"#exercises a[href='/ui/training/{number}']")
    page.click("#start button")
    page.wait_for_url(re.compile(rf"/ui/training/{number}$"))
    rows = page.locator("#findings tbody tr")
    assert rows.count() == len(exercise_home.schemes)
    page.screenshot(path=str(shots / "training-inbox.png"), full_page=True)

    left_out = []  # rows showing a scheme that were dismissed alone: they go into a case
    for i in range(rows.count()):
        page.locator("#findings tbody tr").nth(i).locator("a").click()
        page.wait_for_url(re.compile(rf"/ui/training/{number}/findings/\d+$"))
        alert_id = page.inner_text("#finding-id")
        escalate = bool(exercise_home.schemes[alert_id]) and i % 2 == 0
        if exercise_home.schemes[alert_id] and not escalate:
            left_out.append(i)
        page.fill("#verdict input[name=reason]", "the pattern holds on its payments")
        page.click(f"#verdict button[value={'escalate' if escalate else 'dismiss'}]")
        page.wait_for_url(re.compile(rf"/ui/training/{number}$"))
    assert page.locator("#findings td.verdict:text('escalate')").count() >= 1
    assert left_out, "the world should give the case at least one finding"
    for i in left_out:
        page.locator("#findings tbody tr").nth(i).locator("input[type=checkbox]").check()
    page.fill("#case-actions input[name=title]", "Accounts passing money on within days")
    page.click("#case-actions button")
    page.wait_for_url(re.compile(rf"/ui/training/{number}/cases/\d+$"))
    assert page.locator("#case-findings tbody tr").count() == len(left_out)
    page.fill("#case-decision textarea[name=narrative]", "money in and straight out again")
    page.screenshot(path=str(shots / "training-case.png"), full_page=True)
    page.click("#case-decision button[value=report]")
    page.wait_for_url(re.compile(rf"/ui/training/{number}$"))
    assert page.inner_text("#cases td.decision") == "report"
    page.click("#finish button")
    page.wait_for_url(re.compile(rf"/ui/training/{number}/result$"))
    found = page.inner_text("#found")
    assert found == "3 of 3", found  # escalated alone, or reported in the case
    assert page.inner_text("#false-positives") == "0"
    missed = page.locator(".scheme.missed")
    if missed.count():
        assert missed.first.locator("ul.flags li").count() >= 1
        assert missed.first.locator("a.evidence").count() >= 1
    page.screenshot(path=str(shots / "training-result.png"), full_page=True)
    page.context.close()

    teacher = log_in(browser, server, exercise_home.web.keys["reviewer"])
    teacher.goto(f"/ui/training/{number}/class")
    assert "val" in teacher.inner_text("#class")
    teacher.screenshot(path=str(shots / "training-class.png"), full_page=True)
    teacher.context.close()


def test_an_analyst_expands_an_entity_graph(
    browser: Any,
    server: str,
    exercise_home: Any,
    shots: Path,  # noqa: F811
) -> None:
    page = log_in(browser, server, exercise_home.web.keys["analyst"])
    page.click("header a[href='/ui/entity']")
    page.click("#starts a[href='/ui/entity?node=p-komid']")
    page.wait_for_url(re.compile(r"node=p-komid"))
    page.click("#graph g.node[data-id='co-sinpo']")
    page.wait_for_selector("#graph[data-expanded='2']")
    drawn = page.locator("#graph g.node").count()
    assert drawn >= 5  # p-komid, its entity, Sinpo and Sinpo's owners and holdings
    assert page.locator("#graph g.node[data-id='co-star']").count() == 1
    page.screenshot(path=str(shots / "entity.png"), full_page=True)
    page.dblclick("#graph g.node[data-id='co-star']")
    page.wait_for_url(re.compile(r"node=co-star"))
    assert "= 55 % ≥ 50 %" in page.inner_text("#chain")
    assert "Dandong Star Co is blocked" in page.inner_text("#arithmetic")
    page.context.close()


def test_the_trace_view_frames_the_flow_under_its_own_policy(
    browser: Any,
    server: str,
    exercise_home: Any,
    shots: Path,  # noqa: F811
) -> None:
    run = exercise_home.web.home.root / "trace" / "bybit"
    run.mkdir(parents=True, exist_ok=True)
    (run / "freeze.json").write_text(json.dumps(FREEZE), encoding="utf-8")
    (run / "flow.html").write_text(
        "<!doctype html><html><head><style>h1{color:#b3261e}</style></head>"
        "<body><h1 id='flow-title'>Trace of stolen funds</h1><svg width='10' height='10'></svg>"
        "</body></html>",
        encoding="utf-8",
    )
    page = log_in(browser, server, exercise_home.web.keys["viewer"])
    page.click("header a[href='/ui/trace']")
    assert "0xdeposit01" in page.inner_text("#freeze")
    frame = page.frame_locator("#flow")
    assert frame.locator("#flow-title").inner_text() == "Trace of stolen funds"
    page.screenshot(path=str(shots / "trace.png"), full_page=True)
    page.context.close()
