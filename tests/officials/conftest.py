"""Fixtures for the officials' tests: ydan against the fake Bot API, with the demo commune."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from nlp.tagger import Tagger
from storage.clock import ManualClock
from tests.e2e.harness import BotUnderTest, bot_under_test
from tests.fakebot import FakeBotApi


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def bot(
    fake: FakeBotApi, sqlite_url: str, tagger: Tagger, clock: ManualClock
) -> AsyncIterator[BotUnderTest]:
    async with bot_under_test(fake, sqlite_url, tagger=tagger, clock=clock) as running:
        running.runtime.services.bot_username = fake.username
        yield running
