"""Replies as plain Bot API calls: keyboards, edits, Telegram's limits and every kind of failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.channels.aiohttp_request import AiohttpRequest
from bot.channels.telegram_replies import BotApiError, ReplySender
from handlers.events import Button, OutDocument, OutText
from scheduler.ratelimit import Limits, RateLimiter
from storage.clock import ManualClock
from tests.e2e.harness import uploaded
from tests.fakebot import FakeBotApi, FakeGroup, FakeUser

LAN = FakeUser(1001, "Lan")
GROUP = FakeGroup(-5001, "Thôn Đông")


class SimulatedSleep:
    """``asyncio.sleep`` in simulated time: records the wait and moves the clock on."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(timedelta(seconds=seconds))


@pytest.fixture
async def request_pool() -> AsyncIterator[AiohttpRequest]:
    request = AiohttpRequest()
    await request.initialize()
    yield request
    await request.shutdown()


def _sender(
    fake: FakeBotApi,
    request: AiohttpRequest,
    clock: ManualClock,
    limits: Limits | None = None,
) -> tuple[ReplySender, SimulatedSleep]:
    sleep = SimulatedSleep(clock)
    limiter = RateLimiter(clock, limits) if limits is not None else None
    return ReplySender(request, f"{fake.base_url}{fake.token}", limiter, sleep=sleep), sleep


