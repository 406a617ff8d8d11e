"""What the server writes to its log, and what it keeps out: no secrets, no personal data.

Requests are not logged line by line (uvicorn's access log is off): /search URLs carry the names
being screened and log-in forms carry keys. The server's own messages name counts, files and list
entries, never a request's content. What remains is an exception's text: a message may quote a
value from the request (``KeyError('Kim Chol Su')``), so :class:`PrivateExceptions` logs an
unexpected error as its type and the code it went through, without its message.
"""

from __future__ import annotations

import copy
import logging
import traceback
from typing import Any

import uvicorn.config


class PrivateExceptions(logging.Filter):
    """Replace a record's exception text by the exception's type and traceback, message left
    out (the message may quote the request; the traceback names only code)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            frames = "".join(traceback.format_tb(error.__traceback__))
            record.exc_text = (
                f"Traceback (most recent call last):\n{frames}"
                f"{type(error).__module__}.{type(error).__qualname__} (message not logged)"
            )
            record.exc_info = None
        return True


def private(logger: logging.Logger) -> logging.Logger:
    """``logger`` with :class:`PrivateExceptions` on it (once)."""
    if not any(isinstance(f, PrivateExceptions) for f in logger.filters):
        logger.addFilter(PrivateExceptions())
    return logger


def log_config() -> dict[str, Any]:
    """uvicorn's logging set-up, with exception text kept private on every handler and sever's
    own messages (``sever.*``, INFO and above) written beside uvicorn's."""
    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["filters"] = {"private": {"()": PrivateExceptions}}
    for handler in config["handlers"].values():
        handler["filters"] = ["private"]
    config["loggers"]["sever"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
