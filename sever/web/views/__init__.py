"""The web app's views beyond the inbox and cases: training mode, the entity graph, trace flows
and list diffs. Importing this package adds their pages to :data:`sever.web.routes.router`, so
they are served, and checked for sessions and roles, like every other page under ``/ui``.
"""

from sever.web.training import case_pages as training_cases
from sever.web.training import pages as training
from sever.web.views import entity, lists_diff, trace

__all__ = ["entity", "lists_diff", "trace", "training", "training_cases"]
