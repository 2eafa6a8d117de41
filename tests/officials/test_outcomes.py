"""Outcomes end to end: each kind recorded by the office, the department's written answer, and
the citizen (and the village head who wrote for them) hearing back through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from handlers.events import ButtonPress, ChatRef, InboundEvent, Sender
from scheduler.calendar import WorkingCalendar
from scheduler.deadlines import Timeline, answer_due, conclusion_due, max_extension_due
from storage.models import (
    Answer,
    Assignment,
    AuditEvent,
    Concern,
    ConcernStatus,
    Department,
    Role,
)
from tests.e2e.harness import BotUnderTest, Person
from tests.officials.seed import add_concern, deliver_outbox, demo, grant, outbox, person_id


def pause(bot: BotUnderTest) -> None:
    """An official types at a person's pace: past the flood control's ten-second window."""
    bot.clock.advance(timedelta(seconds=30))


@dataclass
class Cast:
    clerk: Person
    land: Person
    justice: Person
    lan: Person
    head: Person
    mai: Person
    lan_id: int
    head_id: int
    mai_id: int
    session_id: int
    village_id: int


async def _cast(bot: BotUnderTest) -> Cast:
    place = await demo(bot.runtime.db)
    people = {}
    for user_id, name in (
        (4001, "Lan (VP)"),
        (4002, "Sơn"),
        (4003, "Tâm"),
        (4004, "Lan"),
        (4005, "Hùng"),
        (4006, "Mai"),
    ):
        people[user_id] = bot.person(user_id, name)
        await people[user_id].onboard()
    await grant(bot, 4001, Role.OFFICIAL, department=Department.OFFICE)
    await grant(bot, 4002, Role.OFFICIAL, department=Department.LAND)
    await grant(bot, 4003, Role.OFFICIAL, department=Department.JUSTICE)
    await grant(bot, 4005, Role.VILLAGE_HEAD, village_id=place.villages[0].id)
    return Cast(
        clerk=people[4001],
        land=people[4002],
        justice=people[4003],
        lan=people[4004],
        head=people[4005],
        mai=people[4006],
        lan_id=await person_id(bot.runtime.db, 4004),
        head_id=await person_id(bot.runtime.db, 4005),
        mai_id=await person_id(bot.runtime.db, 4006),
        session_id=place.session.id,
        village_id=place.villages[0].id,
    )


def _expected_due(bot: BotUnderTest, starts_at: datetime) -> tuple[date, date]:
    cal, timeline = WorkingCalendar(), Timeline()
    tz = bot.runtime.services.timezone
    base = conclusion_due(cal, timeline, starts_at.astimezone(tz).date())
    return answer_due(cal, timeline, base), max_extension_due(cal, timeline, base)


async def _concern(bot: BotUnderTest, code: str) -> Concern:
    async with bot.runtime.db.reader() as session:
        found = await session.scalar(select(Concern).where(Concern.code == code))
        assert found is not None
        return found


async def test_answer_at_the_session_and_a_satisfied_citizen(bot: BotUnderTest) -> None:
    cast = await _cast(bot)
    code = await add_concern(
        bot,
        "Đèn đường ở ngã ba chợ hỏng cả tháng nay",
        submitter_id=cast.lan_id,
        village_id=cast.village_id,
        session_id=cast.session_id,
    )
    shown = await cast.clerk.command("ketqua", code)
    assert code in cast.clerk.texts(shown)[-1]
    await cast.clerk.press("Đã trả lời tại hội nghị")
    await cast.clerk.send("Xã đã giao điện lực thay bóng đèn trong tuần này.")
    done = await cast.clerk.press("Xác nhận")
    assert "Đã ghi kết quả cho 1 ý kiến" in cast.clerk.texts(done)[-1]
    assert (await _concern(bot, code)).status is ConcernStatus.ANSWERED_AT_SESSION

    assert await deliver_outbox(bot) == 1
    [notice] = cast.lan.pushed()
    assert "đã được trả lời tại hội nghị" in notice["text"]
    assert "thay bóng đèn" in notice["text"]
    thanks = await cast.lan.press("Hài lòng", notice)
    assert "Cảm ơn" in cast.lan.texts(thanks)[-1]
    concern = await _concern(bot, code)
    assert concern.status is ConcernStatus.CLOSED and concern.satisfied is True
    again = await cast.lan.press("Chưa hài lòng", notice)
    assert "đã được ghi nhận" in cast.lan.texts(again)[-1]
    assert (await _concern(bot, code)).status is ConcernStatus.CLOSED


async def test_assignment_answer_by_the_department_reaches_citizen_and_head(
    bot: BotUnderTest,
) -> None:
    cast = await _cast(bot)
    place = await demo(bot.runtime.db)
    code = await add_concern(
        bot,
        "Nhà bà Mai bị hàng xóm lấn chiếm 2 mét đất, đề nghị xã đo đạc lại ranh giới",
        submitter_id=cast.head_id,
        village_id=cast.village_id,
        topic="dat_dai",
        session_id=cast.session_id,
        on_behalf_name="Mai",
        on_behalf_person_id=cast.mai_id,
    )
    await cast.clerk.command("ketqua", code)
    await cast.clerk.press("Giao bộ phận")
    confirm = await cast.clerk.press("Địa chính")
    due, _ = _expected_due(bot, place.session.starts_at)
    assert due.strftime("%d/%m/%Y") in cast.clerk.texts(confirm)[-1]
    await cast.clerk.press("Xác nhận")
    async with bot.runtime.db.reader() as session:
        assignment = await session.scalar(select(Assignment))
        assert assignment is not None and assignment.due_date == due
        assert assignment.department is Department.LAND

    # The outbox holds the citizen's, the head's and the department's messages.
    kinds = sorted((n.kind, n.person_id) for n in await outbox(bot))
    land_id = await person_id(bot.runtime.db, 4002)
    assert kinds == sorted(
        [
            ("outcome_assigned", cast.head_id),
            ("outcome_assigned", cast.mai_id),
            ("assignment", land_id),
        ]
    )
    await deliver_outbox(bot)
    [to_head] = cast.head.pushed()
    assert "gửi thay cho Mai" in to_head["text"] and due.strftime("%d/%m/%Y") in to_head["text"]
    [to_mai] = cast.mai.pushed()
    assert "Địa chính – Xây dựng" in to_mai["text"] and "gửi thay" not in to_mai["text"]
    [to_land] = cast.land.pushed()
    assert code in to_land["text"]

    refused = await cast.justice.command("traloi", code)
    assert "không được giao cho bộ phận của bạn" in cast.justice.texts(refused)[-1]
    pending = await cast.land.command("traloi")
    assert code in cast.land.texts(pending)[-1]
    await cast.land.press("Trả lời", to_land)
    await cast.land.send("Ngày 20/3 cán bộ địa chính sẽ đo đạc lại, mời hai hộ có mặt.")
    sent = await cast.land.press("Gửi trả lời")
    assert "Đã gửi câu trả lời" in cast.land.texts(sent)[-1]
    async with bot.runtime.db.reader() as session:
        answered = await session.scalar(select(Assignment))
        assert answered is not None and answered.answered_at == bot.clock.now()
    assert (await _concern(bot, code)).status is ConcernStatus.ANSWERED

    await deliver_outbox(bot)
    [head_answer] = cast.head.pushed()
    [mai_answer] = cast.mai.pushed()
    for message in (head_answer, mai_answer):
        assert "đo đạc lại" in message["text"]
        assert "Địa chính – Xây dựng đã trả lời" in message["text"]
    assert "gửi thay cho Mai" in head_answer["text"]

    # The villager is not satisfied: asked why, the concern reopens and the office is alerted.
    asked = await cast.mai.press("Chưa hài lòng", mai_answer)
    assert "vì sao" in cast.mai.texts(asked)[-1]
    reopened = await cast.mai.send("Chưa hẹn giờ cụ thể, nhà tôi đi làm cả ngày.")
    assert "mở lại" in cast.mai.texts(reopened)[-1]
    concern = await _concern(bot, code)
    assert concern.status is ConcernStatus.REOPENED and concern.satisfied is False
    async with bot.runtime.db.reader() as session:
        answer = await session.scalar(select(Answer))
        assert (
            answer is not None and answer.feedback == "Chưa hẹn giờ cụ thể, nhà tôi đi làm cả ngày."
        )
    # Only once: the head's buttons no longer count.
    late = await cast.head.press("Hài lòng", head_answer)
    assert "đã được ghi nhận" in cast.head.texts(late)[-1]
    await deliver_outbox(bot)
    [alert] = cast.clerk.pushed()
    assert "chưa hài lòng" in alert["text"] and code in alert["text"]
    # The alert's button opens the outcome flow on the reopened concern.
    options = await cast.clerk.press("Ghi kết quả", alert)
    assert "Mở lại" in cast.clerk.texts(options)[-1]


async def test_feedback_buttons_refuse_other_people(bot: BotUnderTest) -> None:
    cast = await _cast(bot)
    code = await add_concern(
        bot,
        "Cống thoát nước bị tắc",
        submitter_id=cast.lan_id,
        village_id=cast.village_id,
        session_id=cast.session_id,
    )
    await cast.clerk.command("ketqua", code)
    await cast.clerk.press("Đã trả lời tại hội nghị")
    await cast.clerk.send("Đã nạo vét xong.")
    await cast.clerk.press("Xác nhận")
    # Someone else forges the button's data: the engine refuses it.
    outcome = await bot.runtime.engine.handle(
        InboundEvent(ChatRef("telegram", "4006"), Sender("4006"), ButtonPress(f"g|fb|{code}:n"))
    )
    assert any("không dành cho bạn" in getattr(r, "text", "") for r in outcome.replies)
    assert (await _concern(bot, code)).status is ConcernStatus.ANSWERED_AT_SESSION


async def test_escalation_refusal_extension_and_closure(bot: BotUnderTest) -> None:
    cast = await _cast(bot)
    place = await demo(bot.runtime.db)
    sand = await add_concern(
        bot,
        "Khai thác cát trái phép trên sông gây sạt lở",
        submitter_id=cast.lan_id,
        village_id=cast.village_id,
        topic="moi_truong",
        session_id=cast.session_id,
    )
    legal = await add_concern(
        bot,
        "Tôi tố cáo cán bộ địa chính nhận tiền khi làm sổ đỏ",
        submitter_id=cast.lan_id,
        village_id=cast.village_id,
        topic="can_bo",
        legal=True,
    )
    road = await add_concern(
        bot,
        "Đường vào xóm bị sụt lún",
        submitter_id=cast.lan_id,
        village_id=cast.village_id,
        session_id=cast.session_id,
    )

    await cast.clerk.command("ketqua", sand)
    await cast.clerk.press("Chuyển cấp trên")
    await cast.clerk.press("Cấp huyện")
    await cast.clerk.send("Phòng Tài nguyên và Môi trường huyện Minh Sơn")
    await cast.clerk.press("Xác nhận")
    assert (await _concern(bot, sand)).status is ConcernStatus.ESCALATED

    pause(bot)
    options = await cast.clerk.command("ketqua", legal)
    buttons = str(options[-1]["reply_markup"])
    assert "Không tiếp nhận" in buttons and "Gia hạn" not in buttons
    await cast.clerk.press("Không tiếp nhận")
    await cast.clerk.press("khiếu nại, tố cáo")
    await cast.clerk.press("Xác nhận")
    assert (await _concern(bot, legal)).status is ConcernStatus.NOT_ACCEPTED

    pause(bot)
    await cast.clerk.command("ketqua", road)
    await cast.clerk.press("Giao bộ phận")
    await cast.clerk.press("Kinh tế")
    await cast.clerk.press("Xác nhận")
    due, latest = _expected_due(bot, place.session.starts_at)
    pause(bot)
    await cast.clerk.command("ketqua", road)
    asked = await cast.clerk.press("Gia hạn")
    assert latest.strftime("%d/%m/%Y") in cast.clerk.texts(asked)[-1]
    too_late = await cast.clerk.send("31/12/2026")
    assert "không muộn hơn" in cast.clerk.texts(too_late)[0]
    await cast.clerk.press(f"Gia hạn đến {latest.strftime('%d/%m/%Y')}")
    await cast.clerk.send("Cần khảo sát hiện trạng và lập dự toán sửa chữa.")
    extended_reply = await cast.clerk.press("Xác nhận")
    assert "Đã ghi kết quả cho 1 ý kiến" in cast.clerk.texts(extended_reply)[-1]
    async with bot.runtime.db.reader() as session:
        assignment = await session.scalar(
            select(Assignment).where(Assignment.department == Department.ECONOMY)
        )
        assert assignment is not None
        assert (assignment.due_date, assignment.extended_due_date) == (due, latest)
        assert assignment.extension_reason == "Cần khảo sát hiện trạng và lập dự toán sửa chữa."

    pause(bot)
    await cast.clerk.command("ketqua", sand)
    await cast.clerk.press("Kết thúc")
    await cast.clerk.press("Xác nhận")
    assert (await _concern(bot, sand)).status is ConcernStatus.CLOSED

    await deliver_outbox(bot)
    texts = [m["text"] for m in cast.lan.pushed()]
    assert len(texts) == 5
    escalated, refused, assigned, extended, closed = texts
    assert "Cấp huyện: Phòng Tài nguyên và Môi trường huyện Minh Sơn" in escalated
    assert "Luật Khiếu nại" in refused and "Bộ phận tiếp công dân của UBND xã Bảo Tân" in refused
    assert due.strftime("%d/%m/%Y") in assigned
    assert latest.strftime("%d/%m/%Y") in extended and "khảo sát hiện trạng" in extended
    assert "Kinh tế" in extended
    assert "kết thúc" in closed
    async with bot.runtime.db.reader() as session:
        actions = list(
            (
                await session.scalars(
                    select(AuditEvent.action).where(AuditEvent.action.like("outcome.%"))
                )
            ).all()
        )
    assert sorted(actions) == sorted(
        ["outcome.escalate", "outcome.refuse", "outcome.assign", "outcome.extend", "outcome.close"]
    )
