"""Trace: follow stolen crypto hop by hop to the services where it can be frozen.

``load_transfers`` reads and normalises chain transfers; ``trace`` follows the stolen value with
one taint method (``METHODS``) and returns the reached addresses, endpoints, patterns and alerts.
"""

from sever.trace.run import TraceResult, TraceSettings, trace
from sever.trace.tags import Tags
from sever.trace.taint import METHODS
from sever.trace.transfers import load_transfers

__all__ = ["METHODS", "Tags", "TraceResult", "TraceSettings", "load_transfers", "trace"]
