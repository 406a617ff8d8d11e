"""Official sanctions lists: load, version, diff, scope. Public surface below."""

from sever.lists.load import ensure_loaded, load_files
from sever.lists.scope import DPRK_PROGRAMS, dprk_reason, is_dprk_program

__all__ = ["DPRK_PROGRAMS", "dprk_reason", "ensure_loaded", "is_dprk_program", "load_files"]
