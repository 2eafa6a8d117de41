"""Fixtures for the session tests: catalogs, a commune world and the job context."""

from __future__ import annotations

import pytest

from locales import Catalogs
from scheduler.jobs import Jobs
from scheduler.jobs_context import JobContext
from storage.clock import ManualClock
from storage.database import Database
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
