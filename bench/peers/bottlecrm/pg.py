"""The few PostgreSQL administration steps the peer needs, through psycopg (in Tandem's venv)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from bench.peers.bottlecrm.config import Database


@contextmanager
def admin_connection(db: Database) -> Iterator[psycopg.Connection]:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    with psycopg.connect(
        host=db.host, port=db.port, user=db.admin, dbname="postgres", autocommit=True
    ) as conn:
        yield conn


def ensure_role(conn: psycopg.Connection, db: Database) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [db.user]).fetchone()
    if exists is None:
        conn.execute(
            sql.SQL(
                "CREATE ROLE {} LOGIN PASSWORD {} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            ).format(sql.Identifier(db.user), sql.Literal(db.password))
        )


def database_comment(conn: psycopg.Connection, name: str) -> str | None:
    row = conn.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
    ).fetchone()
    return None if row is None else row[0]


def drop_database(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def recreate_database(
    conn: psycopg.Connection, name: str, *, owner: str, template: str | None = None
) -> None:
    drop_database(conn, name)
    statement = sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(owner))
    if template:
        statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
    conn.execute(statement)


def comment_database(conn: psycopg.Connection, name: str, comment: str) -> None:
    conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(comment)))
