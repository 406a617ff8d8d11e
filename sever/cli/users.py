"""``sever users``: named users with roles (viewer, analyst, reviewer, admin) and API keys.

sever users add NAME --role ROLE     prints the new API key once
sever users list
sever users disable NAME
"""

from __future__ import annotations

from typing import Annotated

import typer

from sever.cli.cases import Database, HomeOpt, Json, UserOpt, acting, open_store
from sever.cli.output import emit, print_table, user_errors

app = typer.Typer(
    help="Named users and roles for cases and the API; each user gets an API key, shown once.",
    no_args_is_help=True,
)

Name = Annotated[str, typer.Argument(help="The user's name, as recorded with their actions.")]


@app.command()
def add(
    name: Name,
    role: Annotated[str, typer.Option(help="viewer, analyst, reviewer or admin.")],
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """Add a user and print their API key (shown this once; only its hash is kept)."""
    from sever.cases.users import add_user

    with user_errors():
        store, actor = acting(home, database, user)
        added, key = add_user(store, actor, name, role)
    emit(
        added | {"api_key": key},
        as_json,
        lambda: typer.echo(
            f"user {name} added as {role}\nAPI key (shown once, keep it safe): {key}"
        ),
    )


@app.command("list")
def list_(home: HomeOpt = None, database: Database = None, as_json: Json = False) -> None:
    """The users, their roles and whether they are disabled."""
    from sever.cases.users import list_users

    with user_errors():
        users = list_users(open_store(home, database))
    emit(
        users,
        as_json,
        lambda: print_table(
            None,
            ["name", "role", "disabled", "created", "by"],
            [
                [u["name"], u["role"], u["disabled"], u["created_at"][:19], u["created_by"]]
                for u in users
            ],
        ),
    )


@app.command()
def disable(
    name: Name,
    home: HomeOpt = None,
    database: Database = None,
    user: UserOpt = None,
    as_json: Json = False,
) -> None:
    """Disable a user: their API key stops working and they can no longer act."""
    from sever.cases.users import disable_user

    with user_errors():
        store, actor = acting(home, database, user)
        view = disable_user(store, actor, name)
    emit(view, as_json, lambda: typer.echo(f"user {name} disabled"))
