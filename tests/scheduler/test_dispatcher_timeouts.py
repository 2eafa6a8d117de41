"""Timeouts through the fake Bot API: a send that never answers is retried, nothing is lost."""

from __future__ import annotations

import random
from collections import Counter

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.channels.telegram_sender import TelegramNotificationSender
from scheduler.dispatcher import OutboxDispatcher
from storage.clock import ManualClock
from storage.database import Database
from storage.models import NotificationStatus
from storage.outbox import OutboxMessage
from tests.fakebot import FakeBotApi, FakeUser
from tests.scheduler.conftest import START, FakeSleep
from tests.scheduler.test_dispatcher import drain, put, rows


async def test_timeouts_are_retried_and_only_an_answered_too_late_send_repeats(
    outbox_db: Database, clock: ManualClock, fake_sleep: FakeSleep
) -> None:
    users = [FakeUser(9100 + i, f"Dân {i}") for i in range(6)]
    async with FakeBotApi() as fake:
        for user in users:
            fake.add_chat(user)
        await put(
            outbox_db,
            *(
                OutboxMessage(
                    f"t:{u.id}",
                    "telegram",
                    str(u.id),
                    None,
                    "notice",
                    {"text": f"Nhắc lịch {u.id}"},
                    START,
                )
                for u in users
            ),
        )
        # One request never answered and not delivered; one delivered but never answered.
        fake.hang_next("sendMessage")
        fake.hang_next("sendMessage", after_delivery=True)
        request = HTTPXRequest(connection_pool_size=8, read_timeout=0.5, write_timeout=0.5)
        bot = Bot(fake.token, base_url=fake.base_url, request=request)
        await bot.initialize()
        try:
            dispatcher = OutboxDispatcher(
                outbox_db,
                {"telegram": TelegramNotificationSender(bot)},
                clock,
                worker_id="timeouts",
                sleep=fake_sleep,
                rand=random.Random(2),
                concurrency=2,
            )
            await drain(dispatcher, clock)
        finally:
            fake.release_hangs()
            await bot.shutdown()
        delivered = Counter(int(r["chat_id"]) for r in fake.calls("sendMessage"))
        assert set(delivered) == {u.id for u in users}
        # Only the send delivered before its answer was lost may arrive twice.
        assert sum(n - 1 for n in delivered.values()) <= 1
    assert dispatcher.stats.retried == 2
    stored = await rows(outbox_db)
    assert {r.status for r in stored.values()} == {NotificationStatus.SENT}
