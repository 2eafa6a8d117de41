"""Officials manage a session from its card; a village head gets the loudspeaker text."""

from __future__ import annotations

from sqlalchemy import select

from handlers.session_ops import SessionDraft, create_session
from storage.models import (
    Commune,
    Concern,
    ConcernStatus,
    Department,
    DialogueSession,
    Role,
    SessionForm,
    SessionKind,
    SessionStatus,
    Village,
)
from storage.repo.invites import create_invite
from tests.e2e.harness import BotUnderTest, Person
from tests.sessions.e2e_support import deliver, make_official, run_jobs
from tests.sessions.support import TZ, local


async def concern_from(person: Person) -> str:
    await person.send("Cống thoát nước đầu thôn bị tắc, mưa là ngập cả đường")
    await person.press("Đúng rồi")
    await person.press("Ẩn tên")
    sent = await person.press("Gửi ý kiến")
    text = person.texts(sent)[-1]
    return text.split("Mã theo dõi: ")[1].split()[0]


async def official(bot: BotUnderTest, user_id: int) -> Person:
    officer = bot.person(user_id, "Cán bộ Văn phòng")
    await officer.onboard()
    await make_official(bot, officer, Department.OFFICE)
    return officer


async def demo_session_id(bot: BotUnderTest) -> int:
    async with bot.runtime.db.reader() as session:
        found = await session.scalar(select(DialogueSession.id).order_by(DialogueSession.id))
        assert found is not None
        return found


async def second_session(bot: BotUnderTest) -> int:
    async with bot.runtime.db.transaction() as session:
        commune = await session.scalar(select(Commune))
        assert commune is not None
        created = await create_session(
            session,
            commune,
            SessionDraft(
                title="Đối thoại chuyên đề đất đai",
                kind=SessionKind.THEMATIC,
                form=SessionForm.IN_PERSON,
                host="Chủ tịch UBND xã",
                starts_at=local(2026, 4, 8, 14),
                village_ids=[],
                venue="Hội trường UBND xã",
            ),
            now=bot.clock.now(),
            tz=TZ,
            actor_id=None,
        )
        assert isinstance(created, DialogueSession)
        return created.id


async def test_agenda_moves_and_cancellation_from_the_card(bot: BotUnderTest) -> None:
    lan = bot.person(3001, "Lan")
    await lan.onboard()
    code = await concern_from(lan)
    officer = await official(bot, 3002)
    demo = await demo_session_id(bot)

    listing = await officer.command("suaphien")
    card = await officer.press(f"#{demo} ")
    assert f"Hội nghị số {demo}" in officer.texts(card)[0]
    assert "Chương trình: 1 ý kiến" in officer.texts(card)[0]
    agenda = await officer.press("Chương trình", card[0])
    assert code in officer.texts(agenda)[0]
    assert listing

    later = await second_session(bot)
    choices = await officer.command("chuyenphien", code)
    assert "Đưa ra khỏi chương trình" in str(choices[0]["reply_markup"])
    moved = await officer.press(f"#{later} ")
    assert f"hội nghị số {later}" in officer.texts(moved)[0]
    off = await officer.command("chuyenphien", f"{code} 0")
    assert "ra khỏi chương trình" in officer.texts(off)[0]
    back = await officer.command("chuyenphien", f"{code} {demo}")
    assert f"số {demo}" in officer.texts(back)[0]

    stranger = await lan.command("suaphien", str(demo))
    assert "dành cho cán bộ" in lan.texts(stranger)[0]

    await officer.press("Hủy hội nghị", card[0])
    done = await officer.press("Hủy hội nghị")
    assert "Đã hủy hội nghị. 1 ý kiến" in officer.texts(done)[0]
    async with bot.runtime.db.reader() as session:
        concern = await session.scalar(select(Concern).where(Concern.code == code))
        dialogue = await session.get(DialogueSession, demo)
        assert dialogue is not None and dialogue.status is SessionStatus.CANCELLED
        # The commune-wide thematic session covers Lan's village: the concern moved there.
        assert concern is not None and concern.session_id == later
        assert concern.status is ConcernStatus.ON_AGENDA
    stale = await officer.press("Dời lịch", card[0])
    assert "không thể thay đổi" in officer.texts(stale)[0]


async def test_a_new_place_is_announced_and_heads_get_loudspeaker_text(bot: BotUnderTest) -> None:
    async with bot.runtime.db.transaction() as session:
        commune = await session.scalar(select(Commune))
        village = await session.scalar(select(Village).where(Village.name == "Thôn Bảo Tân"))
        assert commune is not None and village is not None
        invite = await create_invite(
            session,
            commune_id=commune.id,
            role=Role.VILLAGE_HEAD,
            village_id=village.id,
            now=bot.clock.now(),
        )
    head = bot.person(3011, "Trưởng thôn Hùng")
    await head.command("start", invite.code)
    await head.send("Bảo Tân")
    await head.press("đồng ý")
    officer = await official(bot, 3012)
    demo = await demo_session_id(bot)
    await run_jobs(bot)
    await deliver(bot)
    card = await officer.command("suaphien", str(demo))
    await officer.press("Sửa thông tin", card[-1])
    await officer.press("Địa điểm")
    edited = await officer.send("Nhà văn hóa thôn Bảo Tân")
    assert "thông báo điều chỉnh" in officer.texts(edited)[0]
    await run_jobs(bot)
    await deliver(bot)
    texts = head.texts(bot.fake.sent_messages(3011))
    spoken = [t for t in texts if "loa truyền thanh" in t]
    assert len(spoken) == 2
    assert "Kính mời bà con đến dự đông đủ" in spoken[0]
    assert "có thay đổi" in spoken[1] and "Nhà văn hóa thôn Bảo Tân" in spoken[1]
    assert any("THÔNG BÁO ĐIỀU CHỈNH" in t for t in texts)
