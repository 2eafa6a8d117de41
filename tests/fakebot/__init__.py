"""A fake Telegram Bot API server for end-to-end tests and benchmarks.

async with FakeBotApi() as fake:
    app = application_builder(fake).build()
    ...
    async with polling(app):
        await fake.send_text(FakeUser(1001, "Lan"), "Xin chào")
        reply = await fake.next_message(1001)
"""

from tests.fakebot.bot import FakeBot
from tests.fakebot.botstate import BotState, ChatEvent, WebhookConfig
from tests.fakebot.factories import FakeGroup, FakeUser
from tests.fakebot.formatting import FormatError, format_text
from tests.fakebot.hub import ApiRequest, DeliveryStats, Upload
from tests.fakebot.ptb import application_builder, polling, running
from tests.fakebot.server import DEFAULT_TOKEN, DEFAULT_USERNAME, FakeBotApi
from tests.fakebot.users import CONFIGURED, Injected, WebhookDeliveryError

__all__ = [
    "CONFIGURED",
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "ApiRequest",
    "BotState",
    "ChatEvent",
    "DeliveryStats",
    "FakeBot",
    "FakeBotApi",
    "FakeGroup",
    "FakeUser",
    "FormatError",
    "Injected",
    "Upload",
    "WebhookConfig",
    "WebhookDeliveryError",
    "application_builder",
    "format_text",
    "polling",
    "running",
]
