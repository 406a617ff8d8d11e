"""One router per verb: screening (/match, /search), entities, admin (/algorithms, /healthz)."""
