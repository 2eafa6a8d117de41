"""The summary sent by itself on the Fatherland Front's date, and the pure summary builder."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from bot.demo import load_demo
from handlers.officials.summary import build_triage, for_chat
from handlers.officials.triage_job import enqueue_triage_for_due_sessions
from locales import Catalogs
from scheduler.calendar import WorkingCalendar
from scheduler.deadlines import Timeline, front_summary_date
from storage.database import Database
from storage.models import (
    ChannelIdentity,
    Concern,
    Department,
    DialogueSession,
    Notification,
    OutboxFile,
    Role,
    Village,
)
from storage.outbox_files import file_to_send
from storage.repo.people import create_person, grant_role
from storage.repo.reporting import TriageInput
from storage.report_records import ConcernRow
from tests.officials.seed import concern_rows

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


async def test_sent_once_to_office_and_host_on_the_front_summary_date(database: Database) -> None:
    async with database.transaction() as session:
        demo = await load_demo(session, START)
        dsession = await session.scalar(select(DialogueSession))
        assert dsession is not None
        people = {}
        for external, department, locale in (
            ("office", "office", "vi"),
            ("host", "host", "en"),
            ("land", "land", "vi"),
        ):
            person, _ = await create_person(
                session,
                channel="telegram",
                external_id=external,
                chat_id=external,
                now=START,
                locale=locale,
            )
            await grant_role(
                session,
                person_id=person.id,
                commune_id=demo.commune.id,
                role=Role.OFFICIAL,
                department=Department(department),
                now=START,
            )
            people[external] = person.id
        villages = list(
            (
                await session.scalars(
                    select(Village.id).where(Village.commune_id == demo.commune.id)
                )
            ).all()
        )
        rows = concern_rows(
            40,
            commune_id=demo.commune.id,
            village_ids=villages,
            session_id=dsession.id,
            start=START,
        )
        await session.execute(insert(Concern), rows)
        starts = dsession.starts_at
    due = front_summary_date(WorkingCalendar(), Timeline(), starts.astimezone(TZ).date())
    catalogs = Catalogs()
    the_day_before = datetime.combine(due - timedelta(days=1), datetime.min.time(), TZ)
    async with database.transaction() as session:
        assert (
            await enqueue_triage_for_due_sessions(session, the_day_before, catalogs=catalogs) == []
        )
    on_the_day = datetime.combine(due, datetime.min.time(), TZ).replace(hour=7)
    async with database.transaction() as session:
        assert await enqueue_triage_for_due_sessions(session, on_the_day, catalogs=catalogs) == [
            dsession.id
        ]
    async with database.transaction() as session:
        assert (
            await enqueue_triage_for_due_sessions(
                session, on_the_day + timedelta(hours=1), catalogs=catalogs
            )
            == []
        )
    async with database.reader() as session:
        sent = list((await session.scalars(select(Notification).order_by(Notification.id))).all())
    async with database.reader() as session:
        demo_office = await session.scalar(
            select(ChannelIdentity.person_id).where(ChannelIdentity.external_id == "demo-official")
        )
    # The demo's clerk is an office official too; the land official gets nothing.
    assert {n.person_id for n in sent} == {people["office"], people["host"], demo_office}
    assert {n.kind for n in sent} == {"triage"}
    office = [n.payload for n in sent if n.person_id == people["office"]]
    host = [n.payload for n in sent if n.person_id == people["host"]]
    assert "Tổng số: 40 ý kiến" in office[0]["text"]
    assert "Total: 40" in host[0]["text"]
    docx, xlsx = (p for p in office if "document" in p)
    assert docx["document"]["filename"].endswith(".docx")
    async with database.reader() as session:
        docx_file = await file_to_send(session, docx["document"]["file"], "telegram")
        xlsx_file = await file_to_send(session, xlsx["document"]["file"], "telegram")
        stored = await session.scalar(select(func.count()).select_from(OutboxFile))
    assert docx_file is not None and docx_file.content is not None
    assert xlsx_file is not None and xlsx_file.content is not None
    document = Document(io.BytesIO(docx_file.content))
    assert any("40" in p.text for p in document.paragraphs)
    workbook = load_workbook(io.BytesIO(xlsx_file.content))
    assert len(workbook.sheetnames) == 8
    # Three recipients in two languages: each file is stored once per language, not per person.
    assert stored == 4
    demo = [n.payload for n in sent if n.person_id == demo_office]
    assert [p["document"] for p in demo if "document" in p] == [docx["document"], xlsx["document"]]


def _row(code: str, text: str, **extra: object) -> ConcernRow:
    base: dict[str, object] = {
        "code": code,
        "text": text,
        "village": "Thôn Đông",
        "primary_topic": "ha_tang",
        "status": "on_agenda",
        "created_at": datetime(2026, 3, 1, tzinfo=UTC),
    }
    base.update(extra)
    return ConcernRow(**base)  # type: ignore[arg-type]


def test_the_builder_groups_repeats_and_keeps_complaints_apart() -> None:
    road = "Đường liên thôn xuống cấp, ổ gà nhiều, mưa là ngập lầy"
    current = [
        _row("A1", road),
        _row("A2", "duong lien thon xuong cap o ga nhieu mua la ngap lay", village="Thôn Tây"),
        _row("A3", road + " đề nghị sửa", urgent=True),
        _row("L1", road, legal_complaint=True),
        _row("X1", road, abusive=True),
        _row("B1", "Trạm y tế thiếu thuốc cho người già", primary_topic="van_hoa_xa_hoi"),
    ]
    earlier = [
        _row("E1", road, status="assigned", created_at=datetime(2025, 10, 1, tzinfo=UTC)),
        _row("E2", "Bãi rác bốc mùi gần chợ", status="reopened"),
    ]
    inp = TriageInput(
        "Xã Bảo Tân", "Hội nghị", date(2026, 3, 1), date(2026, 3, 31), current, earlier, []
    )
    data = build_triage(inp, title="Hội nghị", generated_at=datetime(2026, 3, 2, tzinfo=UTC))
    assert data.total == 6
    assert dict(data.by_topic) == {"ha_tang": 5, "van_hoa_xa_hoi": 1}
    [group] = data.groups
    assert group.codes == ("A1", "A2", "A3") and group.count == 3
    assert set(group.villages) == {"Thôn Đông", "Thôn Tây"}
    [repeated] = data.repeated_unresolved
    assert (repeated.code, repeated.times_raised, repeated.status) == ("E1", 4, "assigned")
    assert [r.code for r in data.legal_complaints] == ["L1"]
    assert [r.code for r in data.urgent] == ["A3"]
    chat, cut = for_chat(data, limit=1)
    assert not cut
    many = build_triage(
        TriageInput(
            "Xã",
            "T",
            date(2026, 3, 1),
            date(2026, 3, 2),
            [_row(f"U{n}", f"khẩn {n}", urgent=True) for n in range(3)],
            [],
            [],
        ),
        title="T",
        generated_at=datetime(2026, 3, 2, tzinfo=UTC),
    )
    chat, cut = for_chat(many, limit=2)
    assert cut and len(chat.urgent) == 2 and len(many.urgent) == 3
