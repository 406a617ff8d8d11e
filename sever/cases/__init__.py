"""Cases: findings from every verb worked into cases, with decisions, users and an audit chain.

The store (:mod:`sever.cases.store`) is SQLite in the home by default and PostgreSQL by URL; the
workflow (:mod:`sever.cases.workflow`), grouping (:mod:`sever.cases.ingest`), remembered
screening decisions (:mod:`sever.cases.suppress`), users (:mod:`sever.cases.users`) and the audit
chain (:mod:`sever.cases.audit`) sit on it. SQLAlchemy is imported only when a case command runs.
"""
