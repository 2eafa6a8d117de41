"""Village heads submit for villagers; complaints are explained; urgent concerns alert officials."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ChannelIdentity, Concern, Notification, Person, Role
from storage.repo.people import grant_role
from tests.e2e.harness import BotUnderTest


async def _make_head(bot: BotUnderTest, user_id: int) -> None:
    async with bot.runtime.db.transaction() as session:
        identity = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.external_id == str(user_id))
        )
        assert identity is not None
        person = await session.get_one(Person, identity.person_id)
        await grant_role(
            session,
            person_id=person.id,
            commune_id=person.commune_id or 0,
            role=Role.VILLAGE_HEAD,
            village_id=person.village_id,
            now=bot.clock.now(),
        )


async def test_proxy_submission_for_a_named_villager(bot: BotUnderTest) -> None:
    head = bot.person(5001, "Hùng")
    await head.onboard()
    refused = await head.command("thaydan")
    assert "dành cho trưởng thôn" in head.texts(refused)[0]
    await _make_head(bot, 5001)
    await head.command("thaydan")
    await head.send("Bà Nguyễn Thị Mơ")
    await head.send("0987 654 321")
    shown = await head.send(
        "Bà Mơ xin hỗ trợ làm thẻ bảo hiểm y tế cho người cao tuổi, hộ cận nghèo"
    )
    if "Xong" in str(shown[-1].get("reply_markup")):
        await head.choose_topics({"An sinh xã hội"})
        await head.press("Xong")
    else:
        await head.press("Đúng rồi")
    await head.press("Ẩn tên")
    summary = head.texts()[-1]
    assert "Gửi thay cho: Bà Nguyễn Thị Mơ" in summary
    sent = await head.press("Gửi ý kiến")
    assert "DT-26-0001" in head.texts(sent)[-1]
    async with bot.runtime.db.reader() as session:
        concern = await session.scalar(select(Concern))
        assert concern is not None
        assert concern.on_behalf_name == "Bà Nguyễn Thị Mơ"
        assert concern.on_behalf_phone == "0987654321"


async def test_a_forwarded_villager_message_becomes_a_proxy_draft(bot: BotUnderTest) -> None:
    head = bot.person(5002, "Hùng")
    await head.onboard()
    await _make_head(bot, 5002)
    asked = await head.raw(
        await bot.fake.forward_text(
            head.user, "Nhà tôi ở xóm Cầu bị mất điện 3 ngày nay rồi", from_name="Lê Văn Tám"
        )
    )
    assert "Lê Văn Tám" in str(asked[-1].get("reply_markup"))
    await head.press("Lê Văn Tám")
    shown = await head.press("Không có số")
    assert "Xong" in str(shown[-1].get("reply_markup")) or "Đúng rồi" in str(
        shown[-1].get("reply_markup")
    )


async def test_a_citizen_forwarding_a_message_starts_an_ordinary_draft(bot: BotUnderTest) -> None:
    lan = bot.person(5003, "Lan")
    await lan.onboard()
    shown = await lan.raw(
        await bot.fake.forward_text(
            lan.user, "Cống ở đầu thôn bị vỡ, nước tràn vào nhà dân", from_name="Nhóm Zalo thôn"
        )
    )
    assert "lĩnh vực" in lan.texts(shown)[-1].lower()


async def test_a_legal_complaint_is_recorded_and_explained(bot: BotUnderTest) -> None:
    lan = bot.person(5004, "Lan")
    await lan.onboard()
    sent = await lan.submit(
        "Tôi làm đơn khiếu nại Quyết định thu hồi đất số 125/QĐ-UBND của UBND xã vì bồi thường không đúng diện tích",
        topic="Đất đai",
    )
    receipt = lan.texts(sent)[-1]
    assert "Luật Khiếu nại" in receipt
    async with bot.runtime.db.reader() as session:
        concern = await session.scalar(select(Concern))
        assert concern is not None and concern.legal_complaint is True
        assert concern.session_id is None


async def test_an_urgent_concern_alerts_the_officials_at_once(bot: BotUnderTest) -> None:
    lan = bot.person(5005, "Lan")
    await lan.onboard()
    await lan.submit(
        "Cột điện đầu thôn Bảo Tân nghiêng sắp đổ, dây điện võng sát đầu người, rất nguy hiểm, đề nghị xử lý gấp"
    )
    async with bot.runtime.db.reader() as session:
        concern = await session.scalar(select(Concern))
        assert concern is not None and concern.urgent is True
        alerts = list(
            await session.scalars(select(Notification).where(Notification.kind == "urgent_alert"))
        )
        assert alerts, "the demo office official gets an urgent alert"
        assert concern.code in alerts[0].payload["text"]
