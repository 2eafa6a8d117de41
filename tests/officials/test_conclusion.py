"""The conclusion notice: the draft, publishing it, and who receives it."""

from __future__ import annotations

import io
from datetime import timedelta

from docx import Document
from sqlalchemy import delete, select, update

from scheduler.calendar import WorkingCalendar
from scheduler.deadlines import Timeline, answer_due
from storage.models import (
    Assignment,
    ChannelIdentity,
    Department,
    DialogueSession,
    Person,
    Role,
    SessionStatus,
    SessionVillage,
)
from storage.repo.assignments import AT_SESSION, NOT_ACCEPTED, record_answer
from storage.repo.concerns import get_by_code
from tests.e2e.harness import BotUnderTest, uploaded
from tests.officials.seed import (
    add_concern,
    deliver_outbox,
    demo,
    grant,
    outbox,
    person_id,
    register_speaker,
)
from tests.officials.test_outcomes import pause


async def test_draft_publish_and_delivery(bot: BotUnderTest) -> None:
    place = await demo(bot.runtime.db)
    bao_tan, dong_tam = place.villages[0], place.villages[1]
    # The session covers two villages only.
    async with bot.runtime.db.transaction() as session:
        await session.execute(
            delete(SessionVillage).where(
                SessionVillage.session_id == place.session.id,
                SessionVillage.village_id.not_in([bao_tan.id, dong_tam.id]),
            )
        )
    people = {}
    for user_id, name, village in (
        (5001, "Lan (VP)", "Bảo Tân"),
        (5002, "Lan", "Bảo Tân"),
        (5003, "Quang", "Đồng Tâm"),
        (5004, "Tuấn", "Bảo Tân"),
        (5005, "Hòa", "Xóm Cầu"),
        (5006, "Hùng", "Xóm Cầu"),
    ):
        people[user_id] = bot.person(user_id, name)
        await people[user_id].onboard(village)
    await grant(bot, 5001, Role.OFFICIAL, department=Department.OFFICE)
    ids = {user_id: await person_id(bot.runtime.db, user_id) for user_id in people}
    async with bot.runtime.db.transaction() as session:
        await session.execute(update(Person).where(Person.id == ids[5004]).values(muted=True))
    clerk, lan = people[5001], people[5002]

    codes = [
        await add_concern(
            bot,
            text,
            submitter_id=ids[5002],
            village_id=bao_tan.id,
            session_id=place.session.id,
            show_name=True,
        )
        for text in (
            "Đèn đường ngã ba chợ hỏng",
            "Đường vào thôn sụt lún",
            "Khai thác cát trái phép trên sông",
            "Đề nghị làm lại sân bóng",
            "Chưa có quyết định gì cho ý kiến này",
        )
    ]
    await register_speaker(bot, place.session.id, ids[5006], 1)
    async with bot.runtime.db.transaction() as session:
        for code, kind, text in (
            (codes[0], AT_SESSION, "Đã giao điện lực thay bóng trong tuần."),
            (codes[3], NOT_ACCEPTED, "Chưa có trong kế hoạch đầu tư công năm nay."),
        ):
            concern = await get_by_code(session, code)
            assert concern is not None
            await record_answer(
                session, concern, kind=kind, text=text, author_id=ids[5001], now=bot.clock.now()
            )
    await clerk.command("ketqua", codes[1])
    await clerk.press("Giao bộ phận")
    await clerk.press("Kinh tế")
    await clerk.press("Xác nhận")
    pause(bot)
    await clerk.command("ketqua", codes[2])
    await clerk.press("Chuyển cấp trên")
    await clerk.press("Cấp tỉnh")
    await clerk.send("Sở Tài nguyên và Môi trường tỉnh Lạng Sơn")
    await clerk.press("Xác nhận")
    await deliver_outbox(bot)
    for person in people.values():
        person.pushed()

    too_early = await clerk.command("ketluan", str(place.session.id))
    assert "chưa diễn ra" in clerk.texts(too_early)[-1]

    bot.clock.advance(timedelta(days=22))
    draft = await clerk.command("ketluan", f"{place.session.id} 15/TB-UBND")
    [document] = [m for m in draft if "document" in m]
    notice = Document(io.BytesIO(uploaded(bot.fake, document)))
    body = "\n".join(p.text for p in notice.paragraphs)
    tables = "\n".join(c.text for t in notice.tables for row in t.rows for c in row.cells)
    assert "15/TB-UBND" in tables and "ỦY BAN NHÂN DÂN" in tables
    assert "Bảo Tân, ngày" in tables
    assert "THÔNG BÁO" in body
    for text in (
        "Đèn đường ngã ba chợ hỏng",
        "Đã giao điện lực thay bóng trong tuần.",
        "Đường vào thôn sụt lún",
        "công chức phụ trách kinh tế",
        "Sở Tài nguyên và Môi trường tỉnh Lạng Sơn",
        "Chưa có trong kế hoạch đầu tư công năm nay.",
        "Lan",
    ):
        assert text in body, text
    assert "Chưa có quyết định gì" not in body
    assert "Nhân dân Thôn Bảo Tân, Thôn Đồng Tâm" in body
    ask = clerk.texts(draft)[-1]
    assert "1 ý kiến đã trả lời, 1 giao bộ phận, 1 chuyển cấp trên, 1 không tiếp nhận" in ask

    published = await clerk.press("Công bố")
    assert "Đã công bố" in clerk.texts(published)[-1]
    async with bot.runtime.db.reader() as session:
        concluded = await session.get(DialogueSession, place.session.id)
        assert concluded is not None
        assert concluded.status is SessionStatus.CONCLUDED
        assert concluded.concluded_at == bot.clock.now()
        assert concluded.conclusion_number == "15/TB-UBND"
        assignment = await session.scalar(
            select(Assignment).where(Assignment.escalated_to.is_(None))
        )
        assert assignment is not None
    today = bot.clock.now().astimezone(bot.runtime.services.timezone).date()
    assert assignment.due_date == answer_due(WorkingCalendar(), Timeline(), today)

    receivers = {n.person_id for n in await outbox(bot, "conclusion")}
    # Lan (submitter), Hùng (speaker, from an uncovered village), Quang and the clerk (covered
    # villages), and the demo's console users of Bảo Tân; not Tuấn (notices off) nor Hòa (a
    # village the session does not cover).
    async with bot.runtime.db.reader() as session:
        console = set(
            (
                await session.scalars(
                    select(ChannelIdentity.person_id).where(ChannelIdentity.channel == "console")
                )
            ).all()
        )
    assert receivers == {ids[5002], ids[5006], ids[5003], ids[5001], *console}
    await deliver_outbox(bot)
    [to_lan] = lan.pushed()
    assert "Thông báo kết luận" in to_lan["caption"]
    assert to_lan["document"]["file_name"].endswith(".docx")
    delivered = Document(io.BytesIO(uploaded(bot.fake, to_lan)))
    assert "Đường vào thôn sụt lún" in "\n".join(p.text for p in delivered.paragraphs)
    assert people[5004].pushed() == [] and people[5005].pushed() == []

    pause(bot)
    again = await clerk.command("ketluan", str(place.session.id))
    assert "đã được công bố rồi" in clerk.texts(again)[-1]
