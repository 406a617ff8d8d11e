"""Serving reads the cases store beside a writer: a page never waits for another's lock."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from sever.cases.models import User
from sever.cases.roles import Actor
from sever.cases.store import CaseStore
from sever.home import Home


def test_a_read_does_not_wait_for_a_write_in_progress(home: Home) -> None:
    store = CaseStore.open(home)
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:
        with store.write(Actor("ada", "admin")):
            writing.set()
            done.wait(timeout=30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(timeout=30)
        started = time.monotonic()
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(User)) == 0
        assert time.monotonic() - started < 1.0, "the read waited for the writer's lock"
    finally:
        done.set()
        thread.join()
        store.close()
