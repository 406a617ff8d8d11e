"""Service endpoints: ``/healthz`` (open), ``/algorithms`` and ``/updatez`` (reload the lists)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from sever.screen.match import DEFAULT_ALGORITHM
from sever.serve.auth import require
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
def healthz() -> StatusResponse:
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


@router.post(
    "/updatez",
    summary="Reload the lists",
    response_model=StatusResponse,
    responses={403: {"model": ErrorResponse, "description": "Needs the admin role"}},
    dependencies=[Depends(require("admin"))],
)
def updatez(request: Request) -> StatusResponse:
    """Rebuild the screening index from the lists in service now (after `sever lists update`),
    instead of waiting for the next automatic check. Admin role only."""
    request.app.state.index.reload(force=True)
    return StatusResponse(status="ok")
