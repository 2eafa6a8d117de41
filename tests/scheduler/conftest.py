"""Fixtures for the outbox tests: a migrated database on SQLite and on PostgreSQL, simulated time.

PostgreSQL gets a database of its own per test session (``ydan_test_<random>``, created through
the shared ``test`` database and dropped at the end), so parallel sessions never meet. Each test
starts from empty tables. If the server is unreachable the PostgreSQL cases are skipped and say
why, or fail when ``YDAN_REQUIRE_POSTGRES`` is set (as ``.ci/run`` does).
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from storage.clock import ManualClock
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Base

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

DatabaseFactory = Callable[[], Database]


async def _create_pg() -> tuple[str, str]:
    name = f"ydan_test_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(ADMIN_DSN, timeout=5)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = PG_URL.format(name=name)
    db = Database(url)
    try:
        await upgrade(db.engine)
    finally:
        await db.dispose()
    return name, url


async def _drop_pg(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def outbox_pg_url() -> Iterator[str | BaseException]:
    """The URL of this session's migrated PostgreSQL database, or why there is none."""
    try:
        name, url = asyncio.run(_create_pg())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        yield exc
        return
    yield url
    asyncio.run(_drop_pg(name))


async def _empty_pg(url: str) -> None:
    db = Database(url)
    try:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with db.transaction() as session:
            await session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def outbox_db_url(
    request: pytest.FixtureRequest, tmp_path: Path, outbox_pg_url: str | BaseException
) -> str:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}"
        db = Database(url)
        try:
            await upgrade(db.engine)
        finally:
            await db.dispose()
        return url
    if isinstance(outbox_pg_url, BaseException):
        reason = f"PostgreSQL unreachable ({ADMIN_DSN}): {outbox_pg_url!r}"
        if os.environ.get("YDAN_REQUIRE_POSTGRES"):
            pytest.fail(reason)  # CI (.ci/run) must not pass with half the backends skipped
        pytest.skip(reason)
    await _empty_pg(outbox_pg_url)
    return outbox_pg_url


@pytest.fixture
async def outbox_databases(outbox_db_url: str) -> AsyncIterator[DatabaseFactory]:
    """Opens ``Database`` objects on the test database (one per simulated process)."""
    opened: list[Database] = []

    def make() -> Database:
        db = Database(outbox_db_url)
        opened.append(db)
        return db

    yield make
    for db in opened:
        await db.dispose()


@pytest.fixture
def outbox_db(outbox_databases: DatabaseFactory) -> Database:
    return outbox_databases()


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns whenever it builds a RetryAfter unless this opt-in to its next major
    # behaviour (retry_after as a timedelta) is set; warnings are errors in the tests.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


class FakeSleep:
    """Simulated time: records each requested sleep and moves the clock forward instead.

    Concurrent sleepers behave as in real time: the clock goes to the latest wake-up asked for,
    never past it (two tasks sleeping one second each take one second, not two).
    """

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        wake = self.clock.now() + timedelta(seconds=max(seconds, 0.0))
        # Let the other tasks run first, as they would while we slept.
        await asyncio.sleep(0)
        if self.clock.now() < wake:
            self.clock.set(wake)


@pytest.fixture
def fake_sleep(clock: ManualClock) -> FakeSleep:
    return FakeSleep(clock)


SleepFn = Callable[[float], Awaitable[None]]
