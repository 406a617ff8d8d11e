"""Alembic's entry point: migrate the connection the store hands over (never a URL from a file).

On PostgreSQL a transaction-level advisory lock makes two processes that open a new database at
once migrate it one after the other; on SQLite the store's ``BEGIN IMMEDIATE`` does the same.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7212031)")
    context.run_migrations()
