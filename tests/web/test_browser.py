"""The analyst's day in a real browser (Debian's Chromium, headless) against ``sever serve``.

Screenshots of each view are written to ``$SEVER_ARTIFACTS/web`` (default: the test's temporary
folder) for CI to keep.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import WebHome


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = os.environ.get("SEVER_ARTIFACTS")
    folder = Path(root) / "web" if root else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_in(browser: Any, server: str, key: str) -> Any:
    """A fresh browser context logged in with ``key``; returns its page, on the inbox."""
    page = browser.new_context(base_url=server, viewport={"width": 1400, "height": 900}).new_page()
    page.goto("/ui/inbox")
    assert "/ui/login" in page.url
    page.fill("input[name=key]", key)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/inbox$"))
    return page


def test_an_analyst_triages_reviews_a_hit_escalates_and_the_audit_holds(
    browser: Any, server: str, web_home: WebHome, shots: Path
) -> None:
    page = log_in(browser, server, web_home.keys["analyst"])
    assert page.inner_text("#who") == "ann (analyst)"
    assert page.locator("#findings tbody tr").count() == 7
    page.screenshot(path=str(shots / "inbox.png"), full_page=True)

    page.select_option("select[name=verb]", "screen")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"verb=screen"))
    rows = page.locator("#findings tbody tr")
    assert rows.count() == 1
    assert "sanctioned_alias" in rows.first.inner_text()

    page.keyboard.press("j")
    page.keyboard.press("e")
    page.wait_for_url(re.compile(r"/ui/findings/"))
    assert "Kim Chol Su" in page.inner_text("#query")
    assert "1971-05-02" in page.inner_text("#query")
    entry = page.inner_text("#entry")
    assert "KIM CHOL SU" in entry and "745120099" in entry and "DPRK3" in entry
    assert "name_literal" in page.inner_text("#why")
    page.screenshot(path=str(shots / "hit-review.png"), full_page=True)

    page.fill("#verdict input[name=reason]", "same name and date of birth as the SDN entry")
    page.click("#verdict button[value=escalate]")
    page.wait_for_url(re.compile(r"/ui/cases/\d+$"))
    assert page.inner_text("#state") == "escalated"
    assert "escalate: same name and date of birth" in page.inner_text("#decisions")

    page.fill("#note textarea[name=text]", "Passport number checked against the entry.")
    page.click("#note button[type=submit]")
    page.wait_for_load_state()
    assert "Passport number checked" in page.inner_text("#notes")
    assert "case.note" in page.inner_text("#timeline")
    assert page.locator("#reports button", has_text="Draft SAR").count() == 1
    assert page.locator("#file").count() == 0  # an analyst does not file
    page.screenshot(path=str(shots / "case.png"), full_page=True)

    page.click("header a[href='/ui/audit']")
    assert "audit chain intact" in page.inner_text("#verdict")
    assert "case.decide" in page.inner_text("#chain")
    page.screenshot(path=str(shots / "audit.png"), full_page=True)

    page.click("header form button")
    page.wait_for_url(re.compile(r"/ui/login$"))
    page.goto("/ui/inbox")
    assert "/ui/login" in page.url
    page.context.close()


def test_a_viewer_sees_no_decide_button_and_a_forged_post_is_refused(
    browser: Any, server: str, web_home: WebHome
) -> None:
    page = log_in(browser, server, web_home.keys["viewer"])
    page.click("#findings tbody tr td a[href^='/ui/cases/']")
    page.wait_for_url(re.compile(r"/ui/cases/\d+$"))
    assert page.locator("#decide").count() == 0
    assert page.locator("#read-only").is_visible()
    case = page.url.rsplit("/", 1)[1]
    csrf = page.get_attribute("header input[name=csrf]", "value")
    post = page.request.post(
        f"/ui/cases/{case}/decide",
        form={"csrf": csrf, "state": "closed_no_action", "reason": "forged"},
        max_redirects=0,
    )
    assert post.status == 403
    page.context.close()


def test_a_post_without_the_csrf_token_is_refused(
    browser: Any, server: str, web_home: WebHome
) -> None:
    page = log_in(browser, server, web_home.keys["analyst"])
    case = page.get_attribute("#findings tbody tr td a[href^='/ui/cases/']", "href")
    post = page.request.post(f"{case}/notes", form={"text": "no token"}, max_redirects=0)
    assert post.status == 403
    assert "CSRF" in post.text()
    page.context.close()


def test_keyboard_selection_feeds_bulk_triage(browser: Any, server: str, web_home: WebHome) -> None:
    page = log_in(browser, server, web_home.keys["analyst"])
    for key in ("j", "j", "x"):
        page.keyboard.press(key)
    boxes = page.locator("#findings tbody input[name=ids]")
    assert [boxes.nth(i).is_checked() for i in range(3)] == [False, True, False]
    page.select_option("#bulk select[name=action]", "assign_me")
    page.click("#bulk button[type=submit]")
    page.wait_for_url(re.compile(r"/ui/inbox/triage$"))
    assert page.locator("#outcomes td.ok").count() == 1
    page.context.close()
