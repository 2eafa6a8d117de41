"""A citizen onboards, submits a concern with a photo and a location, and follows it up."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Attachment, Concern, ConcernStatus, ConcernTopic
from tests.e2e.harness import BotUnderTest


async def test_onboarding_matches_a_village_typed_without_diacritics(bot: BotUnderTest) -> None:
    lan = bot.person(1001, "Lan")
    greeting = await lan.command("start")
    assert any("Ý Dân" in t for t in lan.texts(greeting))
    asked = await lan.send("bao tan")
    assert "Nghị định 13/2023" in lan.texts(asked)[-1]
    typed = await lan.send("đồng ý")
    assert "chọn bằng các nút" in lan.texts(typed)[0]
    assert "Tôi đồng ý" in str(typed[-1].get("reply_markup"))
    done = await lan.press("đồng ý")
    assert "Thôn Bảo Tân" in lan.texts(done)[0]
    keyboard = bot.fake.reply_keyboard(1001)
    assert keyboard is not None and "📝 Gửi ý kiến" in keyboard[0]


async def test_full_submission_with_photo_location_and_phone(bot: BotUnderTest) -> None:
    lan = bot.person(1002, "Lan")
    await lan.onboard()
    taps = 0
    await lan.command("gopy")
    taps += 1
    topics = await lan.send(
        "Đường vào thôn Bảo Tân bị sụt lún nhiều chỗ, mưa xuống là ngập không đi được"
    )
    taps += 1
    assert "Hạ tầng" in lan.texts(topics)[-1]
    await lan.photo(caption="ảnh chụp sáng nay")
    await lan.location(21.85, 106.76)
    await lan.press("Đúng rồi")
    taps += 1
    await lan.press("Ẩn tên")
    taps += 1
    await lan.contact("0912345678")
    sent = await lan.press("Gửi ý kiến")
    taps += 1
    receipt = lan.texts(sent)[-1]
    assert "DT-26-0001" in receipt
    assert "20 ngày làm việc" in receipt and "tối đa 30 ngày làm việc" in receipt
    assert taps <= 6
    async with bot.runtime.db.reader() as session:
        concern = await session.scalar(select(Concern).where(Concern.code == "DT-26-0001"))
        assert concern is not None
        assert "ảnh chụp sáng nay" in concern.text
        assert concern.primary_topic == "ha_tang"
        assert concern.show_name is False
        assert concern.status is ConcernStatus.ON_AGENDA
        kinds = sorted(
            a.kind
            for a in await session.scalars(
                select(Attachment).where(Attachment.concern_id == concern.id)
            )
        )
        assert kinds == ["location", "photo"]


async def test_topic_correction_and_public_name(bot: BotUnderTest) -> None:
    an = bot.person(1003, "An")
    await an.onboard()
    shown = await an.send("nha toi bi hang xom lan chiem 2 met dat, do ranh gioi lai giup")
    if "Sửa lĩnh vực" in str(shown[-1].get("reply_markup")):
        await an.press("Sửa lĩnh vực")
    await an.choose_topics({"Đất đai"})
    await an.press("Xong")
    await an.press("hiện tên")
    sent = await an.press("Gửi ý kiến")
    assert "DT-26-0001" in an.texts(sent)[-1]
    async with bot.runtime.db.reader() as session:
        concern = await session.scalar(select(Concern))
        assert concern is not None and concern.show_name is True
        topics = list(
            await session.scalars(select(ConcernTopic).where(ConcernTopic.concern_id == concern.id))
        )
        assert [t.topic for t in topics] == ["dat_dai"]
        assert {t.source for t in topics} == {"citizen"}


async def test_status_lookup_and_withdrawal_and_someone_elses_code(bot: BotUnderTest) -> None:
    lan = bot.person(1004, "Lan")
    await lan.onboard()
    await lan.send("Trạm y tế xã thiếu thuốc cho người già, đề nghị bổ sung")
    await lan.press("Đúng rồi")
    await lan.press("Ẩn tên")
    await lan.press("Gửi ý kiến")
    status = await lan.command("tracuu", "dt 26 1")
    assert "Đã tiếp nhận" in lan.texts(status)[0]
    await lan.press("Rút ý kiến")
    withdrawn = await lan.press("Rút ý kiến")
    assert "Đã rút" in lan.texts(withdrawn)[0]
    other = bot.person(1005, "Minh")
    await other.onboard()
    refused = await other.command("tracuu", "DT-26-0001")
    assert "Không tìm thấy" in other.texts(refused)[0]
