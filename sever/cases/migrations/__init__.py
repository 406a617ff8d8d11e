"""Alembic migrations of the cases store, shipped inside the package and run on first use."""
