"""``serve``'s app factory starts the scheduler: its jobs and dispatcher reach the fake Bot API."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiohttp import web

from bot.web import SCHEDULER, init_app
from nlp.tagger import Tagger
from storage.clock import ManualClock
from storage.database import Database
from tests.e2e.harness import settings_for
from tests.fakebot import FakeBotApi, FakeUser
from tests.sessions.support import local, make_world

START = local(2026, 3, 20, 8)


async def test_the_scheduler_in_serve_delivers_a_notice_to_a_chat_seen_before(
    fake: FakeBotApi, sqlite_url: str, tagger: Tagger, clock: ManualClock
) -> None:
    db = Database(sqlite_url)
    try:
        world = await make_world(db, clock.now())
        # Lan onboarded in an earlier run: this fake has never seen her chat.
        await world.person("Lan", village=0, chat="7001", now=clock.now())
        await world.person("Tư", village=2, chat="7002", now=clock.now())
        fake.add_chat(FakeUser(7001, "Lan"))
        fake.add_chat(FakeUser(7002, "Tư"))
        await world.session(START, now=clock.now(), villages=[0, 1])
    finally:
        await db.dispose()
    app = init_app(settings_for(fake, sqlite_url), clock=clock, tagger=tagger)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await app[SCHEDULER].settle()

        def notice() -> dict[str, Any] | None:
            texts = [m for m in fake.sent_messages(7001) if "THÔNG BÁO" in (m.get("text") or "")]
            return texts[0] if texts else None

        message = await fake.wait_for(notice, timeout=10)
        assert "Hội nghị đối thoại Quý II" in message["text"]
        assert "Đăng ký phát biểu" in str(message["reply_markup"])
        assert fake.sent_messages(7002) == []
        jobs = app[SCHEDULER].jobs
        assert [name for name, _ in jobs.morning] == ["deadline_alerts", "triage_summary"]
        assert -1 not in (await jobs.every_morning(clock.now())).values()
    finally:
        await runner.cleanup()


async def test_without_a_token_there_is_no_scheduler(
    sqlite_url: str, tagger: Tagger, clock: ManualClock, fake: FakeBotApi
) -> None:
    settings = replace(settings_for(fake, sqlite_url), telegram_token=None)
    app = init_app(settings, clock=clock, tagger=tagger)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        assert SCHEDULER not in app
    finally:
        await runner.cleanup()
    assert fake.requests() == []
