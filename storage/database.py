"""One object for the database: engine, sessions, and write transactions safe on both backends.

SQLite has one writer at a time: in-process writers queue on a lock instead of failing with
"database is locked", and ``BEGIN IMMEDIATE`` takes the write lock up front so that another
process waits on ``busy_timeout`` rather than erroring. PostgreSQL runs writers concurrently and
serialises one chat's updates with an advisory lock.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.db import create_engine, is_sqlite, session_factory


def _begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.sqlite = is_sqlite(url)
        self.engine: AsyncEngine = create_engine(url, echo=echo)
        self.sessions = session_factory(self.engine)
        self._write_lock = asyncio.Lock() if self.sqlite else None
        if self.sqlite:
            event.listen(self.engine.sync_engine, "begin", _begin)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session inside one committed-or-rolled-back write transaction."""
        if self._write_lock is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock, self.sessions() as session:
            # Procuring the connection autobegins, here with BEGIN IMMEDIATE.
            await session.connection(execution_options={"sqlite_immediate": True})
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise
            await session.commit()

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        """A session for reads only (on SQLite it still writes nothing, so no lock)."""
        async with self.sessions() as session:
            yield session

    async def lock_key(self, session: AsyncSession, key: str) -> None:
        """Serialise transactions on ``key`` across processes (PostgreSQL); SQLite already is."""
        if self.sqlite:
            return
        await session.execute(
            text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(key.encode())}
        )

    async def dispose(self) -> None:
        await self.engine.dispose()
