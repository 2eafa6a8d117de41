"""Fixtures for the outbox tests: several ``Database`` objects on one test database, and
simulated time.

The databases themselves (an empty, migrated one per test on SQLite and on PostgreSQL, the
PostgreSQL one in a throwaway database of the test session) come from ``tests/conftest.py``
through its ``db_url`` fixture.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from storage.clock import ManualClock
from storage.database import Database

# The outbox tests' own start of time, which their helpers use for ``not_before``.
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

DatabaseFactory = Callable[[], Database]


@pytest.fixture
async def outbox_databases(db_url: str) -> AsyncIterator[DatabaseFactory]:
    """Opens ``Database`` objects on the test database (one per simulated process)."""
    opened: list[Database] = []

    def make() -> Database:
        db = Database(db_url)
        opened.append(db)
        return db

    yield make
    for db in opened:
        await db.dispose()


@pytest.fixture
def outbox_db(outbox_databases: DatabaseFactory) -> Database:
    return outbox_databases()


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
