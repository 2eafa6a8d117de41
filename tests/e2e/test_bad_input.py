"""Every kind of bad input gets a clear, polite reply, and nothing already entered is lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from storage.models import Concern
from tests.e2e.harness import BotUnderTest, Person
from tests.fakebot import FakeGroup

CONCERN = "Bãi rác tự phát cạnh trường tiểu học bốc mùi, đề nghị xã cho thu gom"


async def _draft_started(bot: BotUnderTest, user_id: int) -> Person:
    lan = bot.person(user_id, "Lan")
    await lan.onboard()
    await lan.send(CONCERN)
    return lan


async def _draft_text(bot: BotUnderTest, user_id: int) -> str:
    from storage.models import ConversationState

    async with bot.runtime.db.reader() as session:
        state = await session.scalar(
            select(ConversationState).where(ConversationState.chat_id == str(user_id))
        )
        assert state is not None
        return "\n".join(state.data.get("parts", []))


async def test_empty_and_emoji_only_text(bot: BotUnderTest) -> None:
    lan = bot.person(4001, "Lan")
    await lan.onboard()
    await lan.command("gopy")
    blank = await lan.send("   ")
    assert "trống" in lan.texts(blank)[0]
    emoji = await lan.send("😡😡😡")
    assert "biểu tượng cảm xúc" in lan.texts(emoji)[0]
    assert "viết ý kiến" in lan.texts(emoji)[-1]


async def test_too_long_text_is_refused_and_the_draft_kept(bot: BotUnderTest) -> None:
    lan = await _draft_started(bot, 4002)
    replies = await lan.send("x" * 4097)
    assert "quá dài" in lan.texts(replies)[0]
    assert await _draft_text(bot, 4002) == CONCERN
    for _ in range(2):
        await lan.send("bổ sung " + "chi tiết " * 440)
    too_much = await lan.send("bổ sung " + "chi tiết " * 440)
    assert "độ dài tối đa" in lan.texts(too_much)[0]
    assert (await _draft_text(bot, 4002)).startswith(CONCERN)


async def test_stickers_gifs_polls_and_oversized_files(bot: BotUnderTest) -> None:
    lan = await _draft_started(bot, 4003)
    fake = bot.fake
    for injected in (
        await fake.send_sticker(lan.user),
        await fake.send_animation(lan.user),
        await fake.send_poll(lan.user, "Đồng ý không?", ["Có", "Không"]),
    ):
        replies = await lan.raw(injected)
        assert "nhãn dán" in lan.texts(replies)[0], lan.texts(replies)
    big = await fake.send_document(
        lan.user, b"x" * (20 * 1024 * 1024 + 1), file_name="video.mp4", mime_type="video/mp4"
    )
    replies = await lan.raw(big)
    assert "20 MB" in lan.texts(replies)[0]
    assert await _draft_text(bot, 4003) == CONCERN


async def test_stale_and_forged_buttons(bot: BotUnderTest) -> None:
    lan = await _draft_started(bot, 4004)
    topics_message = lan.message_with_button("Đúng rồi")
    await lan.press("Đúng rồi")
    stale = await lan.press("Đúng rồi", topics_message)
    assert "bước đã qua" in lan.texts(stale)[0]
    assert "hiện tên" in str(stale[-1].get("reply_markup"))
    forged = await lan.raw(
        await bot.fake.press_button(
            lan.user, stale[-1], stale[-1]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        )
    )
    assert forged  # the real button still works
    message = lan.history[-1]
    message["reply_markup"] = {
        "inline_keyboard": [[{"text": "x", "callback_data": "zz|drop_table|1"}]]
    }
    # A client can send any callback data: simulate it with a raw update.
    from tests.fakebot import factories

    query = factories.callback_query_dict(
        query_id="q-forged",
        sender=lan.user.to_dict(),
        message=message,
        data="zz|drop_table|1",
        chat_instance="1",
    )
    replies = await lan.raw(
        await bot.fake.inject_raw({"update_id": 880_001, "callback_query": query})
    )
    assert "không hợp lệ" in lan.texts(replies)[0]
    async with bot.runtime.db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Concern)) == 0


async def test_throttle_after_ten_concerns_an_hour(bot: BotUnderTest) -> None:
    lan = bot.person(4005, "Lan")
    await lan.onboard()
    for i in range(10):
        await lan.submit(f"Ý kiến số {i}: đường thôn {i} hỏng nặng cần sửa")
        bot.clock.advance(timedelta(seconds=30))
    refused = await lan.submit("Ý kiến thứ mười một: cầu tràn bị sạt lở")
    assert "10 ý kiến trong một giờ" in lan.texts(refused)[0]
    bot.clock.advance(timedelta(hours=1))
    accepted = await lan.press("Gửi ý kiến", lan.message_with_button("Gửi ý kiến"))
    assert "DT-26-0011" in lan.texts(accepted)[-1]


async def test_the_same_text_twice_asks_about_a_duplicate(bot: BotUnderTest) -> None:
    lan = bot.person(4006, "Lan")
    await lan.onboard()
    for _ in range(2):
        last = await lan.submit(CONCERN)
    assert "giống hệt" in lan.texts(last)[0] and "DT-26-0001" in lan.texts(last)[0]
    dropped = await lan.press("bỏ bản này")
    assert "Đã hủy" in lan.texts(dropped)[0]
    async with bot.runtime.db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Concern)) == 1


async def test_group_chats_are_told_once_to_write_privately(bot: BotUnderTest) -> None:
    group = FakeGroup(-5001, "Thôn Bảo Tân")
    lan = bot.person(4007, "Lan")
    first = await lan.raw(await bot.fake.send_text(lan.user, "đường hỏng", chat=group))
    del first
    await lan.raw(await bot.fake.send_text(lan.user, "đường hỏng nữa", chat=group))
    texts = bot.fake.sent_texts(group.id)
    assert len(texts) == 1 and "nhắn riêng" in texts[0]


async def test_cancel_mid_flow_saves_nothing(bot: BotUnderTest) -> None:
    lan = await _draft_started(bot, 4008)
    cancelled = await lan.command("huy")
    assert "Đã hủy" in lan.texts(cancelled)[0]
    stale = await lan.press("Đúng rồi", lan.message_with_button("Đúng rồi"))
    assert "bước đã qua" in lan.texts(stale)[0]
    async with bot.runtime.db.reader() as session:
        assert await session.scalar(select(func.count()).select_from(Concern)) == 0
