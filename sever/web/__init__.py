"""The analyst web app: inbox, hit review, cases and the audit chain, in a browser.

``sever serve`` serves it under ``/ui`` on the same app as the JSON API. Pages are rendered on
the server with Jinja2 templates and plain HTML forms; a few dozen lines of our own JavaScript
(``static/app.js``) add keyboard shortcuts and row selection on top, and every action still works
with scripting off. We chose this over a TypeScript single-page app because a small team keeps
one language and one place where roles are checked (the server), there is no build step or
``node_modules`` to maintain for years, and nothing is fetched from a CDN: the assets are files in
this package. htmx was considered and left out: the pages need no partial swaps that a full
page load does not already do quickly, and vendoring a library brings an upgrade duty.

Browsers log in with a user's API key (``sever users add``) and then carry a signed session
cookie (:mod:`sever.web.session`); every form that changes something carries a CSRF token.
Machines keep using API keys on the JSON API.
"""

from sever.web import views  # noqa: F401  (adds the training, entity and other views' pages)
from sever.web.routes import install

__all__ = ["install"]
