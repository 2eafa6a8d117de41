"""The Telegram channel itself: webhook mode and its secret, redelivery, restarts, ordering."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import ClientSession
from sqlalchemy import func, select

from handlers.events import OutText
from nlp.tagger import Tagger
from storage.clock import ManualClock
from storage.models import Concern
from tests.e2e.harness import WEBHOOK_SECRET, BotUnderTest, bot_under_test
from tests.fakebot import FakeBotApi, FakeUser


async def test_webhook_mode_answers_and_checks_the_secret(
    fake: FakeBotApi, sqlite_url: str, tagger: Tagger, clock: ManualClock
) -> None:
    async with bot_under_test(fake, sqlite_url, tagger=tagger, clock=clock, mode="webhook") as bot:
        assert fake.webhook.secret_token == WEBHOOK_SECRET
        lan = bot.person(2001, "Lan")
        greeting = await lan.command("start")
        assert any("Ý Dân" in t for t in lan.texts(greeting))
        before = fake.sent_count
        update = {
            "update_id": 999_001,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 2001, "type": "private"},
                "from": {"id": 2001, "is_bot": False, "first_name": "X"},
                "text": "/start",
            },
        }
        assert await fake.post_webhook(update, secret=None) == 403
        assert await fake.post_webhook(update, secret="wrong-secret") == 403
        async with (
            ClientSession() as http,
            http.post(
                fake.webhook.url,
                data=b"not json",
                headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
            ) as response,
        ):
            assert response.status == 400
        assert fake.sent_count == before


async def test_commands_menu_is_set_in_vietnamese_and_english(
    bot: BotUnderTest,
) -> None:
    fake = bot.fake
    vietnamese = {c["command"]: c["description"] for c in fake.commands()}
    english = {c["command"]: c["description"] for c in fake.commands(language_code="en")}
    assert vietnamese["gopy"] == "Gửi ý kiến, kiến nghị"
    assert english["submit"] == "Send a concern"


async def test_an_update_delivered_twice_is_processed_once(
    bot: BotUnderTest,
) -> None:
    fake = bot.fake
    lan = bot.person(2002, "Lan")
    await lan.onboard()
    await lan.send("Cống thoát nước ở ngõ 5 bị tắc, nước thải tràn ra đường")
    await lan.press("Đúng rồi")
    await lan.press("Ẩn tên")
    first = await lan.press("Gửi ý kiến")
    assert "DT-26-0001" in lan.texts(first)[-1]
    again = await lan.raw(await fake.redeliver(lan.last_update))
    assert again == []
    async with bot.runtime.db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Concern)) == 1


async def test_a_restart_mid_flow_continues_where_it_was(
    fake: FakeBotApi, sqlite_url: str, tagger: Tagger, clock: ManualClock
) -> None:
    async with bot_under_test(fake, sqlite_url, tagger=tagger, clock=clock) as bot:
        lan = bot.person(2003, "Lan")
        await lan.onboard()
        await lan.send("Đèn đường thôn Bảo Tân hỏng cả tháng nay, tối đi lại rất nguy hiểm")
        await lan.press("Đúng rồi")
        seen, history = lan.seen, lan.history
    async with bot_under_test(fake, sqlite_url, tagger=tagger, clock=clock, demo=False) as bot:
        lan = bot.person(2003, "Lan")
        lan.seen, lan.history = seen, history
        await lan.press("Ẩn tên")
        sent = await lan.press("Gửi ý kiến")
        assert "DT-26-0001" in lan.texts(sent)[-1]
        async with bot.runtime.db.reader() as session:
            concern = await session.scalar(select(Concern))
            assert concern is not None and "Đèn đường" in concern.text


async def test_chats_run_concurrently_and_each_in_order(
    bot: BotUnderTest,
) -> None:
    fake = bot.fake
    users = [FakeUser(3000 + i, f"Dân {i}") for i in range(8)]
    injected = []
    for user in users:
        injected.append(await fake.send_command(user, "start"))
        injected.append(await fake.send_text(user, "bao tan"))
    async with asyncio.timeout(20):
        for item in injected:
            await bot.channel.wait_processed(item.update_id)
    for user in users:
        texts = fake.sent_texts(user.id)
        # The greeting and village question come before the privacy notice, in every chat.
        assert "Nghị định 13/2023" in texts[-1], texts
        assert any("Ý Dân" in t for t in texts[:-1])


async def test_a_failed_reply_costs_neither_the_update_nor_the_next_one(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    fake = bot.fake
    lan = bot.person(2004, "Lan")
    await lan.onboard()
    # Telegram refuses the first reply (400): the next reply of the same update still goes.
    replies = (OutText("một"), OutText("hai"))
    fake.fail_next("sendMessage", status=400, description="Bad Request: message is too long")
    await bot.channel.send(str(lan.user.id), replies)
    assert fake.sent_texts(lan.user.id)[-1] == "hai"
    # A blocked chat (403) and a Telegram outage (500) stop the rest of that update's replies.
    before = len(fake.sent_texts(lan.user.id))
    for status in (403, 500):
        fake.fail_next("sendMessage", status=status)
        await bot.channel.send(str(lan.user.id), replies)
    assert len(fake.sent_texts(lan.user.id)) == before
    assert "message is too long" in caplog.text and "reply not sent: 500" in caplog.text
    # The conversation itself goes on.
    answer = await lan.command("trogiup")
    assert lan.texts(answer)
