"""Creating, postponing, cancelling and editing sessions; the agenda filled and changed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.session_ops import (
    SessionDraft,
    StartProblem,
    cancel_session,
    create_session,
    edit_session,
    move_concern,
    postpone,
)
from storage.clock import ManualClock
from storage.models import (
    AuditEvent,
    ConcernEvent,
    ConcernStatus,
    DialogueSession,
    SessionForm,
    SessionKind,
    SessionStatus,
)
from storage.repo.concerns import get_by_code
from storage.repo.sessions import get_session
from tests.sessions.support import TZ, World, concern_row, local


async def test_open_concerns_of_the_covered_villages_go_on_the_agenda(
    world: World, clock: ManualClock
) -> None:
    now = clock.now()
    lan = await world.person("Lan", village=0, now=now)
    minh = await world.person("Minh", village=2, now=now)
    in_village = await world.concern(lan, 0, now=now)
    complaint = await world.concern(lan, 0, now=now, legal=True)
    elsewhere = await world.concern(minh, 2, now=now)
    session_id = await world.session(local(2026, 3, 20), now=now, villages=[0, 1])
    on_agenda = await concern_row(world.db, in_village)
    assert on_agenda.status is ConcernStatus.ON_AGENDA and on_agenda.session_id == session_id
    for code in (complaint, elsewhere):
        other = await concern_row(world.db, code)
        assert other.session_id is None and other.status is ConcernStatus.CLASSIFIED
    async with world.db.reader() as session:
        events = list(
            await session.scalars(
                select(ConcernEvent).where(ConcernEvent.concern_id == on_agenda.id)
            )
        )
        assert events[-1].status is ConcernStatus.ON_AGENDA
        assert events[-1].note == str(session_id)
        audit = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "session.created")
        )
        assert audit is not None and audit.details["agenda"] == 1


async def test_a_refused_session_is_not_created(world: World, clock: ManualClock) -> None:
    commune = await world.commune()
    async with world.db.transaction() as session:
        result = await create_session(
            session,
            commune,
            SessionDraft(
                title="Quá gấp",
                kind=SessionKind.PERIODIC,
                form=SessionForm.IN_PERSON,
                host="Chủ tịch",
                starts_at=local(2026, 3, 5),
                village_ids=world.villages,
            ),
            now=clock.now(),
            tz=TZ,
            actor_id=None,
        )
    assert isinstance(result, StartProblem) and result.earliest is not None
    async with world.db.reader() as session:
        assert await session.scalar(select(DialogueSession.id)) is None


async def test_postponing_bumps_the_version_and_refuses_a_close_date(
    world: World, clock: ManualClock
) -> None:
    session_id = await world.session(local(2026, 3, 20), now=clock.now())
    commune = await world.commune()
    async with world.db.transaction() as session:
        dialogue = await get_session(session, session_id)
        assert dialogue is not None
        refused = await postpone(
            session, commune, dialogue, local(2026, 3, 4), now=clock.now(), tz=TZ, actor_id=None
        )
        assert refused is not None and refused.key == "session.notice_too_short"
        assert dialogue.version == 1
        assert (
            await postpone(
                session,
                commune,
                dialogue,
                local(2026, 3, 27),
                now=clock.now(),
                tz=TZ,
                actor_id=None,
            )
            is None
        )
    async with world.db.reader() as session:
        moved = await get_session(session, session_id)
        assert moved is not None
        assert moved.status is SessionStatus.POSTPONED and moved.version == 2
        assert moved.previous_starts_at == local(2026, 3, 20)
        assert moved.starts_at == local(2026, 3, 27)


async def test_cancelling_moves_the_agenda_to_each_villages_next_session(
    world: World, clock: ManualClock
) -> None:
    now = clock.now()
    lan = await world.person("Lan", village=0, now=now)
    minh = await world.person("Minh", village=2, now=now)
    code_a = await world.concern(lan, 0, now=now)
    code_c = await world.concern(minh, 2, now=now)
    first = await world.session(local(2026, 3, 20), now=now)
    later = await world.session(local(2026, 4, 10), now=now, villages=[0], title="Sau")
    async with world.db.transaction() as session:
        dialogue = await get_session(session, first)
        assert dialogue is not None
        assert await cancel_session(session, dialogue, now=now, actor_id=None) == 2
        assert dialogue.status is SessionStatus.CANCELLED and dialogue.version == 2
    moved = await concern_row(world.db, code_a)
    assert moved.session_id == later and moved.status is ConcernStatus.ON_AGENDA
    waiting = await concern_row(world.db, code_c)
    assert waiting.session_id is None and waiting.status is ConcernStatus.CLASSIFIED


async def test_moving_a_concern_and_taking_it_off_the_agenda(
    world: World, clock: ManualClock
) -> None:
    now = clock.now()
    lan = await world.person("Lan", village=0, now=now)
    code = await world.concern(lan, 0, now=now)
    first = await world.session(local(2026, 3, 20), now=now)
    second = await world.session(local(2026, 4, 10), now=now, title="Sau")
    async with world.db.transaction() as session:
        concern = await get_by_code(session, code)
        target = await get_session(session, second)
        assert concern is not None and concern.session_id == first
        await move_concern(session, concern, target, now=now, actor_id=None)
    assert (await concern_row(world.db, code)).session_id == second
    async with world.db.transaction() as session:
        concern = await get_by_code(session, code)
        assert concern is not None
        await move_concern(session, concern, None, now=now + timedelta(minutes=1), actor_id=None)
    off = await concern_row(world.db, code)
    assert off.session_id is None and off.status is ConcernStatus.CLASSIFIED


async def test_a_new_place_is_announced_a_new_title_is_not(
    world: World, clock: ManualClock
) -> None:
    session_id = await world.session(local(2026, 3, 20), now=clock.now())
    async with world.db.transaction() as session:
        dialogue = await get_session(session, session_id)
        assert dialogue is not None
        assert not await edit_session(
            session, dialogue, "title", "Tên mới", now=clock.now(), actor_id=None
        )
        assert dialogue.version == 1
        assert await edit_session(
            session, dialogue, "place", "Nhà văn hóa thôn", now=clock.now(), actor_id=None
        )
        assert dialogue.version == 2 and dialogue.venue == "Nhà văn hóa thôn"
