"""Tests of the fake Telegram Bot API (tests.fakebot) and the network guard (tests.netguard).

The first group runs a real, minimal PTB Application against the fake, proving that the fake is
faithful enough for end-to-end tests; the second checks Bot API semantics directly with a bare
PTB ``Bot``; the last checks the network guard.
"""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.channels.aiohttp_request import AiohttpRequest
from tests import netguard
from tests.fakebot import (
    FakeBotApi,
    FakeGroup,
    FakeUser,
    application_builder,
    polling,
    running,
)
from tests.fakebot.ptb import AnyApplication

LAN = FakeUser(1001, "Lan", username="lan_nguyen")
HUNG = FakeUser(1002, "Hùng", language_code="en")
VILLAGE = FakeGroup(-4001, "Thôn Đông")
WAIT = 10.0  # safety net only: every wait below ends as soon as its condition holds


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns (an error here) whenever a RetryAfter is built unless it may use timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


# -- handlers of the minimal bot used against the fake -------------------------------------


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Có", callback_data="yes"),
                InlineKeyboardButton("Không", callback_data="no"),
            ]
        ]
    )
    await update.effective_message.reply_text("Bạn có muốn góp ý?", reply_markup=keyboard)


async def choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Đã ghi nhận")
    await query.edit_message_text(f"Bạn chọn: {query.data}")


def echo_app(fake: FakeBotApi) -> AnyApplication:
    app = application_builder(fake).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(choice))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


# -- a real PTB Application against the fake -------------------------------------------------


async def test_echo_round_trip(fake: FakeBotApi) -> None:
    async with polling(echo_app(fake)):
        await fake.send_text(LAN, "Đường thôn Đông bị ngập")
        reply = await fake.next_message(LAN, WAIT)
        assert reply["text"] == "Đường thôn Đông bị ngập"
        assert reply["message_id"] == 2  # ids are per chat, shared with the user's message
        assert reply["from"]["username"] == "ydan_test_bot"
        # The next poll confirms the update (offset), so nothing stays pending.
        await fake.wait_for(lambda: not fake.pending_updates, WAIT)
    assert fake.unknown_methods == []
    assert [r.method for r in fake.all_requests][:2] == ["getMe", "deleteWebhook"]


async def test_button_press_is_answered_and_edits_message(fake: FakeBotApi) -> None:
    async with polling(echo_app(fake)):
        await fake.send_command(LAN, "/start")
        question = await fake.next_message(LAN, WAIT)
        assert [b["text"] for b in fake.inline_buttons(question)[0]] == ["Có", "Không"]

        press = await fake.press_button(LAN, question, "yes")
        answer = await fake.wait_callback_answer(press, WAIT)
        assert answer["text"] == "Đã ghi nhận"
        edited = await fake.wait_for(
            lambda: (m := fake.message(LAN, question["message_id"])).get("edit_date") and m, WAIT
        )
    assert edited["text"] == "Bạn chọn: yes"
    assert "reply_markup" not in edited  # edit without markup drops the keyboard
    assert [e.kind for e in fake.events(LAN)] == ["user", "send", "callback", "answer", "edit"]


