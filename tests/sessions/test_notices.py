"""Notices and reminders queued by the jobs: who gets them, in which words, exactly once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from handlers.session_ops import cancel_session, postpone
from scheduler.jobs import Jobs
from storage.clock import ManualClock
from storage.models import (
    ChannelIdentity,
    DialogueSession,
    Notification,
    NotificationStatus,
    Person,
    SessionKind,
)
from storage.repo.registrations import register
from storage.repo.sessions import get_session
from tests.sessions.support import TZ, World, local, outbox, recipients

START = local(2026, 3, 20, 8)  # a Friday, well past the notice period from 2 March


async def run(jobs: Jobs, *moments: datetime) -> None:
    """The minute job at each moment, twice: a repeated run must change nothing."""
    for moment in moments:
        for _ in range(2):
            results = await jobs.every_minute(moment)
            assert -1 not in results.values(), results


async def test_the_creation_notice_reaches_the_covered_villages_and_their_heads(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    now = clock.now()
    lan = await world.person("Lan", village=0, now=now)
    hoa = await world.person("Hoa", village=1, now=now)
    minh = await world.person("Minh", village=2, now=now)
    mai = await world.person("Mai", village=0, muted=True, now=now)
    john = await world.person("John", village=0, locale="en", now=now)
    hung = await world.head("Hùng", 0, now=now)
    other_head = await world.head("Tư", 2, now=now)
    session_id = await world.session(START, now=now, villages=[0, 1])
    await run(jobs, now)
    noticed = await recipients(world.db, f"notice:{session_id}:1:")
    assert noticed == {lan, hoa, john, hung}
    assert minh not in noticed and mai not in noticed and other_head not in noticed
    heads = await outbox(world.db, f"loa:{session_id}:1:")
    assert [n.person_id for n in heads] == [hung]
    assert "loa truyền thanh" in heads[0].payload["text"]
    assert "Thưa bà con Thôn Bảo Tân" in heads[0].payload["text"]
    assert "8 giờ, thứ Sáu, ngày 20/03/2026" in heads[0].payload["text"]
    by_person = {n.person_id: n for n in await outbox(world.db, "notice:")}
    assert "THÔNG BÁO" in by_person[lan].payload["text"]
    assert "08:00, thứ Sáu, ngày 20/03/2026" in by_person[lan].payload["text"]
    assert "NOTICE" in by_person[john].payload["text"]
    assert by_person[lan].payload["buttons"][0][0][1] == f"g|reg_session|{session_id}"
    assert by_person[lan].idempotency_key == f"notice:{session_id}:1:{lan}:telegram"
    count = len(await outbox(world.db))
    await run(jobs, now + timedelta(minutes=1))
    assert len(await outbox(world.db)) == count


async def test_the_whole_reminder_timeline_is_queued_once_each(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    now = clock.now()
    lan = await world.person("Lan", village=0, now=now)
    mai = await world.person("Mai", village=1, muted=True, now=now)
    tuan = await world.person("Tuấn", village=1, muted=True, now=now)
    code = await world.concern(tuan, 1, now=now)
    session_id = await world.session(START, now=now)
    async with world.db.transaction() as session:
        await register(session, session_id=session_id, person_id=mai, concern_id=None, now=now)
    moments = [
        now,
        START - timedelta(days=3),
        START - timedelta(hours=25),
        START - timedelta(days=1),
        START - timedelta(hours=23),
        START - timedelta(hours=3),
        START - timedelta(hours=2),
        START - timedelta(hours=1, minutes=59),
        START - timedelta(minutes=1),
        START + timedelta(minutes=1),
    ]
    await run(jobs, *moments)
    stamp = "20260320T0100Z"
    day = await outbox(world.db, f"remind1d:{session_id}:{stamp}:")
    hours = await outbox(world.db, f"remind2h:{session_id}:{stamp}:")
    # Muted people hear about the session only because they are concerned by it.
    assert [n.person_id for n in day] == [lan, mai, tuan]
    assert [n.person_id for n in hours] == [lan, mai, tuan]
    assert {n.not_before for n in day} == {START - timedelta(days=1)}
    assert {n.not_before for n in hours} == {START - timedelta(hours=2)}
    text = {n.person_id: n.payload["text"] for n in day}
    assert "ngày mai" in text[lan] and "thứ tự số 1" in text[mai] and code in text[tuan]
    assert await recipients(world.db, f"notice:{session_id}:") == {lan, mai, tuan}


async def test_postponement_announces_and_reminds_for_the_new_time_only(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    now = clock.now()
    lan = await world.person("Lan", village=0, now=now)
    hoa = await world.person("Hoa", village=0, now=now)
    session_id = await world.session(START, now=now)
    await run(jobs, now, START - timedelta(days=1))
    old_day = await outbox(world.db, f"remind1d:{session_id}:")
    assert len(old_day) == 2
    async with world.db.transaction() as session:
        # Lan's reminder went out already; Hoa's is still waiting for the dispatcher.
        await session.execute(
            update(Notification)
            .where(Notification.id == old_day[0].id)
            .values(status=NotificationStatus.SENT)
        )
    moved_at = START - timedelta(hours=23)
    new_start = local(2026, 4, 2, 8)
    async with world.db.transaction() as session:
        dialogue = await get_session(session, session_id)
        assert dialogue is not None
        problem = await postpone(
            session, await world.commune(), dialogue, new_start, now=moved_at, tz=TZ, actor_id=None
        )
        assert problem is None
    left = await outbox(world.db, f"remind1d:{session_id}:")
    assert [(n.person_id, n.status) for n in left] == [(lan, NotificationStatus.SENT)]
    await run(jobs, moved_at, START - timedelta(hours=2), new_start - timedelta(days=1))
    notices = await outbox(world.db, f"notice:{session_id}:2:")
    assert {n.person_id for n in notices} == {lan, hoa}
    assert "DỜI LỊCH" in notices[0].payload["text"]
    assert "20/03/2026" in notices[0].payload["text"] and "02/04/2026" in notices[0].payload["text"]
    assert await outbox(world.db, f"remind2h:{session_id}:20260320") == []
    new_day = await outbox(world.db, f"remind1d:{session_id}:20260402T0100Z:")
    assert {n.person_id for n in new_day} == {lan, hoa}
    loudspeaker = await outbox(world.db, f"loa:{session_id}:2:")
    assert loudspeaker == []  # no village head in this commune


async def test_cancellation_is_announced_and_nothing_is_reminded(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    now = clock.now()
    lan = await world.person("Lan", village=0, now=now)
    hung = await world.head("Hùng", 0, now=now)
    session_id = await world.session(START, now=now)
    await run(jobs, now)
    async with world.db.transaction() as session:
        dialogue = await get_session(session, session_id)
        assert dialogue is not None
        await cancel_session(session, dialogue, now=now + timedelta(days=1), actor_id=None)
    await run(jobs, now + timedelta(days=1), START - timedelta(days=1), START - timedelta(hours=1))
    cancelled = await outbox(world.db, f"notice:{session_id}:2:")
    assert {n.person_id for n in cancelled} == {lan, hung}
    assert all("HỦY" in n.payload["text"] and "buttons" not in n.payload for n in cancelled)
    spoken = await outbox(world.db, f"loa:{session_id}:2:")
    assert len(spoken) == 1 and "đã bị hủy" in spoken[0].payload["text"]
    assert await outbox(world.db, "remind") == []


async def test_a_session_announced_late_gets_only_the_later_reminder(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    start = START
    created = start - timedelta(hours=5)
    lan = await world.person("Lan", village=0, now=clock.now())
    session_id = await world.session(start, now=created, kind=SessionKind.AD_HOC)
    await run(jobs, created, start - timedelta(hours=4), start - timedelta(hours=2))
    assert await recipients(world.db, f"notice:{session_id}:1:") == {lan}
    assert await outbox(world.db, "remind1d:") == []
    assert await recipients(world.db, f"remind2h:{session_id}:") == {lan}
    async with world.db.reader() as session:
        dialogue = await session.get(DialogueSession, session_id)
        assert dialogue is not None and dialogue.reminded_day_before == start


async def test_a_past_session_is_never_announced(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    await world.person("Lan", village=0, now=clock.now())
    session_id = await world.session(START, now=clock.now())
    await run(jobs, START + timedelta(hours=1))
    assert await outbox(world.db) == []
    async with world.db.reader() as session:
        dialogue = await session.get(DialogueSession, session_id)
        assert dialogue is not None and dialogue.noticed_version == 1


async def test_thousands_of_recipients_in_one_batched_notice(
    world: World, jobs: Jobs, clock: ManualClock
) -> None:
    now = clock.now()
    count = 2_500  # past one enqueue_many chunk (2,000 rows)
    async with world.db.transaction() as session:
        await session.execute(
            insert(Person),
            [
                {
                    "display_name": f"Người {i}",
                    "locale": "vi",
                    "commune_id": world.commune_id,
                    "village_id": world.villages[i % 3],
                    "privacy_accepted_at": now,
                    "muted": i % 10 == 0,
                    "unreachable": False,
                    "created_at": now,
                }
                for i in range(count)
            ],
        )
        ids = list(await session.scalars(select(Person.id).order_by(Person.id)))
        await session.execute(
            insert(ChannelIdentity),
            [
                {
                    "person_id": pid,
                    "channel": "telegram",
                    "external_id": str(pid),
                    "chat_id": str(pid),
                }
                for pid in ids
            ],
        )
    session_id = await world.session(START, now=now)
    await run(jobs, now)
    notices = await outbox(world.db, f"notice:{session_id}:")
    assert len(notices) == count - count // 10
