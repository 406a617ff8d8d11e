"""Service endpoints: ``/healthz`` (open), ``/algorithms`` and ``/updatez`` (reload the lists)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Depends, HTTPException, Request

from sever.screen.match import DEFAULT_ALGORITHM
from sever.serve.auth import require, require_update_right
from sever.serve.models import (
    Algorithm,
    AlgorithmDocs,
    AlgorithmResponse,
    ConfigVar,
    ErrorResponse,
    FeatureDoc,
    StatusResponse,
)

router = APIRouter(tags=["System information"])


@router.get("/healthz", summary="Health check", response_model=StatusResponse)
async def healthz() -> StatusResponse:
    """No-op health check for load balancers and cluster managers; needs no API key."""
    return StatusResponse(status="ok")


@router.get(
    "/algorithms",
    summary="Scoring algorithms",
    response_model=AlgorithmResponse,
    dependencies=[Depends(require("viewer"))],
)
def algorithms() -> AlgorithmResponse:
    """The scoring algorithms `/match` accepts (its `algorithm` parameter), each with its
    features, their weights and what each one checks. Generated from the algorithm registry."""
    from sever.screen.algorithms import ALGORITHMS

    listed = []
    for name, algorithm in ALGORITHMS.items():
        docs = algorithm.docs()
        features = {
            f["name"]: FeatureDoc(
                description=f["description"],
                coefficient=f["weight"],
                url=f"/algorithms#{f['name']}",
            )
            for f in docs["features"]
        }
        config = {
            "threshold": ConfigVar(
                type="float",
                description="Score at which a result is a match.",
                default=docs["threshold"],
            )
        }
        listed.append(
            Algorithm(
                name=name,
                description=algorithm.description,
                features=features,
                docs=AlgorithmDocs(
                    name=name, description=algorithm.description, config=config, features=features
                ),
            )
        )
    return AlgorithmResponse(algorithms=listed, default=DEFAULT_ALGORITHM, best=DEFAULT_ALGORITHM)


class UpdateGate:
    """Admits /updatez reloads: one at a time, and at most ``per_minute`` in any 60 seconds.
    A reload rebuilds the whole index (seconds of CPU and hundreds of MB), so a caller that
    repeats it must not be able to keep the server busy rebuilding."""

    WINDOW_S = 60.0
    BUSY_RETRY_S = 10
    """Retry-After when a reload is already running (a rebuild takes seconds)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._running = threading.Lock()
        self._guard = threading.Lock()
        self._started: deque[float] = deque()

    @contextmanager
    def admit(self) -> Iterator[None]:
        """Hold a reload slot for the ``with`` block, or raise 429 with Retry-After."""
        with self._guard:
            now = time.monotonic()
            while self._started and now - self._started[0] >= self.WINDOW_S:
                self._started.popleft()
            if len(self._started) >= self.per_minute:
                wait = math.ceil(self.WINDOW_S - (now - self._started[0]))
                raise HTTPException(
                    429,
                    f"at most {self.per_minute} reloads a minute (SEVER_UPDATES_PER_MINUTE); "
                    f"retry in {wait} s",
                    headers={"Retry-After": str(max(wait, 1))},
                )
            if not self._running.acquire(blocking=False):
                raise HTTPException(
                    429,
                    "a reload is already running; it serves this request's purpose too",
                    headers={"Retry-After": str(self.BUSY_RETRY_S)},
                )
            self._started.append(now)
        try:
            yield
        finally:
            self._running.release()


@router.post(
    "/updatez",
    summary="Reload the lists",
    response_model=StatusResponse,
    responses={
        401: {"model": ErrorResponse, "description": "Missing or unknown API key"},
        403: {"model": ErrorResponse, "description": "Needs the admin role"},
        429: {"model": ErrorResponse, "description": "A reload is running, or too many"},
    },
    dependencies=[Depends(require_update_right)],
)
def updatez(request: Request) -> StatusResponse:
    """Rebuild the screening index from the lists in service now (after `sever lists update`),
    instead of waiting for the next automatic check. Admin role only; with no API keys
    configured, only on a server listening on loopback (127.0.0.1, ::1). One reload at a time,
    and at most `SEVER_UPDATES_PER_MINUTE` (2) a minute: beyond, 429 with Retry-After."""
    with request.app.state.updates.admit():
        request.app.state.index.reload(force=True)
    return StatusResponse(status="ok")