async def test_retry_after_is_honoured_by_rate_limiter(fake: FakeBotApi) -> None:
    app = application_builder(fake).rate_limiter(AIORateLimiter(max_retries=2)).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    fake.fail_next("sendMessage", status=429, retry_after=1)
    async with polling(app):
        await fake.send_text(LAN, "alo")
        assert (await fake.next_message(LAN, WAIT))["text"] == "alo"
    first, second = fake.requests("sendMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.time - first.time >= 1.0
    assert fake.count_429 == 1


async def test_blocked_user_surfaces_forbidden(fake: FakeBotApi) -> None:
    app = echo_app(fake)
    errors: asyncio.Queue[object] = asyncio.Queue()

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.put_nowait(context.error)

    app.add_error_handler(on_error)
    fake.block_chat(LAN)
    async with polling(app):
        await fake.send_text(LAN, "còn đó không?")
        error = await asyncio.wait_for(errors.get(), WAIT)
    assert isinstance(error, Forbidden)
    assert "bot was blocked by the user" in error.message
    assert fake.sent_messages(LAN) == []


async def test_webhook_mode_posts_updates_with_secret(fake: FakeBotApi) -> None:
    app = application_builder(fake).updater(None).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    secrets_seen: list[str | None] = []

    async def receive(request: web.Request) -> web.Response:
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        secrets_seen.append(secret)
        if secret != "s3cret-token":
            return web.Response(status=403)
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    hook_app = web.Application()
    hook_app.router.add_post("/telegram", receive)
    runner = web.AppRunner(hook_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with running(app):
            url = f"http://127.0.0.1:{port}/telegram"
            await app.bot.set_webhook(url, secret_token="s3cret-token")
            assert (await app.bot.get_webhook_info()).url == url
            with pytest.raises(Conflict):
                await app.bot.get_updates()

            delivered = await fake.send_text(LAN, "qua webhook")
            assert delivered.status == 200
            assert (await fake.next_message(LAN, WAIT))["text"] == "qua webhook"

            assert await fake.post_webhook(delivered.update, secret="sai") == 403
            assert await fake.post_webhook(delivered.update, secret=None) == 403
            assert secrets_seen == ["s3cret-token", "sai", None]
    finally:
        await runner.cleanup()


# -- Bot API semantics, checked with a bare Bot ----------------------------------------------


async def test_long_poll_wakes_on_injection_and_offset_confirms(fake: FakeBotApi, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_for(lambda: fake.state.updates.poller is not None, WAIT)
    injected = await fake.send_text(LAN, "một")
    updates = await asyncio.wait_for(poll, WAIT)
    assert [u.update_id for u in updates] == [injected.update_id]
    # Not confirmed yet: returned again; confirmed by offset: gone.
    assert len(await bot.get_updates(timeout=0)) == 1
    assert await bot.get_updates(offset=injected.update_id + 1, timeout=0) == ()


async def test_redeliver_hands_out_the_same_update_again(fake: FakeBotApi, bot: Bot) -> None:
    first = await fake.send_text(LAN, "một")
    await bot.get_updates(timeout=0)
    await bot.get_updates(offset=first.update_id + 1, timeout=0)
    second = await fake.send_text(LAN, "hai")
    await fake.redeliver(first.update_id)
    updates = await bot.get_updates(offset=first.update_id + 1, timeout=0)
    assert [u.update_id for u in updates] == [first.update_id, second.update_id]


async def test_allowed_updates_and_poll_conflict(fake: FakeBotApi, bot: Bot) -> None:
    await fake.send_text(LAN, "tin nhắn")
    question = await bot.send_message(
        LAN.id,
        "?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes")]]),
    )
    await fake.press_button(LAN, question.to_dict(), label="Có")
    updates = await bot.get_updates(allowed_updates=["callback_query"], timeout=0)
    assert [u.callback_query is not None for u in updates] == [True]

    await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    slow = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_for(lambda: fake.state.updates.poller is not None, WAIT)
    async with Bot(fake.token, base_url=fake.base_url) as other:
        await other.get_updates(timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await asyncio.wait_for(slow, WAIT)


async def test_unknown_method_is_404_and_recorded(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendSmokeSignal", api_kwargs={"chat_id": LAN.id})
    assert fake.unknown_methods == ["sendSmokeSignal"]


async def test_message_rules_match_telegram(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"[Cc]hat not found"):
        await bot.send_message(LAN.id, "chưa ai nhắn bot")
    fake.add_chat(LAN)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(LAN.id, "a < b", parse_mode="HTML")
    with pytest.raises(BadRequest, match="reserved"):
        await bot.send_message(LAN.id, "Giá 1.000 đ", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="đ" * 40)]])
        await bot.send_message(LAN.id, "x", reply_markup=markup)
    sent = await bot.send_message(LAN.id, "Xin <i>chào</i> &amp; hẹn gặp", parse_mode="HTML")
    assert sent.text == "Xin chào & hẹn gặp"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text(
            "Xin <i>chào</i> &amp; hẹn gặp", LAN.id, sent.message_id, parse_mode="HTML"
        )
    await bot.delete_message(LAN.id, sent.message_id)
    assert fake.is_deleted(LAN, sent.message_id)
    assert fake.message_counts()[(LAN.id, "Xin chào & hẹn gặp")] == 1


async def test_media_both_ways_and_files(fake: FakeBotApi, bot: Bot) -> None:
    photo = await fake.send_photo(LAN, b"\xff\xd8jpeg-bytes", caption="ổ gà")
    assert photo.message is not None
    file = await bot.get_file(photo.message["photo"][-1]["file_id"])
    assert bytes(await file.download_as_bytearray()) == b"\xff\xd8jpeg-bytes"
    doc = await bot.send_document(LAN.id, io.BytesIO(b"%PDF-1.4"), filename="ket-luan.pdf")
    assert doc.document is not None and doc.document.file_name == "ket-luan.pdf"
    sent = await bot.get_file(doc.document.file_id)
    assert bytes(await sent.download_as_bytearray()) == b"%PDF-1.4"
    assert fake.sent_messages(LAN)[0]["document"]["file_name"] == "ket-luan.pdf"


async def test_simulated_updates_parse_cleanly_in_ptb(fake: FakeBotApi, bot: Bot) -> None:
    injected = [
        await fake.send_command(HUNG, "/start", "abc"),
        await fake.send_command(HUNG, "dangky", ["thon", "Dong"], chat=VILLAGE, mention=True),
        await fake.send_contact(HUNG, "+84901234567"),
        await fake.send_location(HUNG, 21.0, 105.8),
        await fake.send_document(HUNG, b"doc"),
        await fake.send_voice(HUNG),
        await fake.send_sticker(HUNG),
        await fake.send_animation(HUNG),
        await fake.send_poll(HUNG, "Họp lúc nào?", ["Sáng", "Chiều"]),
        await fake.forward_text(HUNG, "tin đồn", from_name="Ông Ba"),
        await fake.send_text(HUNG, "trong nhóm", chat=VILLAGE),
        await fake.user_blocks_bot(HUNG),
    ]
    await fake.edit_text(HUNG, injected[-2].message or {}, "đã sửa")
    updates = await bot.get_updates(timeout=0)
    assert len(updates) == len(injected) + 1
    for update in updates:
        assert update.api_kwargs == {}
        message = update.effective_message or update.my_chat_member
        assert message is not None and message.api_kwargs == {}
    start_cmd, group_cmd = updates[0].message, updates[1].message
    assert start_cmd is not None and group_cmd is not None
    assert start_cmd.text == "/start abc" and start_cmd.entities[0].type == "bot_command"
    assert group_cmd.chat.type == "group"
    assert group_cmd.text == "/dangky@ydan_test_bot thon Dong"
    assert updates[-1].edited_message is not None
    blocked = updates[-2].my_chat_member
    assert blocked is not None and blocked.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden):
        await bot.send_message(HUNG.id, "còn đó không?")


