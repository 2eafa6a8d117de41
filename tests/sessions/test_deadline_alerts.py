"""Deadline alerts to the responsible departments, overdue alerts to the office, the digest."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update

from scheduler.jobs import Jobs
from storage.clock import ManualClock
from storage.models import Assignment, Department, DialogueSession
from tests.sessions.support import World, concern_row, local, outbox

START = local(2026, 3, 20, 8)  # Friday: Front summary due Tue 10/03, conclusion Fri 03/04


def morning(year: int, month: int, day: int) -> datetime:
    return local(year, month, day, 7)


async def alerts(jobs: Jobs, *days: datetime) -> None:
    for moment in days:
        for _ in range(2):  # a re-run the same morning adds nothing
            assert -1 not in (await jobs.every_morning(moment)).values()


async def staff(world: World, clock: ManualClock) -> dict[Department, int]:
    now = clock.now()
    return {
        department: await world.official(name, department, now=now)
        for name, department in (
            ("Văn phòng", Department.OFFICE),
            ("MTTQ", Department.FRONT),
            ("Địa chính", Department.LAND),
            ("Chủ tịch", Department.HOST),
        )
    }


async def assign(world: World, code: str, due: date, *, now: datetime) -> int:
    concern = await concern_row(world.db, code)
    async with world.db.transaction() as session:
        assignment = Assignment(
            concern_id=concern.id, department=Department.LAND, due_date=due, created_at=now
        )
        session.add(assignment)
        await session.flush()
        return assignment.id


async def test_the_front_is_told_three_working_days_before_and_on_the_day(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    people = await staff(world, clock)
    session_id = await world.session(START, now=clock.now())
    await alerts(jobs, morning(2026, 3, 4))
    assert await outbox(world.db, "deadline:front") == []
    await alerts(jobs, morning(2026, 3, 5), morning(2026, 3, 6), morning(2026, 3, 10))
    sent = await outbox(world.db, f"deadline:front:{session_id}:2026-03-10:")
    assert [(n.idempotency_key.split(":")[4], n.person_id) for n in sent] == [
        ("before", people[Department.FRONT]),
        ("due", people[Department.FRONT]),
    ]
    assert "còn 3 ngày làm việc" in sent[0].payload["text"]
    assert "thứ Ba, ngày 10/03/2026" in sent[0].payload["text"]


async def test_the_conclusion_is_chased_every_working_day_until_issued(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    people = await staff(world, clock)
    session_id = await world.session(START, now=clock.now())
    await alerts(
        jobs,
        morning(2026, 3, 30),
        morning(2026, 3, 31),
        morning(2026, 4, 3),
        morning(2026, 4, 4),  # Saturday: the office is closed
        morning(2026, 4, 6),
        morning(2026, 4, 7),
    )
    keys = [
        n.idempotency_key for n in await outbox(world.db, "") if "conclusion" in n.idempotency_key
    ]
    office = people[Department.OFFICE]
    assert keys == [
        f"deadline:conclusion:{session_id}:2026-04-03:before:{office}:telegram",
        f"deadline:conclusion:{session_id}:2026-04-03:due:{office}:telegram",
        f"overdue:conclusion:{session_id}:2026-04-06:{office}:telegram",
        f"overdue:conclusion:{session_id}:2026-04-07:{office}:telegram",
    ]
    async with world.db.transaction() as session:
        await session.execute(
            update(DialogueSession)
            .where(DialogueSession.id == session_id)
            .values(concluded_at=morning(2026, 4, 7))
        )
    await alerts(jobs, morning(2026, 4, 8))
    assert not [
        n for n in await outbox(world.db, "overdue:conclusion") if "04-08" in n.idempotency_key
    ]


async def test_answers_alert_the_department_then_the_office_until_answered(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    people = await staff(world, clock)
    lan = await world.person("Lan", village=0, now=clock.now())
    code = await world.concern(lan, 0, now=clock.now())
    assignment_id = await assign(world, code, date(2026, 3, 13), now=clock.now())
    await alerts(
        jobs,
        morning(2026, 3, 9),
        morning(2026, 3, 10),
        morning(2026, 3, 13),
        morning(2026, 3, 14),
        morning(2026, 3, 16),
        morning(2026, 3, 17),
    )
    before_due = await outbox(world.db, f"deadline:answer:{assignment_id}:")
    assert [(n.idempotency_key.split(":")[4], n.person_id) for n in before_due] == [
        ("before", people[Department.LAND]),
        ("due", people[Department.LAND]),
    ]
    assert code in before_due[0].payload["text"] and "Địa chính" in before_due[0].payload["text"]
    overdue = await outbox(world.db, f"overdue:answer:{assignment_id}:")
    assert [(n.idempotency_key.split(":")[3], n.person_id) for n in overdue] == [
        ("2026-03-16", people[Department.OFFICE]),
        ("2026-03-17", people[Department.OFFICE]),
    ]
    assert "đã quá 2 ngày làm việc" in overdue[1].payload["text"]
    async with world.db.transaction() as session:
        await session.execute(
            update(Assignment)
            .where(Assignment.id == assignment_id)
            .values(answered_at=morning(2026, 3, 17))
        )
    await alerts(jobs, morning(2026, 3, 18))
    assert len(await outbox(world.db, "overdue:answer")) == 2


async def test_an_extension_moves_the_alerts_to_the_new_date(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    people = await staff(world, clock)
    lan = await world.person("Lan", village=0, now=clock.now())
    code = await world.concern(lan, 0, now=clock.now())
    assignment_id = await assign(world, code, date(2026, 3, 13), now=clock.now())
    async with world.db.transaction() as session:
        await session.execute(
            update(Assignment)
            .where(Assignment.id == assignment_id)
            .values(extended_due_date=date(2026, 3, 27))
        )
    await alerts(jobs, morning(2026, 3, 16), morning(2026, 3, 24), morning(2026, 3, 27))
    assert await outbox(world.db, "overdue:") == []
    keys = [n.idempotency_key for n in await outbox(world.db, "deadline:answer")]
    land = people[Department.LAND]
    assert keys == [
        f"deadline:answer:{assignment_id}:2026-03-27:before:{land}:telegram",
        f"deadline:answer:{assignment_id}:2026-03-27:due:{land}:telegram",
    ]


async def test_the_host_gets_a_digest_on_mondays_only(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    people = await staff(world, clock)
    lan = await world.person("Lan", village=0, now=clock.now())
    code = await world.concern(lan, 0, now=clock.now())
    await assign(world, code, date(2026, 3, 13), now=clock.now())
    session_id = await world.session(START, now=clock.now())
    assert (await jobs.every_monday(morning(2026, 3, 17)))["weekly_digest"] == 0
    for _ in range(2):
        await jobs.every_monday(morning(2026, 3, 16))
    digest = await outbox(world.db, "digest:")
    assert [n.person_id for n in digest] == [people[Department.HOST]]
    text = digest[0].payload["text"]
    assert "thứ Hai, ngày 16/03/2026" in text
    assert f"Số {session_id}" in text and "10/03/2026" in text
    assert code in text and "quá 1 ngày làm việc" in text
