"""An in-loop SQLite driver behind SQLAlchemy's aiosqlite dialect.

aiosqlite hands every statement to a worker thread and back, about 200 µs a round trip on this
machine, while ydan's statements take a few microseconds and its writers are already serialised
by ``Database``'s lock. This shim runs each statement directly on the event-loop thread instead.
The cost: a statement waiting for SQLite's write lock held by *another process* blocks the loop
(up to the busy timeout); deployments with several processes use PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Iterable, Sequence
from typing import Any


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size) if size is not None else self._cursor.fetchmany()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """Looks like an ``aiosqlite.Connection`` to SQLAlchemy; never leaves the loop's thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        # SQLAlchemy's adapter tests this attribute before commit and rollback.
        self._connection: sqlite3.Connection | None = connection

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self._opened().__await__()

    async def _opened(self) -> InlineConnection:
        return self

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        cursor = self.cursor()
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def connect(database: str, **kwargs: Any) -> InlineConnection:
    """``async_creator_fn`` for SQLAlchemy: transactions are begun explicitly by ``Database``."""
    kwargs.pop("isolation_level", None)
    kwargs.pop("check_same_thread", None)
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False, **kwargs)
    return InlineConnection(connection)
