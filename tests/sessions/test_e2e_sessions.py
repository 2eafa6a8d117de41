"""Sessions end to end through the fake Bot API: create, list with .ics, register, mute, notify."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Concern, ConcernStatus, Department, DialogueSession, SessionStatus
from tests.e2e.harness import BotUnderTest
from tests.sessions.e2e_support import deliver, make_official, run_jobs


async def test_an_official_creates_a_session_and_the_village_is_told(bot: BotUnderTest) -> None:
    lan = bot.person(2001, "Lan")
    await lan.onboard("Bảo Tân")
    far = bot.person(2002, "Tư")
    await far.onboard("Xóm Cầu")
    # Lan's concern waits on the demo session's agenda; Tư's is taken off it to wait for a new one.
    officer = bot.person(2003, "Cán bộ Văn phòng")
    await officer.onboard()
    refused = await lan.command("taophien")
    assert "dành cho cán bộ" in lan.texts(refused)[0]
    await make_official(bot, officer, Department.OFFICE)

    await officer.command("taophien")
    await officer.press("Định kỳ")
    await officer.press("Trực tiếp")
    too_soon = await officer.send("05/03/2026 08:00")
    assert "ít nhất 7 ngày làm việc" in officer.texts(too_soon)[0]
    assert "thứ Tư, ngày 11/03/2026" in officer.texts(too_soon)[0]
    await officer.send("12/03/2026 8h")
    await officer.press("Hội nghị tiếp xúc, đối thoại định kỳ")
    await officer.press("Chủ tịch UBND xã")
    await officer.send("Nhà văn hóa thôn Bảo Tân")
    picked = await officer.send("bao tan, hoa binh")
    buttons = [b["text"] for row in picked[-1]["reply_markup"]["inline_keyboard"] for b in row]
    assert "✅ Thôn Bảo Tân" in buttons and "Xóm Cầu" in buttons
    await officer.press("Xong")
    await officer.press("Hạ tầng")
    confirm = await officer.press("Xong")
    summary = officer.texts(confirm)[-1]
    assert "08:00, thứ Năm, ngày 12/03/2026" in summary
    assert "MTTQ gửi báo cáo tổng hợp ý kiến: thứ Hai, ngày 02/03/2026" in summary
    assert "thông báo kết luận chậm nhất: thứ Năm, ngày 26/03/2026" in summary
    created = await officer.press("Tạo hội nghị")
    assert "Đã tạo hội nghị số" in officer.texts(created)[0]
    assert "Hội nghị số" in officer.texts(created)[1] and "Dời lịch" in str(created[1])

    async with bot.runtime.db.reader() as session:
        dialogue = await session.scalar(
            select(DialogueSession).where(DialogueSession.title.startswith("Hội nghị tiếp xúc"))
        )
        assert dialogue is not None and dialogue.status is SessionStatus.PLANNED
        assert dialogue.topics == ["ha_tang"] and dialogue.venue == "Nhà văn hóa thôn Bảo Tân"

    await run_jobs(bot)
    assert await deliver(bot) > 0
    told = [t for t in lan.texts(bot.fake.sent_messages(2001)) if "Nhà văn hóa thôn Bảo Tân" in t]
    assert len(told) == 1 and "THÔNG BÁO" in told[0]
    assert not [t for t in far.texts(bot.fake.sent_messages(2002)) if "Nhà văn hóa thôn" in t]


async def test_lich_lists_sessions_and_sends_an_ics_file(bot: BotUnderTest) -> None:
    lan = bot.person(2011, "Lan")
    await lan.onboard()
    listing = await lan.command("lich")
    text = lan.texts(listing)[0]
    assert "Hội nghị đối thoại định kỳ Quý IV" in text  # the demo session
    assert "08:00, thứ Hai, ngày 23/03/2026" in text
    file = await lan.press("Lưu vào lịch")
    assert file[0]["document"]["file_name"] == "lich-doi-thoai.ics"
    upload = bot.fake.requests("sendDocument")[-1]
    content = next(iter(upload.files.values())).content
    assert content.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert b"DTSTART:20260323T010000Z\r\n" in content
    menu = await lan.send("📅 Lịch đối thoại")
    assert "Quý IV" in lan.texts(menu)[0]


async def test_register_to_speak_cancel_and_the_officials_list(bot: BotUnderTest) -> None:
    lan = bot.person(2021, "Lan")
    await lan.onboard()
    await lan.send("Đèn đường thôn Bảo Tân hỏng cả tháng nay, buổi tối rất tối")
    await lan.press("Đúng rồi")
    await lan.press("Ẩn tên")
    await lan.press("Gửi ý kiến")
    hoa = bot.person(2022, "Hoa")
    await hoa.onboard()
    async with bot.runtime.db.reader() as session:
        demo_id = await session.scalar(select(DialogueSession.id))
        code = await session.scalar(select(Concern.code))
    assert demo_id is not None and code is not None

    await lan.command("dangky")
    concerns = await lan.press("Quý IV")
    assert code in str(concerns[-1]["reply_markup"])
    done = await lan.press(code)
    assert "số 1" in lan.texts(done)[0] and code in lan.texts(done)[0]
    hoa_done = await hoa.command("dangky")
    hoa_done = await hoa.press("Quý IV")
    assert "số 2" in hoa.texts(hoa_done)[0]
    again = await lan.command("dangky")
    assert "đã đăng ký phát biểu" in lan.texts(again)[0]

    officer = bot.person(2023, "Cán bộ")
    await officer.onboard()
    await make_official(bot, officer, Department.OFFICE)
    order = await officer.command("danhsachphatbieu", str(demo_id))
    assert f"1. Lan — ý kiến {code}" in officer.texts(order)[0]
    assert "2. Hoa" in officer.texts(order)[0]

    cancelled = await lan.press("Hủy đăng ký", again[0])
    assert "Đã hủy đăng ký" in lan.texts(cancelled)[0]
    order = await officer.command("danhsachphatbieu", str(demo_id))
    assert "1. Hoa" in officer.texts(order)[0] and "Lan" not in officer.texts(order)[0]
    card = await officer.command("suaphien", str(demo_id))
    speakers = await officer.press("Danh sách phát biểu", card[0])
    assert "1. Hoa" in officer.texts(speakers)[0]
    async with bot.runtime.db.reader() as session:
        concern = await session.scalar(select(Concern).where(Concern.code == code))
        assert concern is not None and concern.status is ConcernStatus.ON_AGENDA


async def test_mute_stops_notices_and_unmute_brings_them_back(bot: BotUnderTest) -> None:
    lan = bot.person(2031, "Lan")
    await lan.onboard()
    muted = await lan.command("tatthongbao")
    assert "Đã tắt thông báo" in lan.texts(muted)[0]
    await run_jobs(bot)
    await deliver(bot)
    assert not [t for t in lan.texts(bot.fake.sent_messages(2031)) if "THÔNG BÁO" in t]
    unmuted = await lan.command("batthongbao")
    assert "Thôn Bảo Tân" in lan.texts(unmuted)[0]
    officer = bot.person(2032, "Cán bộ")
    await officer.onboard()
    await make_official(bot, officer, Department.OFFICE)
    async with bot.runtime.db.reader() as session:
        demo_id = await session.scalar(select(DialogueSession.id))
    card = await officer.command("suaphien", str(demo_id))
    await officer.press("Dời lịch", card[0])
    await officer.send("30/03/2026 14:00")
    moved = await officer.press("Dời lịch")
    assert "Đã dời lịch" in officer.texts(moved)[0]
    await run_jobs(bot)
    await deliver(bot)
    notices = [t for t in lan.texts(bot.fake.sent_messages(2031)) if "THÔNG BÁO" in t]
    assert len(notices) == 1 and "DỜI LỊCH" in notices[0] and "14:00" in notices[0]
