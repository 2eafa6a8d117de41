"""Runs ydan's real Telegram channel against the fake Bot API and talks to it as people do.

``BotUnderTest`` opens the runtime (database, engine) with an injected clock and the real tagger,
starts ``TelegramChannel`` in polling or webhook mode, and waits for each update to be fully
handled (``TelegramChannel.wait_processed``) instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.demo import load_demo
from bot.runtime import Runtime, open_runtime
from bot.web import CHANNEL, RUNTIME, SETTINGS, WEBHOOK_PATH, telegram_webhook
from nlp.tagger import Tagger
from storage.clock import Clock
from tests.fakebot import FakeBotApi, FakeUser, Injected

JSON = dict[str, Any]
WAIT = 15.0
WEBHOOK_SECRET = "s3cret-Token_1"


def settings_for(fake: FakeBotApi, db_url: str, **overrides: Any) -> Settings:
    base = Settings(
        database_url=db_url,
        telegram_token=fake.token,
        telegram_base_url=fake.base_url,
        telegram_base_file_url=fake.base_file_url,
        telegram_mode="polling",
        # The bot under test runs in the test's own process, with the test's clock.
        engine_process="off",
    )
    return replace(base, **overrides)


@dataclass
class BotUnderTest:
    fake: FakeBotApi
    runtime: Runtime
    channel: TelegramChannel
    # A ManualClock in tests (they advance it); the real clock in benchmarks.
    clock: Any

    async def deliver(self, injected: Injected) -> None:
        async with asyncio.timeout(WAIT):
            await self.channel.wait_processed(injected.update_id)

    def person(self, user_id: int, name: str = "Người dân", language: str = "vi") -> Person:
        return Person(self, FakeUser(user_id, name, language_code=language))


@dataclass
class Person:
    """One simulated person; each call returns the bot messages that input produced."""

    bot: BotUnderTest
    user: FakeUser
    seen: int = 0
    last_update: int = 0
    history: list[JSON] = field(default_factory=list)

    @property
    def fake(self) -> FakeBotApi:
        return self.bot.fake

    async def _after(self, injected: Injected) -> list[JSON]:
        self.last_update = injected.update_id
        await self.bot.deliver(injected)
        messages = self.fake.sent_messages(self.user.id)
        new = messages[self.seen :]
        self.seen = len(messages)
        self.history.extend(new)
        return new

    async def send(self, text: str) -> list[JSON]:
        return await self._after(await self.fake.send_text(self.user, text))

    async def command(self, command: str, args: str = "") -> list[JSON]:
        return await self._after(await self.fake.send_command(self.user, command, args))

    async def press(self, label: str, message: JSON | None = None) -> list[JSON]:
        """Press the button whose label contains ``label`` on the newest message showing one."""
        target = message or self.message_with_button(label)
        data = next(
            b["callback_data"]
            for row in target["reply_markup"]["inline_keyboard"]
            for b in row
            if label in b["text"]
        )
        return await self._after(await self.fake.press_button(self.user, target, data))

    async def press_data(self, message: JSON, data: str) -> list[JSON]:
        return await self._after(await self.fake.press_button(self.user, message, data))

    def message_with_button(self, label: str) -> JSON:
        for message in reversed(self.history):
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                if any(label in b["text"] for b in row):
                    return message
        raise AssertionError(f"no message with a button {label!r}; got {self.texts()[-3:]}")

    async def choose_topics(self, wanted: set[str]) -> None:
        """In the topic picker, press topics until exactly ``wanted`` (labels) are ticked."""
        for _ in range(20):
            picker = self.message_with_button("Xong")
            buttons = [b for row in picker["reply_markup"]["inline_keyboard"] for b in row]
            ticked = {b["text"].removeprefix("✅ ") for b in buttons if b["text"].startswith("✅")}
            wrong = (ticked - wanted) | (wanted - ticked)
            if not wrong:
                return
            label = sorted(wrong)[0]
            data = next(
                b["callback_data"] for b in buttons if b["text"].removeprefix("✅ ") == label
            )
            await self.press_data(picker, data)
        raise AssertionError("the topic picker did not settle")

    async def submit(self, text: str, topic: str = "Hạ tầng") -> list[JSON]:
        """Write ``text``, confirm the topics (picking ``topic`` if asked), stay anonymous, send."""
        shown = await self.send(text)
        if "Xong" in str(shown[-1].get("reply_markup")):
            await self.choose_topics({topic})
            await self.press("Xong")
        else:
            await self.press("Đúng rồi")
        await self.press("Ẩn tên")
        return await self.press("Gửi ý kiến")

    async def contact(self, phone: str) -> list[JSON]:
        return await self._after(await self.fake.send_contact(self.user, phone))

    async def location(self, lat: float, lon: float) -> list[JSON]:
        return await self._after(await self.fake.send_location(self.user, lat, lon))

    async def photo(self, caption: str | None = None) -> list[JSON]:
        return await self._after(
            await self.fake.send_photo(self.user, b"\x89PNG fake", caption=caption)
        )

    def pushed(self) -> list[JSON]:
        """Messages that reached this person since the last look without an input of theirs
        (sent from the outbox), now counted as seen."""
        messages = self.fake.sent_messages(self.user.id)
        new = messages[self.seen :]
        self.seen = len(messages)
        self.history.extend(new)
        return new

    async def raw(self, injected: Injected) -> list[JSON]:
        return await self._after(injected)

    def texts(self, messages: list[JSON] | None = None) -> list[str]:
        chosen = self.history if messages is None else messages
        return [str(m.get("text") or m.get("caption") or "") for m in chosen]

    async def onboard(self, village: str = "Bảo Tân") -> list[JSON]:
        await self.command("start")
        await self.send(village)
        return await self.press("đồng ý")


def uploaded(fake: FakeBotApi, message: JSON) -> bytes:
    """The bytes of a document the bot sent (``message`` as the fake recorded it)."""
    for request in fake.requests("sendDocument"):
        result = request.result
        if (
            request.ok
            and isinstance(result, dict)
            and result.get("message_id") == message.get("message_id")
            and result.get("chat", {}).get("id") == message.get("chat", {}).get("id")
        ):
            return next(iter(request.files.values())).content
    raise AssertionError(f"no upload for message {message.get('message_id')}")


@asynccontextmanager
async def bot_under_test(
    fake: FakeBotApi,
    db_url: str,
    *,
    tagger: Tagger,
    clock: Clock,
    demo: bool = True,
    mode: str = "polling",
    max_rate: int = 0,
) -> AsyncIterator[BotUnderTest]:
    """The whole Telegram path: fake Bot API -> PTB -> handlers -> database -> replies."""
    async with AsyncExitStack() as stack:
        overrides: dict[str, Any] = {"telegram_mode": mode}
        if mode == "webhook":
            # The real URL is known once the web server listens; the secret is fixed here.
            overrides |= {"webhook_url": "http://127.0.0.1/", "webhook_secret": WEBHOOK_SECRET}
        settings = settings_for(fake, db_url, **overrides)
        runtime = await stack.enter_async_context(
            open_runtime(settings, clock=clock, tagger=tagger)
        )
        if demo:
            async with runtime.db.transaction() as session:
                await load_demo(session, clock.now())
        channel = TelegramChannel(
            settings, runtime.engine, runtime.services.catalogs, max_rate=max_rate
        )
        if mode == "webhook":
            app = web.Application()
            app[SETTINGS] = settings
            app[RUNTIME] = runtime
            app[CHANNEL] = channel
            app.router.add_post(WEBHOOK_PATH, telegram_webhook)
            runner = web.AppRunner(app)
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = runner.addresses[0][1]
            channel.settings = replace(
                settings, webhook_url=f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
            )
        await channel.start()
        stack.push_async_callback(channel.stop)
        runtime.services.bot_username = channel.username
        yield BotUnderTest(fake, runtime, channel, clock)
