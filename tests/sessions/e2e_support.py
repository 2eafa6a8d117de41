"""End-to-end helpers: make an official, run the scheduled jobs, deliver the outbox to the fake."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Bot

from bot.channels.telegram_sender import TelegramNotificationSender
from scheduler.dispatcher import OutboxDispatcher
from scheduler.jobs import Jobs
from scheduler.jobs_context import JobContext
from storage.clock import ManualClock
from storage.models import Department, Role
from storage.models import Person as PersonRow
from storage.repo.people import find_identity, grant_role
from tests.e2e.harness import BotUnderTest, Person
from tests.sessions.support import TZ


async def person_id(bot: BotUnderTest, who: Person) -> int:
    async with bot.runtime.db.reader() as session:
        identity = await find_identity(session, "telegram", str(who.user.id))
        assert identity is not None
        return identity.person_id


async def make_official(bot: BotUnderTest, who: Person, department: Department) -> int:
    """Grant the official role to someone who already onboarded (as an admin would)."""
    pid = await person_id(bot, who)
    async with bot.runtime.db.transaction() as session:
        row = await session.get(PersonRow, pid)
        assert row is not None and row.commune_id is not None
        await grant_role(
            session,
            person_id=pid,
            commune_id=row.commune_id,
            role=Role.OFFICIAL,
            department=department,
            now=bot.clock.now(),
        )
    return pid


def jobs_for(bot: BotUnderTest) -> Jobs:
    return Jobs(JobContext(bot.runtime.db, bot.runtime.services.catalogs, TZ))


async def run_jobs(bot: BotUnderTest, now: datetime | None = None) -> None:
    results = await jobs_for(bot).every_minute(now or bot.clock.now())
    assert -1 not in results.values(), results


async def deliver(bot: BotUnderTest) -> int:
    """Send everything due in the outbox to the fake Bot API, as the dispatcher in serve does."""
    fake = bot.fake
    telegram_bot = Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
    await telegram_bot.initialize()
    try:
        # The dispatcher's own clock, moved by its waits (the rate limiter's pauses), so that
        # it never sleeps and the bot's clock stays where the test put it.
        clock = ManualClock(bot.clock.now())

        async def wait(seconds: float) -> None:
            clock.advance(timedelta(seconds=seconds))

        dispatcher = OutboxDispatcher(
            bot.runtime.db,
            {"telegram": TelegramNotificationSender(telegram_bot)},
            clock,
            worker_id="e2e",
            sleep=wait,
        )
        while await dispatcher.run_once():
            pass
        return dispatcher.stats.sent
    finally:
        await telegram_bot.shutdown()
