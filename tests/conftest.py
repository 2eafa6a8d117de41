"""Shared fixtures: the network guard, databases on SQLite and PostgreSQL, the tagger, a clock.

PostgreSQL gets a database of its own per test session (``ydan_t_<random>``, created through the
``test`` database and dropped at the end). When it is unreachable, PostgreSQL cases are skipped
with the reason, unless ``YDAN_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), where they fail.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from nlp.tagger import Tagger, load_tagger
from storage.clock import ManualClock
from storage.database import Database
from storage.migrate import upgrade
from storage.models import Base
from tests.e2e.harness import BotUnderTest, bot_under_test
from tests.fakebot import FakeBotApi

pytest_plugins = ["tests.netguard"]

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
PG_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
# A Monday morning in Vietnam (08:00 +07), well clear of holidays.
DEFAULT_NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


async def _create_pg_database() -> tuple[str, str]:
    name = f"ydan_t_{secrets.token_hex(6)}"
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


async def _drop_pg_database(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_DSN, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str | BaseException]:
    """This session's migrated PostgreSQL database URL, or the error that prevented it."""
    try:
        name, url = asyncio.run(_create_pg_database())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        yield exc
        return
    yield url
    asyncio.run(_drop_pg_database(name))


def require_pg(url: str | BaseException) -> str:
    if isinstance(url, BaseException):
        reason = f"PostgreSQL unreachable at 127.0.0.1:5432: {url!r}"
        if os.environ.get("YDAN_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


async def empty_pg(url: str) -> None:
    db = Database(url)
    try:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with db.transaction() as session:
            await session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await db.dispose()


async def migrated_sqlite(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    db = Database(url)
    try:
        await upgrade(db.engine)
    finally:
        await db.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_url: str | BaseException
) -> str:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        return await migrated_sqlite(tmp_path / "ydan.db")
    url = require_pg(pg_url)
    await empty_pg(url)
    return url


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    return await migrated_sqlite(tmp_path / "ydan.db")


@pytest.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    db = Database(db_url)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
def tagger() -> Tagger:
    override = os.environ.get("YDAN_TEST_MODEL_DIR")
    return load_tagger(Path(override) if override else None)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DEFAULT_NOW)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    """The fake Telegram Bot API server on 127.0.0.1."""
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def bot(
    fake: FakeBotApi, sqlite_url: str, tagger: Tagger, clock: ManualClock
) -> AsyncIterator[BotUnderTest]:
    """ydan's whole Telegram path against the fake, with the demo commune, on SQLite."""
    async with bot_under_test(fake, sqlite_url, tagger=tagger, clock=clock) as running:
        yield running


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when it builds a RetryAfter unless opted in to timedelta values.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