async def test_commands_are_kept_per_scope_and_language(fake: FakeBotApi, bot: Bot) -> None:
    from telegram import BotCommand, BotCommandScopeAllGroupChats

    await bot.set_my_commands([BotCommand("start", "Bắt đầu")])
    await bot.set_my_commands(
        [BotCommand("start", "Start")], scope=BotCommandScopeAllGroupChats(), language_code="en"
    )
    assert [c.description for c in await bot.get_my_commands()] == ["Bắt đầu"]
    assert fake.commands({"type": "all_group_chats"}, "en") == [
        {"command": "start", "description": "Start"}
    ]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Start!", "x")])


async def test_rate_limit_enforcement_with_a_fake_clock(fake: FakeBotApi, bot: Bot) -> None:
    now = [0.0]
    fake.enforce_rate_limit(global_per_sec=30, per_chat_per_sec=1, clock=lambda: now[0])
    fake.add_chat(LAN)
    fake.add_chat(VILLAGE)
    await bot.send_message(LAN.id, "1")
    with pytest.raises(RetryAfter):
        await bot.send_message(LAN.id, "2")
    now[0] = 1.01
    await bot.send_message(LAN.id, "2")
    for i in range(20):
        now[0] += 1.5
        await bot.send_message(VILLAGE.id, str(i))
    with pytest.raises(RetryAfter):
        now[0] += 1.5
        await bot.send_message(VILLAGE.id, "21st in a minute")
    assert fake.count_429 == 2
    assert fake.delivery_stats().delivered == 22


@pytest.mark.parametrize("request_class", [HTTPXRequest, AiohttpRequest])
async def test_hang_and_server_errors_reach_the_client(
    fake: FakeBotApi, request_class: type[HTTPXRequest] | type[AiohttpRequest]
) -> None:
    # PTB's default client and ydan's own must see the fake's failures alike.
    request = request_class(read_timeout=0.3)
    async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
        fake.add_chat(LAN)
        fake.hang_next("sendMessage", after_delivery=True)
        with pytest.raises(TimedOut):
            await bot.send_message(LAN.id, "đã gửi nhưng không có trả lời")
        assert fake.sent_texts(LAN) == ["đã gửi nhưng không có trả lời"]
        fake.fail_next("sendMessage", status=502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(LAN.id, "x")
        fake.fail_next("*", status=500, chat_id=LAN)
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_chat_action(LAN.id, "typing")


# -- network guard ---------------------------------------------------------------------------


async def test_netguard_blocks_remote_and_allows_loopback(fake: FakeBotApi) -> None:
    with netguard.guarded(), netguard.expect_blocked() as caught:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            with pytest.raises(netguard.NetworkBlockedError, match=r"10\.255\.255\.1"):
                sock.connect(("10.255.255.1", 80))
            with pytest.raises(netguard.NetworkBlockedError):
                sock.connect_ex(("10.255.255.1", 443))
        with pytest.raises(netguard.NetworkBlockedError, match="DNS"):
            socket.create_connection(("api.telegram.org", 443))
        with pytest.raises(OSError):
            await asyncio.open_connection("10.255.255.1", 80)
        # Loopback stays open: the fake itself, by IP and by name.
        port = int(fake.url.rsplit(":", 1)[1])
        for host in ("127.0.0.1", "localhost"):
            _, writer = await asyncio.open_connection(host, port)
            writer.close()
            await writer.wait_closed()
        assert netguard.is_local_host("127.0.0.53") and netguard.is_local_host("::1")
        assert not netguard.is_local_host("10.0.0.1")
    assert len(caught) == 4


async def test_several_bots_are_kept_apart(fake: FakeBotApi, bot: Bot) -> None:
    officials = fake.add_bot("42:OfficialsBotToken", username="ydan_canbo_bot")
    async with Bot(officials.token, base_url=fake.base_url) as other:
        assert (await other.get_me()).username == "ydan_canbo_bot"
        await officials.send_text(LAN, "cho cán bộ")
        assert [u.message.text for u in await other.get_updates(timeout=0) if u.message] == [
            "cho cán bộ"
        ]
    assert await bot.get_updates(timeout=0) == ()
    with pytest.raises(InvalidToken):  # initialize() calls getMe
        async with Bot("999:unknown", base_url=fake.base_url):
            pass
