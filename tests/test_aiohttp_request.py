"""PTB over ydan's aiohttp request class: calls, uploads, downloads and failures as PTB expects."""

from __future__ import annotations

import io

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.channels.aiohttp_request import AiohttpRequest
from tests.fakebot import FakeBotApi, FakeUser

LAN = FakeUser(1001, "Lan")


def _bot(fake: FakeBotApi, request: AiohttpRequest, token: str | None = None) -> Bot:
    return Bot(
        token or fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        request=request,
        get_updates_request=request,
    )


async def test_messages_keyboards_and_errors_round_trip(fake: FakeBotApi) -> None:
    async with _bot(fake, AiohttpRequest()) as bot:
        fake.add_chat(LAN)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Đúng rồi", callback_data="ok:1")]])
        sent = await bot.send_message(LAN.id, "Ý kiến về đường thôn Đông", reply_markup=markup)
        assert sent.text == "Ý kiến về đường thôn Đông"
        shown = fake.sent_messages(LAN)[-1]
        assert shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ok:1"
        # A Telegram error answer still becomes PTB's own exception.
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(999_999, "chưa ai nhắn bot")


async def test_upload_and_download_keep_the_bytes(fake: FakeBotApi) -> None:
    async with _bot(fake, AiohttpRequest()) as bot:
        fake.add_chat(LAN)
        doc = await bot.send_document(LAN.id, io.BytesIO(b"PK\x03\x04docx"), filename="kl.docx")
        assert doc.document is not None and doc.document.file_name == "kl.docx"
        file = await bot.get_file(doc.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"PK\x03\x04docx"


async def test_rejected_token_and_unreachable_server(fake: FakeBotApi) -> None:
    request = AiohttpRequest()
    with pytest.raises(InvalidToken):
        await _bot(fake, request, token="1:wrong").initialize()
    await request.shutdown()
    unreachable = AiohttpRequest(connect_timeout=1.0)
    bot = Bot(fake.token, base_url="http://127.0.0.1:1/bot", request=unreachable)
    with pytest.raises(NetworkError, match="aiohttp"):
        await bot.initialize()
    await unreachable.shutdown()


async def test_use_outside_its_lifecycle_is_an_error(fake: FakeBotApi) -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="initialize"):
        await request.do_request(f"{fake.base_url}{fake.token}/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # twice is harmless: PTB and the channel may both close it
    with pytest.raises(RuntimeError, match="shutdown"):
        await request.do_request(f"{fake.base_url}{fake.token}/getMe", "POST")
