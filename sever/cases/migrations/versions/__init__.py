"""Alembic revisions of the cases store, oldest first."""
