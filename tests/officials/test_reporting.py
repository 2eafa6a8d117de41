"""The reporting queries on both databases: statistics, the public page, the conclusion's
sections and the triage input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.demo import load_demo
from storage.database import Database
from storage.models import (
    Assignment,
    Commune,
    Concern,
    ConcernStatus,
    Department,
    DialogueSession,
    Person,
    Village,
)
from storage.repo import assignments as repo
from storage.repo.concerns import ConcernDraft, create_concern
from storage.repo.people import create_person
from storage.repo.reporting import public_items, triage_input_for_period
from storage.repo.reporting_conclusion import conclusion_rows
from storage.repo.reporting_stats import stats_data

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 20, 3, 0, tzinfo=UTC)  # 10:00 on Friday 20 March in Vietnam


@dataclass
class World:
    commune: Commune
    villages: list[Village]
    lan: Person


async def _world(session: AsyncSession) -> World:
    demo = await load_demo(session, NOW - timedelta(days=60))
    lan, _ = await create_person(
        session, channel="telegram", external_id="1", chat_id="1", now=NOW, display_name="Lan"
    )
    villages = await session.scalars(
        select(Village).where(Village.commune_id == demo.commune.id).order_by(Village.id)
    )
    return World(demo.commune, list(villages.all()), lan)


async def _concern(
    session: AsyncSession,
    world: World,
    text: str,
    *,
    at: datetime,
    village: int = 0,
    topic: str = "ha_tang",
    **flags: object,
) -> Concern:
    draft = ConcernDraft(
        commune_id=world.commune.id,
        village_id=world.villages[village].id,
        submitter_id=world.lan.id,
        channel="telegram",
        text=text,
        topics=[(topic, None, "model")],
        **flags,  # type: ignore[arg-type]
    )
    return await create_concern(session, draft, code_prefix="DT", now=at)


async def test_statistics_count_and_time_the_answers(database: Database) -> None:
    async with database.transaction() as session:
        world = await _world(session)
        march = NOW - timedelta(days=10)
        concerns = [
            await _concern(session, world, f"ý kiến {n}", at=march, village=n % 2, topic=topic)
            for n, topic in enumerate(["ha_tang", "ha_tang", "dat_dai", "an_sinh", "khac"])
        ]
        await _concern(session, world, "tháng trước", at=NOW - timedelta(days=40))

        def add(concern: Concern, due: date, answered: datetime | None, **extra: object) -> None:
            session.add(
                Assignment(
                    concern_id=concern.id,
                    department=Department.LAND,
                    due_date=due,
                    answered_at=answered,
                    created_at=march,
                    **extra,
                )
            )

        add(concerns[0], date(2026, 3, 10), datetime(2026, 3, 10, 9, tzinfo=UTC))  # on time
        add(concerns[1], date(2026, 3, 10), datetime(2026, 3, 12, 2, tzinfo=UTC))  # late
        add(concerns[2], date(2026, 3, 15), None)  # overdue
        add(concerns[3], date(2026, 3, 25), None)  # not yet due: left out
        add(concerns[4], date(2026, 3, 12), None, escalated_to="Cấp huyện")  # left out
        # An extension moves the deadline: answered on 18/3, due 20/3 after the extension.
        extended = await _concern(session, world, "gia hạn", at=march)
        add(
            extended,
            date(2026, 3, 13),
            datetime(2026, 3, 18, 2, tzinfo=UTC),
            extended_due_date=date(2026, 3, 20),
        )
        await session.flush()
        data = await stats_data(
            session, world.commune.id, date(2026, 3, 1), date(2026, 3, 31), now=NOW, tz=TZ
        )
        assert dict(data.by_topic) == {"ha_tang": 3, "dat_dai": 1, "an_sinh": 1, "khac": 1}
        assert data.by_topic[0] == ("ha_tang", 3)
        assert sum(n for _, n in data.by_village) == 6
        assert dict(data.by_status) == {"classified": 6}
        assert (data.answered_on_time, data.answered_late, data.overdue) == (2, 1, 1)
        assert data.on_time_rate == 0.5
        village_only = await stats_data(
            session,
            world.commune.id,
            date(2026, 3, 1),
            date(2026, 3, 31),
            now=NOW,
            tz=TZ,
            village_id=world.villages[1].id,
        )
        assert dict(village_only.by_village) == {world.villages[1].name: 2}


async def test_the_public_page_shows_answers_without_personal_data(database: Database) -> None:
    async with database.transaction() as session:
        world = await _world(session)
        at = NOW - timedelta(days=5)
        named = await _concern(session, world, "Đèn đường hỏng", at=at, show_name=True)
        anonymous = await _concern(session, world, "Cống tắc", at=at)
        abusive = await _concern(session, world, "lời lẽ xúc phạm", at=at, abusive=True)
        legal = await _concern(session, world, "tố cáo", at=at, legal_complaint=True)
        proxy = await _concern(
            session, world, "thay dân", at=at, show_name=True, on_behalf_name="Bà Mai"
        )
        refused = await _concern(session, world, "không nhận", at=at)
        unanswered = await _concern(session, world, "chưa trả lời", at=at)
        for concern, kind in (
            (named, repo.AT_SESSION),
            (anonymous, repo.WRITTEN),
            (abusive, repo.AT_SESSION),
            (legal, repo.WRITTEN),
            (proxy, repo.WRITTEN),
            (refused, repo.NOT_ACCEPTED),
        ):
            await repo.record_answer(
                session, concern, kind=kind, text=f"trả lời {concern.code}", author_id=None, now=NOW
            )
        items = await public_items(session, world.commune.id)
        by_code = {item.code: item for item in items}
        assert set(by_code) == {named.code, anonymous.code, proxy.code}
        assert by_code[named.code].public_name == "Lan"
        assert by_code[anonymous.code].public_name is None
        assert by_code[proxy.code].public_name == "Bà Mai"
        assert by_code[named.code].answer == f"trả lời {named.code}"
        assert unanswered.code not in by_code


async def test_the_conclusion_follows_the_newest_decision(database: Database) -> None:
    async with database.transaction() as session:
        world = await _world(session)
        dsession = await session.scalar(select(DialogueSession))
        assert dsession is not None
        at = NOW - timedelta(days=3)
        moved, answered, undecided = [
            await _concern(session, world, text, at=at) for text in ("a", "b", "c")
        ]
        for concern in (moved, answered, undecided):
            concern.session_id = dsession.id
        await repo.assign(
            session,
            moved,
            department=Department.LAND,
            due_date=date(2026, 4, 1),
            actor_id=None,
            now=at,
        )
        await repo.escalate(
            session,
            moved,
            escalated_to="Cấp huyện: Phòng TN-MT",
            follow_up_due=date(2026, 4, 1),
            actor_id=None,
            now=at + timedelta(hours=1),
        )
        await repo.record_answer(
            session, answered, kind=repo.AT_SESSION, text="đã trả lời", author_id=None, now=at
        )
        repo.close(answered, now=at + timedelta(hours=2), actor_id=None)
        await session.flush()
        rows = await conclusion_rows(session, dsession.id)
        assert [r.code for r in rows.escalated] == [moved.code]
        assert rows.escalated[0].escalated_to == "Cấp huyện: Phòng TN-MT"
        assert [(r.code, r.answer) for r in rows.answered] == [(answered.code, "đã trả lời")]
        assert rows.assigned == [] and rows.not_accepted == []
        assert rows.decided == 2


async def test_triage_input_for_a_period_and_a_village(database: Database) -> None:
    async with database.transaction() as session:
        world = await _world(session)
        inside = NOW - timedelta(days=2)
        for n in range(4):
            await _concern(session, world, f"ý kiến {n}", at=inside, village=n % 2)
        withdrawn = await _concern(session, world, "rút", at=inside)
        withdrawn.status = ConcernStatus.WITHDRAWN
        old = await _concern(session, world, "cũ chưa giải quyết", at=NOW - timedelta(days=90))
        old.status = ConcernStatus.ASSIGNED
        settled = await _concern(session, world, "cũ đã xong", at=NOW - timedelta(days=90))
        settled.status = ConcernStatus.CLOSED
        await session.flush()
        start = (NOW - timedelta(days=7)).astimezone(TZ).date()
        whole = await triage_input_for_period(session, world.commune.id, start, NOW.date(), tz=TZ)
        assert len(whole.current) == 4
        assert [r.code for r in whole.earlier] == [old.code]
        village = await triage_input_for_period(
            session, world.commune.id, start, NOW.date(), tz=TZ, village_id=world.villages[1].id
        )
        assert {r.village for r in village.current} == {world.villages[1].name}
        assert len(village.current) == 2 and village.earlier == []
