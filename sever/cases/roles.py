"""Who may do what: the roles, least trusted first, and the acting user every change names."""

from __future__ import annotations

from dataclasses import dataclass

from sever.errors import SeverError

ROLES = ("viewer", "analyst", "reviewer", "admin")
"""Each role can do what the ones before it can. A viewer reads; an analyst ingests, assigns,
writes notes, drafts reports and moves cases up to escalation or closure; a reviewer also
files reports (never one they drafted) and reopens closed cases; an admin also manages users."""


class NotAllowed(SeverError):
    """The acting user may not do this (their role is too low, or four-eyes forbids it)."""


@dataclass(frozen=True)
class Actor:
    """The named user behind an action, with their role."""

    name: str
    role: str

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def require(self, role: str, what: str) -> None:
        """Raise NotAllowed unless this actor has at least ``role``."""
        if not self.at_least(role):
            raise NotAllowed(f"{what} needs the {role} role; {self.name} is a {self.role}")
