"""Fixtures for the session tests: catalogs, a commune world, the job context, the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from locales import Catalogs
from nlp.tagger import Tagger
from scheduler.jobs import Jobs
from scheduler.jobs_context import JobContext
from storage.clock import ManualClock
from storage.database import Database
from tests.e2e.harness import BotUnderTest, bot_under_test
from tests.fakebot import FakeBotApi
from tests.sessions.support import TZ, World, make_world


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture
async def world(database: Database, clock: ManualClock) -> World:
    return await make_world(database, clock.now())


@pytest.fixture
def jobs(database: Database, catalogs: Catalogs) -> Jobs:
    return Jobs(JobContext(database, catalogs, TZ))


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def bot(
    fake: FakeBotApi, sqlite_url: str, tagger: Tagger, clock: ManualClock
) -> AsyncIterator[BotUnderTest]:
    async with bot_under_test(fake, sqlite_url, tagger=tagger, clock=clock) as running:
        yield running