async def test_every_keyboard_kind_reaches_the_chat(
    fake: FakeBotApi, request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    fake.add_chat(LAN)
    sender, _ = _sender(fake, request_pool, clock)
    buttons = ((Button("Đúng rồi", "t:ok"), Button("Sửa", "t:edit")),)
    await sender.text(str(LAN.id), OutText("Chủ đề: Giao thông", buttons=buttons))
    await sender.text(str(LAN.id), OutText("Số điện thoại?", request_contact="Gửi số"))
    await sender.text(str(LAN.id), OutText("Chọn việc", menu=(("Gửi ý kiến", "Trợ giúp"),)))
    await sender.text(str(LAN.id), OutText("Đã xong", remove_menu=True))
    first, contact, menu, removed = fake.sent_messages(LAN)
    assert first["text"] == "Chủ đề: Giao thông"
    inline = first["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for b in inline[0]] == ["t:ok", "t:edit"]
    contact_params, menu_params, removed_params = fake.calls("sendMessage")[1:]
    assert contact_params["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert [b["text"] for b in menu_params["reply_markup"]["keyboard"][0]] == [
        "Gửi ý kiến",
        "Trợ giúp",
    ]
    assert menu_params["reply_markup"]["is_persistent"] is True
    assert removed_params["reply_markup"] == {"remove_keyboard": True}
    assert (contact["text"], menu["text"], removed["text"]) == (
        "Số điện thoại?",
        "Chọn việc",
        "Đã xong",
    )


async def test_text_arrives_exactly_as_written(
    fake: FakeBotApi, request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    fake.add_chat(LAN)
    sender, _ = _sender(fake, request_pool, clock)
    # Characters a form encoding must escape, a text that looks like a number, and emoji.
    texts = ["Ngõ 5 & ngõ 7: 100% + 1 = ?", "123", "Cảm ơn bác 🙏 #góp_ý"]
    for text in texts:
        await sender.text(str(LAN.id), OutText(text))
    assert [m["text"] for m in fake.sent_messages(LAN)] == texts


async def test_an_edit_replaces_the_earlier_message(
    fake: FakeBotApi, request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    fake.add_chat(LAN)
    sender, _ = _sender(fake, request_pool, clock)
    await sender.text(str(LAN.id), OutText("Bước 1"))
    message_id = str(fake.sent_messages(LAN)[0]["message_id"])
    await sender.text(str(LAN.id), OutText("Bước 1 (đã chọn)", edit_message_id=message_id))
    [shown] = fake.sent_messages(LAN)
    assert shown["text"] == "Bước 1 (đã chọn)"


async def test_a_document_is_uploaded_with_its_name_and_caption(
    fake: FakeBotApi, request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    fake.add_chat(LAN)
    sender, sleep = _sender(fake, request_pool, clock, Limits(chat_interval=0.0))
    fake.fail_next("sendDocument", status=429, retry_after=2)
    content = b"PK\x03\x04 ket luan phien doi thoai"
    await sender.document(str(LAN.id), OutDocument("ketluan.docx", content, "Kết luận phiên"))
    [message] = fake.sent_messages(LAN)
    assert message["document"]["file_name"] == "ketluan.docx"
    assert message["caption"] == "Kết luận phiên"
    assert uploaded(fake, message) == content
    assert sleep.waits == [pytest.approx(2.0, abs=0.01)]


async def test_flood_control_pauses_then_the_reply_goes_once(
    fake: FakeBotApi, request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    fake.add_chat(LAN)
    sender, sleep = _sender(fake, request_pool, clock, Limits(chat_interval=0.0))
    fake.fail_next("sendMessage", status=429, retry_after=3, count=2)
    await sender.text(str(LAN.id), OutText("Ý kiến đã được ghi nhận"))
    assert [m["text"] for m in fake.sent_messages(LAN)] == ["Ý kiến đã được ghi nhận"]
    # Two 429s, each waited out in full before the next try (simulated time).
    assert sum(sleep.waits) == pytest.approx(6.0, abs=0.01)


async def test_flood_control_without_a_limiter_sleeps_itself(
    fake: FakeBotApi, request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    fake.add_chat(LAN)
    sender, sleep = _sender(fake, request_pool, clock)
    fake.fail_next("sendMessage", status=429, retry_after=2)
    await sender.text(str(LAN.id), OutText("Xin chào"))
    assert sleep.waits == [2.0]
    assert len(fake.sent_messages(LAN)) == 1


async def test_flood_control_gives_up_after_the_retries(
    fake: FakeBotApi, request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    fake.add_chat(LAN)
    sender, sleep = _sender(fake, request_pool, clock)
    fake.fail_next("sendMessage", status=429, retry_after=1, count=4)
    with pytest.raises(BotApiError) as caught:
        await sender.text(str(LAN.id), OutText("Xin chào"))
    assert (caught.value.status, caught.value.retry_after) == (429, 1.0)
    assert sleep.waits == [1.0, 1.0, 1.0]
    assert fake.sent_messages(LAN) == []


async def test_a_group_gets_twenty_messages_a_minute(
    fake: FakeBotApi, request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    fake.add_chat(GROUP)
    limits = Limits(chat_interval=0.0, group_per_window=2, group_window=60.0)
    sender, sleep = _sender(fake, request_pool, clock, limits)
    for n in range(3):
        await sender.text(str(GROUP.id), OutText(f"Thông báo {n}"))
    assert len(fake.sent_messages(GROUP)) == 3
    # The third waited for the first to leave the one-minute window.
    assert sum(sleep.waits) == pytest.approx(60.0, abs=0.5)


@pytest.mark.parametrize(
    ("fault", "status", "description"),
    [
        ({"status": 400, "description": "Bad Request: message is too long"}, 400, "too long"),
        ({"status": 403}, 403, "blocked"),
        ({"status": 502}, 502, "without a Bot API answer"),
        ({"status": 500}, 500, "Internal Server Error"),
    ],
)
async def test_failures_become_one_error_with_telegrams_words(
    fake: FakeBotApi,
    request_pool: AiohttpRequest,
    clock: ManualClock,
    fault: dict[str, int | str],
    status: int,
    description: str,
) -> None:
    fake.add_chat(LAN)
    sender, sleep = _sender(fake, request_pool, clock, Limits(chat_interval=0.0))
    fake.fail_next("sendMessage", **fault)  # type: ignore[arg-type]
    with pytest.raises(BotApiError) as caught:
        await sender.text(str(LAN.id), OutText("Xin chào"))
    assert caught.value.status == status
    assert description in caught.value.description
    assert sleep.waits == []
    # The failure is not repeated: the next reply goes through.
    await sender.text(str(LAN.id), OutText("Lần sau"))
    assert [m["text"] for m in fake.sent_messages(LAN)] == ["Lần sau"]


async def test_an_unreachable_api_is_an_error_not_a_crash(
    request_pool: AiohttpRequest, clock: ManualClock
) -> None:
    sender = ReplySender(request_pool, "http://127.0.0.1:1/bot123:abc", None)
    with pytest.raises(BotApiError) as caught:
        await sender.answer_callback("q1", "Đã nhận")
    assert caught.value.status == 0
    assert "aiohttp" in caught.value.description
