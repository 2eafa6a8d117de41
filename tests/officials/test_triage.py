"""The triage summary of a session with 300 concerns: counts, paging, files, group outcomes."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from storage.models import Assignment, AuditEvent, Concern, ConcernStatus, Department, Role
from tests.e2e.harness import BotUnderTest, Person, uploaded
from tests.officials.seed import (
    ISSUES,
    bulk_insert,
    concern_rows,
    demo,
    grant,
    register_speaker,
)

N = 300


async def _seed(bot: BotUnderTest) -> dict[str, int]:
    place = await demo(bot.runtime.db)
    start = bot.clock.now() - timedelta(days=5)
    rows = concern_rows(
        N,
        commune_id=place.commune.id,
        village_ids=[v.id for v in place.villages],
        session_id=place.session.id,
        start=start,
    )
    # Raised at an earlier session, assigned, never answered: the same issue as ISSUES[0].
    earlier = concern_rows(
        3,
        commune_id=place.commune.id,
        village_ids=[place.villages[0].id],
        session_id=None,
        start=start - timedelta(days=120),
        first_number=N + 1,
    )
    for row in earlier:
        row["status"] = ConcernStatus.ASSIGNED
        row["text"] = ISSUES[0][1][0].format(v="thôn số 1")
        row["primary_topic"] = "ha_tang"
    await bulk_insert(bot.runtime.db, rows + earlier)
    return Counter(row["primary_topic"] for row in rows)


async def _office(bot: BotUnderTest, user_id: int = 3001) -> Person:
    clerk = bot.person(user_id, "Lan")
    await clerk.onboard()
    await grant(bot, user_id, Role.OFFICIAL, department=Department.OFFICE)
    return clerk


async def test_summary_of_300_concerns_pages_files_and_group_outcome(bot: BotUnderTest) -> None:
    by_topic = await _seed(bot)
    place = await demo(bot.runtime.db)
    clerk = await _office(bot)
    speaker = bot.person(3002, "Hùng")
    await speaker.onboard()
    speaker_id = await grant(bot, 3002, Role.CITIZEN)
    await register_speaker(bot, place.session.id, speaker_id, 1, "DT-26-0002")

    replies = await clerk.command("tonghop")
    texts = clerk.texts(replies)
    first = replies[0]
    assert "TỔNG HỢP Ý KIẾN" in texts[0]
    assert "Tổng số: 300 ý kiến" in texts[0]
    assert place.session.title in texts[0]
    assert "Trang 1/" in texts[0]
    pages = int(texts[0].rsplit("Trang 1/", 1)[1].split()[0].rstrip(".)"))
    assert pages >= 2
    documents = [m for m in replies if "document" in m]
    assert [m["document"]["file_name"].rsplit(".", 1)[1] for m in documents] == ["docx", "xlsx"]

    # Paging edits the first message in place.
    await clerk.press("Trang sau", first)
    page2 = bot.fake.message(3001, first["message_id"])
    assert f"Trang 2/{pages}" in page2["text"]
    await clerk.press("Trang trước", page2)
    assert f"Trang 1/{pages}" in bot.fake.message(3001, first["message_id"])["text"]

    # Everything of the summary is in the chat pages, read one after another.
    seen = []
    current = bot.fake.message(3001, first["message_id"])
    for page in range(1, pages + 1):
        seen.append(current["text"])
        if page < pages:
            await clerk.press("Trang sau", current)
            current = bot.fake.message(3001, first["message_id"])
    whole = "\n".join(seen)
    assert "KHẨN CẤP (6)" in whole  # every 50th of 300
    assert "KHIẾU NẠI, TỐ CÁO (4)" in whole  # every 75th
    repeated = whole[whole.index("NÊU NHIỀU LẦN") :]
    # The three old unanswered concerns are one issue with the road concerns raised now.
    assert "CHƯA ĐƯỢC GIẢI QUYẾT (1)" in repeated and "DT-26-0301" in repeated
    assert "Đã giao" in repeated.splitlines()[1]
    assert "Hùng" in whole and "DT-26-0002" in whole

    docx = Document(io.BytesIO(uploaded(bot.fake, documents[0])))
    paragraphs = "\n".join(p.text for p in docx.paragraphs)
    assert "Tổng số: 300 ý kiến" in paragraphs
    topic_table = docx.tables[0]
    docx_counts = {row.cells[1].text: int(row.cells[2].text) for row in topic_table.rows[1:]}
    assert sum(docx_counts.values()) == N

    workbook = load_workbook(io.BytesIO(uploaded(bot.fake, documents[1])))
    topics = workbook[workbook.sheetnames[1]]
    xlsx_counts = [row[2] for row in topics.iter_rows(min_row=2, values_only=True) if row[2]]
    assert sorted(xlsx_counts, reverse=True) == sorted(by_topic.values(), reverse=True)
    groups_sheet = next(workbook[n] for n in workbook.sheetnames if "hóm" in n)
    group_sizes = [row[1] for row in groups_sheet.iter_rows(min_row=2, values_only=True)]
    assert group_sizes and group_sizes == sorted(group_sizes, reverse=True)
    assert all(size >= 2 for size in group_sizes)
    codes = {
        c for row in groups_sheet.iter_rows(min_row=2, values_only=True) for c in row[5].split(", ")
    }
    assert codes.isdisjoint({f"DT-26-{n:04d}" for n in range(75, 301, 75)})  # complaints

    # A whole group gets one outcome from the summary's buttons.
    group_message = clerk.message_with_button("Nhóm 1")
    size = int(
        clerk.texts([group_message])[0]
        and group_message["reply_markup"]["inline_keyboard"][0][0]["text"].split("(")[1].split()[0]
    )
    await clerk.press("Nhóm 1", group_message)
    await clerk.press("Giao bộ phận")
    await clerk.press("Địa chính")
    done = await clerk.press("Xác nhận")
    assert f"Đã ghi kết quả cho {size} ý kiến" in clerk.texts(done)[-1]
    async with bot.runtime.db.reader() as session:
        assigned = await session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.department == Department.LAND)
        )
        viewed = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "triage.viewed")
        )
        statuses = Counter((await session.scalars(select(Concern.status))).all())
    assert assigned == size and statuses[ConcernStatus.ASSIGNED] == size + 3
    assert viewed == 1


async def test_a_village_head_sees_only_their_village(bot: BotUnderTest) -> None:
    await _seed(bot)
    place = await demo(bot.runtime.db)
    head = bot.person(3011, "Bình")
    await head.onboard("Đồng Tâm")
    await grant(bot, 3011, Role.VILLAGE_HEAD, village_id=place.villages[1].id)
    replies = await head.command("tonghop")
    own = 300 // len(place.villages)
    text = head.texts(replies)[0]
    assert f"Tổng số: {own} ý kiến" in text
    others = [v.name for v in place.villages if v.id != place.villages[1].id]
    assert not any(f"• {name}:" in text for name in others)
    # No outcome buttons for a village head, and no outcome command either.
    assert all("Nhóm 1" not in str(m.get("reply_markup")) for m in replies)
    refused = await head.command("ketqua", "DT-26-0001")
    assert "chỉ dành cho cán bộ" in head.texts(refused)[-1]
    stats = await head.command("thongke")
    assert "Thôn Đồng Tâm" in head.texts(stats)[0]
    assert not any(name in "\n".join(head.texts(stats)) for name in others)


async def test_usage_and_unknown_session(bot: BotUnderTest) -> None:
    clerk = await _office(bot)
    unknown = await clerk.command("tonghop", "999")
    assert "số 999" in clerk.texts(unknown)[-1]
    wrong = await clerk.command("tonghop", "hôm qua")
    assert "/tonghop" in clerk.texts(wrong)[-1]
    period = await clerk.command("tonghop", "1/1/2026 31/1/2026")
    assert "Tổng số: 0 ý kiến" in clerk.texts(period)[0]
    assert "01/01/2026 đến 31/01/2026" in clerk.texts(period)[0]


async def test_an_english_speaking_official_gets_english_pages_and_files(bot: BotUnderTest) -> None:
    await _seed(bot)
    clerk = bot.person(3021, "Linh", language="en")
    await clerk.command("start")
    await clerk.send("Bao Tan")
    await clerk.press("I agree")
    await grant(bot, 3021, Role.OFFICIAL, department=Department.HOST)
    replies = await clerk.command("triage")
    texts = clerk.texts(replies)
    assert "Total: 300 concerns" in texts[0] and "Page 1/" in texts[0]
    assert "Next ▶" in str(replies[0]["reply_markup"])
    assert "Summary of concerns" in texts[1]
    assert "Group 1" in str(replies[-1]["reply_markup"])
    await clerk.press("Group 1")
    await clerk.press("Pass to a higher level")
    await clerk.press("Provincial level")
    confirm = await clerk.send("Provincial Department of Transport")
    assert (
        "Pass to: Provincial level: Provincial Department of Transport." in clerk.texts(confirm)[-1]
    )
